import { createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { legacySecretKid, secretKid, thumbprint } from './key-ids.js';

const secret = (value: string) => createSecretKey(Buffer.from(value, 'utf8'));
const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

describe('key ids', () => {
  it('computes the RFC 7638 §3.1 example thumbprint', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    expect(thumbprint(createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' }))).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('agrees with jose on the thumbprint of an EC P-256 key, whatever the PEM encoding', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const expected = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK);
    expect(thumbprint(publicKey)).toBe(expected);
    expect(thumbprint(createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })))).toBe(expected);
  });

  // A changed derivation would refuse every token in circulation at the upgrade: the values are pinned.
  it('gives an HS256 secret the same id in every release', () => {
    expect(secretKid(secret(TEST_SECRET))).toBe('QYZuYEA9jkd9K3tZ');
    expect(legacySecretKid(secret(TEST_SECRET))).toBe('hsSatUGvTXpHZ9qv');
  });

  it('gives different secrets different ids, none of which is the plain hash of the secret', () => {
    const ids = ['a', 'b', 'c'].map((c) => secretKid(secret(c.repeat(48))));
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{16}$/.test(id))).toBe(true);
    expect(secretKid(secret(TEST_SECRET))).not.toBe(legacySecretKid(secret(TEST_SECRET)));
  });
});
