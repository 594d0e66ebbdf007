import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, type JWK } from 'jose';
import * as OTPAuth from 'otpauth';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, PASSWORD, signup } from './factories/users.js';
import { decodeHeader, decodePayload, hs256, rs256 } from './factories/jwt.js';
import { legacySecretKid, secretKid } from '../src/modules/tokens/key-ids.js';

// SECURITY.md 40: signing keys rotate without logging anyone out; a withdrawn key's tokens are refused.
// Tokens "signed by the previous key" are this app's own tokens signed again with that key, so
// each belongs to a live session; the rolling deploy over two processes is test/servers/key-rotation.e2e-spec.ts.

const NOT_VALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };
const CURRENT = 'current-secret-0123456789abcdef0123456789abcdef';
const PREVIOUS = 'previous-secret-0123456789abcdef0123456789abcdef';
const WITHDRAWN = 'withdrawn-secret-0123456789abcdef0123456789abcdef';
const kidOf = (secret: string) => secretKid(createSecretKey(Buffer.from(secret)));

/** The JWKS answer's caching contract, and a 304 for a client that has this version. */
async function expectCacheableKeySet(t: TestApp) {
  const first = await t.http.get('/.well-known/jwks.json');
  expect(first.status).toBe(200);
  expect(first.headers['cache-control']).toBe('public, max-age=300');
  expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
  const again = await t.http.get('/.well-known/jwks.json').set('If-None-Match', `"other", W/${first.headers.etag}`);
  expect(again.status).toBe(304);
  expect(again.text).toBe('');
  expect((await t.http.get('/.well-known/jwks.json').set('If-None-Match', '"other"')).status).toBe(200);
  return first;
}

describe('HS256 key rotation: a signing secret and verify-only secrets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ JWT_SECRET: CURRENT, JWT_VERIFY_SECRETS: `${PREVIOUS}`, ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(() => t.close());

  const me = (token: string) => t.http.get('/api/me/').set(...bearer(token));
  const verify = (token: string) => t.http.post('/api/token/verify/').send({ token });
  const refresh = (token: string) => t.http.post('/api/token/refresh/').send({ refresh: token });

  it('names the signing secret in the kid of every token it signs', async () => {
    const { access, refresh: refreshToken } = await signup(t.http);
    for (const token of [access, refreshToken]) expect(decodeHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: kidOf(CURRENT) });
    expect(kidOf(CURRENT)).not.toBe(kidOf(PREVIOUS));
  });

  it('accepts access and refresh tokens signed with a verify-only secret, and refreshes them onto the signing secret', async () => {
    const user = await signup(t.http);
    const access = hs256({ kid: kidOf(PREVIOUS) }, decodePayload(user.access), PREVIOUS);
    const refreshToken = hs256({ kid: kidOf(PREVIOUS) }, decodePayload(user.refresh), PREVIOUS);
    expect((await me(access)).status).toBe(200);
    expect((await verify(access)).status).toBe(200);
    expect((await verify(refreshToken)).status).toBe(200);
    const rotated = await refresh(refreshToken);
    expect(rotated.status).toBe(200);
    expect(decodeHeader(rotated.body.refresh).kid).toBe(kidOf(CURRENT));
    expect((await refresh(rotated.body.refresh)).status).toBe(200);
  });

  it('accepts an MFA ticket signed with a verify-only secret', async () => {
    const user = await signup(t.http);
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(user.access));
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(user.access)).send({ code: totp.generate() })).status).toBe(200);
    const ticket = (await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).body.mfa_token;
    expect(decodeHeader(ticket).kid).toBe(kidOf(CURRENT));
    const resigned = hs256({ kid: kidOf(PREVIOUS) }, decodePayload(ticket), PREVIOUS);
    // The next step's code: the current one was spent on confirming.
    const done = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: resigned, code: totp.generate({ timestamp: Date.now() + 30_000 }) });
    expect(done.status).toBe(200);
    expect((await me(done.body.access)).status).toBe(200);
  });

  it('accepts the kid that tokens carried before rotation existed, for every configured secret', async () => {
    const user = await signup(t.http);
    const claims = decodePayload(user.access);
    const legacy = (secret: string) => legacySecretKid(createSecretKey(Buffer.from(secret)));
    expect((await me(hs256({ kid: legacy(CURRENT) }, claims, CURRENT))).status).toBe(200);
    expect((await me(hs256({ kid: legacy(PREVIOUS) }, claims, PREVIOUS))).status).toBe(200);
    expect((await refresh(hs256({ kid: legacy(PREVIOUS) }, decodePayload(user.refresh), PREVIOUS))).status).toBe(200);
  });

  it('checks a token without kid against the signing secret alone', async () => {
    const claims = decodePayload((await signup(t.http)).access);
    expect((await me(hs256({}, claims, CURRENT))).status).toBe(200);
    const previous = await me(hs256({}, claims, PREVIOUS));
    expect(previous.status).toBe(401);
    expect(previous.body).toEqual(NOT_VALID);
  });

  it('refuses a token of a withdrawn secret, and a kid paired with another secret, with 401 token_not_valid', async () => {
    const user = await signup(t.http);
    const cases = [
      [hs256({ kid: kidOf(WITHDRAWN) }, decodePayload(user.access), WITHDRAWN), hs256({ kid: kidOf(WITHDRAWN) }, decodePayload(user.refresh), WITHDRAWN)],
      [hs256({ kid: kidOf(PREVIOUS) }, decodePayload(user.access), CURRENT), hs256({ kid: kidOf(PREVIOUS) }, decodePayload(user.refresh), CURRENT)],
    ];
    for (const [access, refreshToken] of cases) {
      for (const response of [await me(access), await verify(access), await verify(refreshToken), await refresh(refreshToken)]) {
        expect(response.status).toBe(401);
        expect(response.body).toEqual(NOT_VALID);
      }
    }
    // The session itself is untouched: its genuine tokens still work.
    expect((await me(user.access)).status).toBe(200);
    expect((await refresh(user.refresh)).status).toBe(200);
  });

  it('publishes no secret: an empty key set, cacheable', async () => {
    expect((await expectCacheableKeySet(t)).body).toEqual({ keys: [] });
  });
});

