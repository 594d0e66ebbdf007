import { createHash, createHmac, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * Fixed input of the HS256 key id. The space keeps it apart from every JWS signing input
 * (base64url and a dot), so no kid is ever the HMAC of something a token signs.
 */
const SECRET_KID_LABEL = 'nest-auth-service jwt key id v1';

/**
 * The `kid` of an HS256 secret: a truncated HMAC-SHA256 of a fixed label under the secret.
 * HMAC is a pseudo-random function, so without the secret the id is indistinguishable from
 * random bytes and tells nothing about it. All it allows is confirming a guessed secret offline,
 * which any token signed with the secret allows already (its signature is an HMAC of public
 * data), and a secret of 256 bits or more cannot be guessed. 96 bits keep the few configured
 * secrets apart.
 */
export function secretKid(secret: KeyObject): string {
  return createHmac('sha256', secret).update(SECRET_KID_LABEL).digest('base64url').slice(0, 16);
}

/**
 * The `kid` HS256 tokens carried before key rotation existed (a SHA-256 prefix of the secret).
 * Still accepted for every configured secret, so tokens signed before the upgrade keep working
 * until they expire; it can go once the refresh lifetime has passed in every deployment.
 */
export function legacySecretKid(secret: KeyObject): string {
  return createHash('sha256').update(secret.export()).digest('base64url').slice(0, 16);
}

/** The public members of a key, as RFC 7638 §3.2 lists them, in its lexicographic order. */
export function requiredMembers(publicKey: KeyObject): JWK {
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  if (jwk.kty === 'RSA') return { e: jwk.e, kty: jwk.kty, n: jwk.n };
  if (jwk.kty === 'EC') return { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
}

/** The `kid` of a public key: its RFC 7638 thumbprint (SHA-256 of the required members, no whitespace). */
export function thumbprint(publicKey: KeyObject): string {
  return createHash('sha256').update(JSON.stringify(requiredMembers(publicKey))).digest('base64url');
}
