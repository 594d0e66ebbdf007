import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { ConfigError } from './env.js';

/**
 * The start-up checks of the JWT keys: the signing key and the verify-only keys of a rotation
 * (docs/operations.md, "Signing-key rotation"). Each failure names the variable and the entry,
 * never the key itself.
 */

/** Algorithms with a key pair; HS256 signs with a shared secret. */
export type AsymmetricAlgorithm = 'RS256' | 'PS256' | 'ES256';

/** RFC 8725 §3.5 / SECURITY.md 12: an HMAC key must carry at least 256 bits. */
export const MIN_SECRET_BYTES = 32;
export const PLACEHOLDER = /change-?me|placeholder|your[-_]?secret|^secret$/i;

/** The rules of JWT_SECRET, for the signing secret and each verify-only one. `entry` names it in a list. */
export function checkSecret(variable: string, secret: string, production: boolean, entry = ''): void {
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError(variable, `${entry}must be at least ${MIN_SECRET_BYTES} bytes (256 bits) long`);
  }
  if (production && PLACEHOLDER.test(secret)) {
    throw new ConfigError(variable, `${entry}still holds a placeholder value; generate one with \`openssl rand -base64 48\``);
  }
}

/** JWT_VERIFY_SECRETS: each a valid secret, none listed twice, none the signing secret itself. */
export function checkVerifySecrets(secrets: readonly string[], signing: string, production: boolean): void {
  secrets.forEach((secret, index) => {
    const entry = `entry ${index + 1} `;
    checkSecret('JWT_VERIFY_SECRETS', secret, production, entry);
    const earlier = secrets.indexOf(secret);
    if (earlier < index) throw new ConfigError('JWT_VERIFY_SECRETS', `${entry}repeats entry ${earlier + 1}`);
    if (secret === signing) {
      throw new ConfigError('JWT_VERIFY_SECRETS', `${entry}is JWT_SECRET itself; list only secrets that verify without signing`);
    }
  });
}

/** A key that cannot sign with the configured algorithm would otherwise only fail at the first login. */
export function checkPrivateKey(algorithm: AsymmetricAlgorithm, pem: string | undefined): KeyObject {
  if (pem === undefined || !pem.includes('PRIVATE KEY')) {
    throw new ConfigError('JWT_PRIVATE_KEY', `must hold a PEM private key when JWT_ALGORITHM is ${algorithm}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError('JWT_PRIVATE_KEY', 'is not a readable PEM private key');
  }
  assertFits(algorithm, key, 'JWT_PRIVATE_KEY', '');
  return key;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * JWT_VERIFY_PUBLIC_KEYS: PEM blocks one after another (commas or blank lines between them are
 * fine). Each must be a public key (a private key has no business in a verify-only list) that
 * fits the algorithm, and none may repeat another or the signing key's public half.
 */
export function readVerifyPublicKeys(algorithm: AsymmetricAlgorithm, text: string | undefined, signer: KeyObject): string[] {
  if (text === undefined) return [];
  const pems = [...text.matchAll(PEM_BLOCK)];
  if (text.replace(PEM_BLOCK, '').replace(/[\s,]/g, '') !== '') {
    throw new ConfigError('JWT_VERIFY_PUBLIC_KEYS', 'holds text outside its PEM blocks (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)');
  }
  const signerPublic = createPublicKey(signer);
  const keys: KeyObject[] = [];
  pems.forEach(([pem, label], index) => {
    const entry = `entry ${index + 1} `;
    if (label.includes('PRIVATE')) {
      throw new ConfigError('JWT_VERIFY_PUBLIC_KEYS', `${entry}is a private key; list its public half only (openssl pkey -in key.pem -pubout)`);
    }
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new ConfigError('JWT_VERIFY_PUBLIC_KEYS', `${entry}is not a readable PEM public key`);
    }
    assertFits(algorithm, key, 'JWT_VERIFY_PUBLIC_KEYS', entry);
    // KeyObject.equals compares the key, not its encoding: PKCS#1 and SPKI of one key are one key.
    const earlier = keys.findIndex((other) => other.equals(key));
    if (earlier >= 0) throw new ConfigError('JWT_VERIFY_PUBLIC_KEYS', `${entry}repeats entry ${earlier + 1}`);
    if (key.equals(signerPublic)) {
      throw new ConfigError('JWT_VERIFY_PUBLIC_KEYS', `${entry}is the public half of JWT_PRIVATE_KEY; list only keys that verify without signing`);
    }
    keys.push(key);
  });
  return pems.map(([pem]) => pem);
}

function assertFits(algorithm: AsymmetricAlgorithm, key: KeyObject, variable: string, entry: string): void {
  const fits =
    algorithm === 'ES256'
      ? key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      : key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
  if (!fits) {
    const wanted = algorithm === 'ES256' ? 'an EC P-256 key' : 'an RSA key of at least 2048 bits';
    throw new ConfigError(variable, `${entry}must be ${wanted} for ${algorithm}`);
  }
}
