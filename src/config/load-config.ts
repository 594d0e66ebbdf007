import { randomBytes } from 'node:crypto';
import { registerAs, type ConfigFactory } from '@nestjs/config';
import { loadAccountConfig } from './account.config.js';
import { loadAdminConfig } from './admin.config.js';
import { loadAppConfig } from './app.config.js';
import { loadAuthConfig } from './auth.config.js';
import { loadCookieConfig } from './cookie.config.js';
import { loadDatabaseConfig } from './database.config.js';
import type { Env } from './env.js';
import { loadMailConfig } from './mail.config.js';
import { loadMetricsConfig } from './metrics.config.js';
import { loadMfaConfig } from './mfa.config.js';
import { loadRedisConfig } from './redis.config.js';
import { loadRetentionConfig } from './retention.config.js';
import { loadSocialConfig } from './social.config.js';
import { loadThrottleConfig } from './throttle.config.js';
import { unknownVariables } from './unknown-variables.js';

/** Random keys used outside production when none is configured; made once per start and shared. */
export interface DevelopmentSecrets {
  jwtSecret: string;
  mfaKey: Buffer;
}

export function developmentSecrets(): DevelopmentSecrets {
  return { jwtSecret: randomBytes(32).toString('base64url'), mfaKey: randomBytes(32) };
}

/**
 * The one list of config areas: every loader runs here, once per start, before any connection
 * is opened, so a bad value stops the process with its ConfigError. Nest gets these values as
 * they are (configProviders); nothing reads the environment again.
 */
function loadAreas(env: Env, secrets: DevelopmentSecrets) {
  const app = loadAppConfig(env);
  return {
    app,
    auth: loadAuthConfig(env, secrets.jwtSecret),
    account: loadAccountConfig(env),
    admin: loadAdminConfig(env),
    cookie: loadCookieConfig(env, app),
    database: loadDatabaseConfig(env),
    mail: loadMailConfig(env),
    mfa: loadMfaConfig(env, secrets.mfaKey),
    redis: loadRedisConfig(env),
    retention: loadRetentionConfig(env),
    social: loadSocialConfig(env),
    throttle: loadThrottleConfig(env),
    metrics: loadMetricsConfig(env),
  };
}

export type Config = ReturnType<typeof loadAreas>;

export interface LoadedConfig {
  config: Config;
  /** Things to say at start: generated development keys, variables that look like misspelt settings. */
  warnings: string[];
  /** The misspelt settings alone: all the CLI says, as it signs no token and encrypts no MFA secret. */
  misspelt: string[];
}

export function loadConfig(env: Env = process.env, secrets: DevelopmentSecrets = developmentSecrets()): LoadedConfig {
  // The names the loaders read are the known settings, so the typo check cannot drift from them.
  const read = new Set<string>();
  const tracked = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });
  const config = loadAreas(tracked, secrets);
  const warnings: string[] = [];
  if (config.auth.generatedSecret) {
    warnings.push('JWT_SECRET is not set: using a random secret for this process only; tokens will not survive a restart.');
  }
  if (config.mfa.generatedKey) {
    warnings.push('MFA_ENCRYPTION_KEY is not set: using a random key for this process only; authenticator apps enrolled now stop working after a restart.');
  }
  const misspelt = unknownVariables(env, read).map(({ name, closest }) => `${name} is not a setting of this service and is ignored; did you mean ${closest}?`);
  return { config, warnings: [...warnings, ...misspelt], misspelt };
}

/** Nest's providers for the loaded values, under the tokens of each area's registerAs (for example authConfig.KEY). */
export function configFactories(config: Config): ConfigFactory[] {
  return Object.entries(config).map(([area, value]) => registerAs(area, () => value));
}
