import { describe, expect, it } from '@jest/globals';
import { loadAppConfig } from './app.config.js';
import { loadAuthConfig } from './auth.config.js';
import { loadDatabaseConfig } from './database.config.js';
import { ConfigError } from './env.js';
import { loadCookieConfig } from './cookie.config.js';
import { developmentSecrets, loadConfig } from './load-config.js';
import { loadMfaConfig } from './mfa.config.js';
import { unknownVariables } from './unknown-variables.js';

const strong = 'k'.repeat(48);

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('uses the documented defaults', () => {
    const auth = loadAuthConfig({ JWT_SECRET: strong });
    expect(auth).toMatchObject({ algorithm: 'HS256', accessTokenLifetime: 3600, refreshTokenLifetime: 86400, argon2MemoryKib: 19456, argon2TimeCost: 2 });
    expect(loadAppConfig({}).port).toBe(8000);
    expect(loadDatabaseConfig({})).toMatchObject({ embedded: true, migrationsRun: true, dataDir: './data' });
    expect(loadDatabaseConfig({ DATABASE_URL: 'postgres://localhost/test' })).toMatchObject({ embedded: false, migrationsRun: false });
  });

  it('refuses an HS256 secret under 256 bits, naming the variable', () => {
    expect(errorOf(() => loadAuthConfig({ JWT_SECRET: 'short-secret' })).variable).toBe('JWT_SECRET');
  });

  it('refuses a missing or placeholder secret in production', () => {
    expect(errorOf(() => loadAuthConfig({ NODE_ENV: 'production' })).message).toMatch(/JWT_SECRET is required/);
    expect(errorOf(() => loadAuthConfig({ NODE_ENV: 'production', JWT_SECRET: 'change-me-change-me-change-me-change-me' })).message).toMatch(/placeholder/);
    expect(loadAuthConfig({ NODE_ENV: 'production', JWT_SECRET: strong }).secret).toBe(strong);
  });

  it('generates a throwaway secret outside production', () => {
    const config = loadAuthConfig({});
    expect(config.generatedSecret).toBe(true);
    expect(Buffer.byteLength(config.secret!)).toBeGreaterThanOrEqual(32);
  });

  it('requires a PEM private key for asymmetric algorithms', () => {
    expect(errorOf(() => loadAuthConfig({ JWT_ALGORITHM: 'RS256' })).variable).toBe('JWT_PRIVATE_KEY');
    expect(errorOf(() => loadAuthConfig({ JWT_ALGORITHM: 'none' })).variable).toBe('JWT_ALGORITHM');
  });

  it('reads TRUST_PROXY as a hop count or a list of proxy addresses', () => {
    expect(loadAppConfig({}).trustProxy).toBe(0);
    expect(loadAppConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadAppConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(errorOf(() => loadAppConfig({ TRUST_PROXY: 'everyone' })).variable).toBe('TRUST_PROXY');
    expect(errorOf(() => loadAppConfig({ TRUST_PROXY: '10.0.0.0/99' })).variable).toBe('TRUST_PROXY');
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['ACCESS_TOKEN_LIFETIME', { JWT_SECRET: strong, ACCESS_TOKEN_LIFETIME: '0' }],
    ['ARGON2_MEMORY_KIB', { JWT_SECRET: strong, ARGON2_MEMORY_KIB: '4096' }],
    ['ARGON2_THREAD_NICE', { JWT_SECRET: strong, ARGON2_THREAD_NICE: '20' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
  ])('names %s when its value is bad', (variable, env) => {
    const load = variable === 'PORT' || variable === 'NODE_ENV' ? () => loadAppConfig(env) : variable === 'DATABASE_URL' ? () => loadDatabaseConfig(env) : () => loadAuthConfig(env);
    expect(errorOf(load).variable).toBe(variable);
  });

  it('loads every area from one call, sharing the development secrets made for this start', () => {
    const secrets = developmentSecrets();
    const { config } = loadConfig({}, secrets);
    expect(Object.keys(config).sort()).toEqual(['account', 'admin', 'app', 'auth', 'cookie', 'database', 'mail', 'metrics', 'mfa', 'redis', 'retention', 'social', 'throttle']);
    expect(config.auth.secret).toBe(secrets.jwtSecret);
    expect(config.mfa.encryptionKey.equals(secrets.mfaKey)).toBe(true);
  });

  it('has pure loaders: the same environment and secrets give the same config', () => {
    const secrets = developmentSecrets();
    expect(loadConfig({ PORT: '9000' }, secrets).config).toEqual(loadConfig({ PORT: '9000' }, secrets).config);
    expect(loadMfaConfig({}, secrets.mfaKey).encryptionKey.equals(loadMfaConfig({}, secrets.mfaKey).encryptionKey)).toBe(true);
  });

  it('derives the CORS default from the app config it is given', () => {
    expect(loadCookieConfig({}, { isProduction: false, frontendBaseUrl: 'https://spa.example.test/app' }).corsOrigins).toEqual(['https://spa.example.test']);
  });

  it('warns when the JWT secret or the MFA key is generated, and only then', () => {
    const generated = loadConfig({}).warnings;
    expect(generated.filter((line) => /^JWT_SECRET is not set/.test(line))).toHaveLength(1);
    expect(generated.filter((line) => /^MFA_ENCRYPTION_KEY is not set/.test(line))).toHaveLength(1);
    expect(loadConfig({ JWT_SECRET: strong, MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).warnings).toEqual([]);
  });

  it('names the closest setting for variables with our prefixes that no loader reads', () => {
    const env = { JWT_SECRET: strong, JWT_ACCESS_LIFETIME: '60', ACCOUNT_EMAIL_VERIFY: 'none', REDIS_UR: 'redis://x', NODE_OPTIONS: '--x', HOME: '/root', GITHUB_SHA: 'abc' };
    expect(loadConfig(env).warnings.filter((line) => !/is not set/.test(line))).toEqual([
      'ACCOUNT_EMAIL_VERIFY is not a setting of this service and is ignored; did you mean ACCOUNT_EMAIL_VERIFICATION?',
      'JWT_ACCESS_LIFETIME is not a setting of this service and is ignored; did you mean ACCESS_TOKEN_LIFETIME?',
      'REDIS_UR is not a setting of this service and is ignored; did you mean REDIS_URL?',
    ]);
    expect(unknownVariables({ GITHUB_CLIENT_IDD: 'x' }, new Set(['GITHUB_CLIENT_ID']))).toEqual([{ name: 'GITHUB_CLIENT_IDD', closest: 'GITHUB_CLIENT_ID' }]);
  });
});
