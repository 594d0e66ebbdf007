import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { appSettings } from './app.config.js';
import { configArea, ConfigError, int, oneOf, str, type Env } from './env.js';
import { defineSettings } from './settings.js';

// EdDSA is not offered: jsonwebtoken (under @nestjs/jwt and passport-jwt) cannot verify it.
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'PS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** RFC 8725 §3.5 / SECURITY.md 12: an HMAC key must carry at least 256 bits. */
const MIN_SECRET_BYTES = 32;
export const PLACEHOLDER = /change-?me|placeholder|your[-_]?secret|^secret$/i;

/** A key that cannot sign with the configured algorithm would otherwise only fail at the first login. */
function assertKeyFits(algorithm: JwtAlgorithm, pem: string): void {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError('JWT_PRIVATE_KEY', 'is not a readable PEM private key');
  }
  const fits =
    algorithm === 'ES256'
      ? key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      : key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
  if (!fits) {
    const wanted = algorithm === 'ES256' ? 'an EC P-256 key' : 'an RSA key of at least 2048 bits';
    throw new ConfigError('JWT_PRIVATE_KEY', `must be ${wanted} for ${algorithm}`);
  }
}

export const authSettings = defineSettings('Tokens and passwords', {
  JWT_ALGORITHM: 'signing algorithm of every token (EdDSA is not offered: jsonwebtoken, under @nestjs/jwt and passport-jwt, cannot verify it)',
  JWT_SECRET: {
    doc: 'HS256 shared secret, at least 32 bytes (256 bits) in every environment. Required in production, where values containing `change-me`, `placeholder`, `your-secret` or equal to `secret` are refused. Unset outside production: a random secret per process, with a warning at start (tokens stop working at a restart). Generate one with `openssl rand -base64 48`',
    default: 'random per process outside production',
  },
  JWT_PRIVATE_KEY: 'PEM private key (PKCS#8 `BEGIN PRIVATE KEY`, or `BEGIN RSA/EC PRIVATE KEY`), required for RS256, PS256 (RSA, at least 2048 bits) and ES256 (EC P-256); ignored for HS256. Literal `\\n` sequences are turned into newlines, so the key can sit on one line. Its public half is served at `/.well-known/jwks.json`',
  JWT_ISSUER: '`iss` claim written into and required of every token',
  JWT_AUDIENCE: '`aud` claim written into and required of every token',
  ACCESS_TOKEN_LIFETIME: 'access token lifetime, seconds (default 60 minutes)',
  REFRESH_TOKEN_LIFETIME: 'refresh token lifetime, seconds (default 1 day); each refresh issues a new refresh token with a fresh lifetime',
  REFRESH_REUSE_GRACE_SECONDS: 'seconds in which replaying a just-spent refresh token gets a plain 401 (a client refreshing twice in parallel) instead of revoking the whole session',
  ARGON2_MEMORY_KIB: 'argon2id memory cost, KiB (default: the OWASP minimum, 19 MiB; parallelism is fixed at 1). After a change, existing hashes are re-made at their owner\'s next login',
  ARGON2_TIME_COST: 'argon2id iterations; a change also re-hashes at the next login',
  ARGON2_THREAD_NICE: "nice value of libuv's thread-pool threads that run argon2 (Linux only): hashes take whatever CPU the event loop leaves, so a login flood cannot delay other requests. `0` keeps them at the event loop's priority",
});

/** developmentSecret: used when JWT_SECRET is unset outside production; loadConfig passes the one made for this start. */
export function loadAuthConfig(source: Env = process.env, developmentSecret: string = randomBytes(MIN_SECRET_BYTES).toString('base64url')) {
  const env = authSettings.read(source, appSettings);
  const production = env.NODE_ENV === 'production';
  const algorithm = oneOf(env, 'JWT_ALGORITHM', JWT_ALGORITHMS, 'HS256');
  let secret = str(env, 'JWT_SECRET');
  const privateKey = str(env, 'JWT_PRIVATE_KEY')?.replace(/\\n/g, '\n');
  let generatedSecret = false;

  if (algorithm === 'HS256') {
    if (secret === undefined) {
      if (production) throw new ConfigError('JWT_SECRET', 'is required in production when JWT_ALGORITHM is HS256');
      // Development only: a per-process secret, so tokens do not survive a restart.
      secret = developmentSecret;
      generatedSecret = true;
    }
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes (256 bits) long`);
    }
    if (production && PLACEHOLDER.test(secret)) {
      throw new ConfigError('JWT_SECRET', 'still holds a placeholder value; generate one with `openssl rand -base64 48`');
    }
  } else {
    if (privateKey === undefined || !privateKey.includes('PRIVATE KEY')) {
      throw new ConfigError('JWT_PRIVATE_KEY', `must hold a PEM private key when JWT_ALGORITHM is ${algorithm}`);
    }
    assertKeyFits(algorithm, privateKey);
  }

  return {
    algorithm,
    secret: algorithm === 'HS256' ? secret! : undefined,
    generatedSecret,
    privateKeyPem: algorithm === 'HS256' ? undefined : privateKey,
    issuer: str(env, 'JWT_ISSUER', 'nest-auth-service'),
    audience: str(env, 'JWT_AUDIENCE', 'nest-auth-service'),
    accessTokenLifetime: int(env, 'ACCESS_TOKEN_LIFETIME', 60 * 60, 30, 24 * 60 * 60),
    refreshTokenLifetime: int(env, 'REFRESH_TOKEN_LIFETIME', 24 * 60 * 60, 60, 365 * 24 * 60 * 60),
    refreshReuseGraceSeconds: int(env, 'REFRESH_REUSE_GRACE_SECONDS', 5, 0, 60),
    argon2MemoryKib: int(env, 'ARGON2_MEMORY_KIB', 19456, 19456, 1024 * 1024),
    argon2TimeCost: int(env, 'ARGON2_TIME_COST', 2, 2, 20),
    /** Nice value of the thread-pool threads that hash (Linux); 0 leaves them at the event loop's priority. */
    argon2ThreadNice: int(env, 'ARGON2_THREAD_NICE', 10, 0, 19),
  };
}

export type AuthConfig = ReturnType<typeof loadAuthConfig>;
export const authConfig = configArea<AuthConfig>('auth');
