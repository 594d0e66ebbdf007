import { loadAccountConfig } from './account.config.js';
import { loadAppConfig } from './app.config.js';
import { loadAuthConfig } from './auth.config.js';
import { loadCookieConfig } from './cookie.config.js';
import { loadDatabaseConfig } from './database.config.js';
import type { Env } from './env.js';
import { loadMailConfig } from './mail.config.js';
import { loadMfaConfig } from './mfa.config.js';
import { loadRedisConfig } from './redis.config.js';
import { loadSocialConfig } from './social.config.js';
import { loadThrottleConfig } from './throttle.config.js';

/**
 * Reads every setting once before anything starts, so a bad value stops the process with its
 * ConfigError before a database, Redis or provider connection is opened.
 */
export function validateConfig(env: Env = process.env): void {
  for (const load of [loadAppConfig, loadAuthConfig, loadAccountConfig, loadCookieConfig, loadDatabaseConfig, loadMailConfig, loadMfaConfig, loadRedisConfig, loadSocialConfig, loadThrottleConfig]) {
    load(env);
  }
}
