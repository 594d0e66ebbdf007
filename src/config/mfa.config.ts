import { randomBytes } from 'node:crypto';
import { appSettings } from './app.config.js';
import { configArea, ConfigError, int, str, type Env } from './env.js';
import { mailSettings } from './mail.config.js';
import { defineSettings } from './settings.js';

export const mfaSettings = defineSettings('Multi-factor authentication', {
  MFA_ENCRYPTION_KEY: {
    doc: 'encrypts stored TOTP secrets (AES-256-GCM): 32 bytes, base64 (`openssl rand -base64 32`). Required in production; unset outside production: a random key per process, with a warning at start (authenticators enrolled then stop working at a restart)',
    default: 'random per process outside production',
    values: '32 bytes, base64',
  },
  MFA_ISSUER: { doc: 'name shown in authenticator apps', default: '`PRODUCT_NAME`' },
  MFA_MAX_FAILURES: 'wrong second-factor codes per user per 15 minutes before 429',
});

/** developmentKey: used when MFA_ENCRYPTION_KEY is unset outside production; loadConfig passes the one made for this start. */
export function loadMfaConfig(source: Env = process.env, developmentKey: Buffer = randomBytes(32)) {
  const env = mfaSettings.read(source, appSettings, mailSettings);
  const raw = str(env, 'MFA_ENCRYPTION_KEY');
  let key: Buffer;
  if (raw === undefined) {
    if (env.NODE_ENV === 'production') throw new ConfigError('MFA_ENCRYPTION_KEY', 'is required in production (generate one with `openssl rand -base64 32`)');
    // Development only: secrets enrolled now cannot be read after a restart.
    key = developmentKey;
  } else {
    key = Buffer.from(raw, 'base64');
    if (key.length !== 32) throw new ConfigError('MFA_ENCRYPTION_KEY', 'must be 32 bytes, base64-encoded (`openssl rand -base64 32`)');
  }
  return {
    encryptionKey: key,
    generatedKey: raw === undefined,
    /** Issuer shown in authenticator apps; defaults to PRODUCT_NAME. */
    issuer: str(env, 'MFA_ISSUER', str(env, 'PRODUCT_NAME', 'Auth Service')),
    /** Wrong second-factor codes allowed per user in 15 minutes before 429. */
    maxFailures: int(env, 'MFA_MAX_FAILURES', 5, 1, 100),
  };
}

export type MfaConfig = ReturnType<typeof loadMfaConfig>;
export const mfaConfig = configArea<MfaConfig>('mfa');
