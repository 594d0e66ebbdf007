import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { loadAuthConfig } from './auth.config.js';
import { ConfigError } from './env.js';

const signing = 's'.repeat(48);
const previous = 'p'.repeat(48);
const next = 'n'.repeat(48);

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const privatePem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string;
const publicPem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }) as string;

describe('verify-only HS256 secrets (JWT_VERIFY_SECRETS)', () => {
  it('reads a comma-separated list beside the signing secret', () => {
    const config = loadAuthConfig({ JWT_SECRET: signing, JWT_VERIFY_SECRETS: `${previous}, ${next}` });
    expect(config.secret).toBe(signing);
    expect(config.verifySecrets).toEqual([previous, next]);
    expect(loadAuthConfig({ JWT_SECRET: signing }).verifySecrets).toEqual([]);
  });

  it.each([
    ['a secret under 256 bits', { JWT_VERIFY_SECRETS: `${previous},short-secret` }, 'JWT_VERIFY_SECRETS entry 2 must be at least 32 bytes (256 bits) long'],
    ['the same secret twice', { JWT_VERIFY_SECRETS: `${previous},${next},${previous}` }, 'JWT_VERIFY_SECRETS entry 3 repeats entry 1'],
    ['the signing secret', { JWT_VERIFY_SECRETS: signing }, 'JWT_VERIFY_SECRETS entry 1 is JWT_SECRET itself; list only secrets that verify without signing'],
    ['public keys with HS256', { JWT_VERIFY_PUBLIC_KEYS: publicPem(ec().publicKey) }, 'JWT_VERIFY_PUBLIC_KEYS is for RS256, PS256 and ES256; with HS256 list old secrets in JWT_VERIFY_SECRETS'],
  ])('refuses %s, naming the variable and the entry but never the secret', (_name, env, message) => {
    const error = errorOf(() => loadAuthConfig({ JWT_SECRET: signing, ...env }));
    expect(error.message).toBe(message);
    for (const secret of [signing, previous, next]) expect(error.message).not.toContain(secret);
  });

  it('refuses a placeholder verify secret in production only', () => {
    const placeholder = 'change-me-change-me-change-me-change-me';
    expect(errorOf(() => loadAuthConfig({ NODE_ENV: 'production', JWT_SECRET: signing, JWT_VERIFY_SECRETS: placeholder })).message).toMatch(/^JWT_VERIFY_SECRETS entry 1 still holds a placeholder/);
    expect(loadAuthConfig({ JWT_SECRET: signing, JWT_VERIFY_SECRETS: placeholder }).verifySecrets).toEqual([placeholder]);
  });

  it('accepts verify secrets beside the generated development secret', () => {
    const config = loadAuthConfig({ JWT_VERIFY_SECRETS: previous });
    expect(config.generatedSecret).toBe(true);
    expect(config.verifySecrets).toEqual([previous]);
  });
});

describe('verify-only public keys (JWT_VERIFY_PUBLIC_KEYS)', () => {
  const signer = rsa();
  const old = rsa();
  const older = rsa();
  const base = { JWT_ALGORITHM: 'RS256', JWT_SECRET: undefined, JWT_PRIVATE_KEY: privatePem(signer.privateKey) };

  it('reads PEM blocks one after another, also on one line with literal \\n', () => {
    const two = `${publicPem(old.publicKey)}\n${publicPem(older.publicKey)}`;
    expect(loadAuthConfig({ ...base, JWT_VERIFY_PUBLIC_KEYS: two }).verifyPublicKeyPems).toEqual([publicPem(old.publicKey).trim(), publicPem(older.publicKey).trim()]);
    const oneLine = two.replace(/\n/g, '\\n');
    expect(loadAuthConfig({ ...base, JWT_VERIFY_PUBLIC_KEYS: oneLine }).verifyPublicKeyPems).toHaveLength(2);
    expect(loadAuthConfig(base).verifyPublicKeyPems).toEqual([]);
  });

  it.each([
    ['text outside the PEM blocks', () => `${publicPem(old.publicKey)}\nnot a key`, /^JWT_VERIFY_PUBLIC_KEYS holds text outside its PEM blocks/],
    ['a block that is no key', () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /^JWT_VERIFY_PUBLIC_KEYS entry 1 is not a readable PEM public key$/],
    ['a private key', () => `${publicPem(old.publicKey)}${privatePem(older.privateKey)}`, /^JWT_VERIFY_PUBLIC_KEYS entry 2 is a private key; list its public half only/],
    ['an EC key for RS256', () => publicPem(ec().publicKey), /^JWT_VERIFY_PUBLIC_KEYS entry 1 must be an RSA key of at least 2048 bits for RS256$/],
    ['a 1024-bit RSA key', () => publicPem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), /^JWT_VERIFY_PUBLIC_KEYS entry 1 must be an RSA key of at least 2048 bits/],
    ['one key twice, in two encodings', () => publicPem(old.publicKey) + (old.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string), /^JWT_VERIFY_PUBLIC_KEYS entry 2 repeats entry 1$/],
    ['the public half of the signing key', () => publicPem(signer.publicKey), /^JWT_VERIFY_PUBLIC_KEYS entry 1 is the public half of JWT_PRIVATE_KEY/],
  ])('refuses %s, naming the variable and the entry', (_name, keys, message) => {
    expect(errorOf(() => loadAuthConfig({ ...base, JWT_VERIFY_PUBLIC_KEYS: keys() })).message).toMatch(message);
  });

  it('refuses an RSA key for ES256 and verify secrets with an asymmetric algorithm', () => {
    const es = { JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: privatePem(ec().privateKey) };
    expect(errorOf(() => loadAuthConfig({ ...es, JWT_VERIFY_PUBLIC_KEYS: publicPem(old.publicKey) })).message).toBe('JWT_VERIFY_PUBLIC_KEYS entry 1 must be an EC P-256 key for ES256');
    expect(errorOf(() => loadAuthConfig({ ...es, JWT_VERIFY_SECRETS: previous })).message).toBe('JWT_VERIFY_SECRETS is for HS256; with ES256 list old public keys in JWT_VERIFY_PUBLIC_KEYS');
  });
});
