import { randomBytes } from 'node:crypto';
import { configArea, ConfigError, int, str, type Env } from './env.js';

/** developmentKey: used when MFA_ENCRYPTION_KEY is unset outside production; loadConfig passes the one made for this start. */
export function loadMfaConfig(env: Env = process.env, developmentKey: Buffer = randomBytes(32)) {
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
