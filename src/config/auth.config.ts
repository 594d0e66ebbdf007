import { randomBytes } from 'node:crypto';
import { appSettings } from './app.config.js';
import { configArea, ConfigError, int, list, oneOf, str, type Env } from './env.js';
import { defineSettings } from './settings.js';
import { checkPrivateKey, checkSecret, checkVerifySecrets, MIN_SECRET_BYTES, readVerifyPublicKeys } from './signing-keys.js';

// EdDSA is not offered: jsonwebtoken (under @nestjs/jwt and passport-jwt) cannot verify it.
export const JWT_ALGORITHMS = ['HS256', 'RS256', 'PS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export const authSettings = defineSettings('Tokens and passwords', {
  JWT_ALGORITHM: 'signing algorithm of every token (EdDSA is not offered: jsonwebtoken, under @nestjs/jwt and passport-jwt, cannot verify it)',
  JWT_SECRET: {
    doc: 'HS256 shared secret, at least 32 bytes (256 bits) in every environment. Required in production, where values containing `change-me`, `placeholder`, `your-secret` or equal to `secret` are refused. Unset outside production: a random secret per process, with a warning at start (tokens stop working at a restart). Generate one with `openssl rand -base64 48`',
    default: 'random per process outside production',
  },
  JWT_PRIVATE_KEY: 'PEM private key (PKCS#8 `BEGIN PRIVATE KEY`, or `BEGIN RSA/EC PRIVATE KEY`), required for RS256, PS256 (RSA, at least 2048 bits) and ES256 (EC P-256); ignored for HS256. Literal `\\n` sequences are turned into newlines, so the key can sit on one line. Its public half is served at `/.well-known/jwks.json`',
  JWT_VERIFY_SECRETS:
    'HS256 secrets that verify tokens but sign none: during a key rotation, the next secret before it signs or the previous one until its tokens have expired (docs/operations.md, "Signing-key rotation"). Each follows the rules of `JWT_SECRET` and differs from it and from the others; a token is checked with the key its `kid` names',
  JWT_VERIFY_PUBLIC_KEYS:
    'PEM public keys (`BEGIN PUBLIC KEY`) that verify tokens but sign none, for RS256, PS256 and ES256, one block after another (literal `\\n` sequences are turned into newlines): during a key rotation, the next key before it signs or the previous one until its tokens have expired. Each must fit `JWT_ALGORITHM` and differ from the public half of `JWT_PRIVATE_KEY` and from the others. All are served at `/.well-known/jwks.json`',
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

  const verifySecrets = list(env, 'JWT_VERIFY_SECRETS');
  const verifyPublicKeys = str(env, 'JWT_VERIFY_PUBLIC_KEYS')?.replace(/\\n/g, '\n');
  let verifyPublicKeyPems: string[] = [];

  if (algorithm === 'HS256') {
    if (secret === undefined) {
      if (production) throw new ConfigError('JWT_SECRET', 'is required in production when JWT_ALGORITHM is HS256');
      // Development only: a per-process secret, so tokens do not survive a restart.
      secret = developmentSecret;
      generatedSecret = true;
    }
    checkSecret('JWT_SECRET', secret, production);
    checkVerifySecrets(verifySecrets, secret, production);
    // A key that is silently ignored would log out every holder of a token it signed.
    if (verifyPublicKeys !== undefined) throw new ConfigError('JWT_VERIFY_PUBLIC_KEYS', 'is for RS256, PS256 and ES256; with HS256 list old secrets in JWT_VERIFY_SECRETS');
  } else {
    const signer = checkPrivateKey(algorithm, privateKey);
    verifyPublicKeyPems = readVerifyPublicKeys(algorithm, verifyPublicKeys, signer);
    if (verifySecrets.length) throw new ConfigError('JWT_VERIFY_SECRETS', `is for HS256; with ${algorithm} list old public keys in JWT_VERIFY_PUBLIC_KEYS`);
  }

  return {
    algorithm,
    secret: algorithm === 'HS256' ? secret! : undefined,
    generatedSecret,
    privateKeyPem: algorithm === 'HS256' ? undefined : privateKey,
    /** HS256 secrets that verify but do not sign (a key rotation). */
    verifySecrets,
    /** PEM public keys that verify but do not sign (a key rotation); served at /.well-known/jwks.json. */
    verifyPublicKeyPems,
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