describe('RS256 key rotation: a private key and verify-only public keys', () => {
  const current = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const previous = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ type, format: 'pem' }) as string;
  const thumbprint = (key: KeyObject) => calculateJwkThumbprint(key.export({ format: 'jwk' }) as JWK);
  const rs = { JWT_ALGORITHM: 'RS256', JWT_SECRET: undefined, JWT_PRIVATE_KEY: pem(current.privateKey, 'pkcs8') };
  let rotating: TestApp;
  let dropped: TestApp;
  beforeAll(async () => {
    rotating = await startApp({ ...rs, JWT_VERIFY_PUBLIC_KEYS: pem(previous.publicKey, 'spki') });
    dropped = await startApp(rs);
  });
  afterAll(async () => {
    await rotating.close();
    await dropped.close();
  });

  it('publishes the signing key first, then every verify-only key, by thumbprint and without private members', async () => {
    const { body, headers } = await expectCacheableKeySet(rotating);
    expect(body.keys.map((key: JWK) => key.kid)).toEqual([await thumbprint(current.publicKey), await thumbprint(previous.publicKey)]);
    for (const key of body.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    }
    const { access } = await signup(rotating.http);
    expect(decodeHeader(access).kid).toBe(body.keys[0].kid);
    // Once the previous key is dropped it is no longer published, and the ETag says so.
    const after = await dropped.http.get('/.well-known/jwks.json');
    expect(after.body.keys.map((key: JWK) => key.kid)).toEqual([body.keys[0].kid]);
    expect(after.headers.etag).not.toBe(headers.etag);
  });

  it('accepts access and refresh tokens of the verify-only key while it is listed, and refuses them once it is dropped', async () => {
    const kid = await thumbprint(previous.publicKey);
    for (const [t, status] of [[rotating, 200], [dropped, 401]] as const) {
      const user = await signup(t.http);
      const access = rs256({ kid }, decodePayload(user.access), previous.privateKey);
      const refreshToken = rs256({ kid }, decodePayload(user.refresh), previous.privateKey);
      const me = await t.http.get('/api/me/').set(...bearer(access));
      expect(me.status).toBe(status);
      const refreshed = await t.http.post('/api/token/refresh/').send({ refresh: refreshToken });
      expect(refreshed.status).toBe(status);
      if (status === 401) expect([me.body, refreshed.body]).toEqual([NOT_VALID, NOT_VALID]);
    }
  });

  it("refuses a token that names the verify-only key's kid but is signed by another key", async () => {
    const user = await signup(rotating.http);
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = rs256({ kid: await thumbprint(previous.publicKey) }, decodePayload(user.access), stranger);
    expect((await rotating.http.get('/api/me/').set(...bearer(forged))).body).toEqual(NOT_VALID);
  });
});
