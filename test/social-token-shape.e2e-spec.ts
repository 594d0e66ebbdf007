import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { startApp, type TestApp } from './setup/test-app.js';
import { uniqueEmail } from './factories/users.js';
import { FakeProviders, GOOGLE_CLIENT_ID, MICROSOFT_APP_ID } from './factories/fake-providers.js';
import { stateCookie } from './factories/redirect.js';

const INVALID = { detail: 'OAuth token invalid.', code: 'oauth_token_invalid' };
const FRONTEND = 'https://app.example.test';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Claims that would sign someone in if only the signature were ignored. */
function googleClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'https://accounts.google.com', aud: GOOGLE_CLIENT_ID, sub: `g-${randomUUID()}`, email: uniqueEmail('forged'), email_verified: true, iat: now, exp: now + 600 };
}

function graphClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { aud: '00000003-0000-0000-c000-000000000000', appid: MICROSOFT_APP_ID, tid: randomUUID(), oid: randomUUID(), iat: now, exp: now + 600, scp: 'User.Read' };
}

/** `header.payload.` with `alg: none` and an empty signature. */
const unsigned = (claims: Record<string, unknown>) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;

/** Signed with HMAC, using the provider's published key as the secret (the classic key-confusion forgery). */
async function hs256(claims: Record<string, unknown>, publicJwk: unknown): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
}

describe('provider tokens that cannot be genuine are refused locally, before any outbound request (SECURITY.md 38)', () => {
  let fake: FakeProviders;
  let t: TestApp;
  beforeAll(async () => {
    fake = await FakeProviders.start();
    t = await startApp({ ...fake.env(), ACCOUNT_EMAIL_VERIFICATION: 'none', FRONTEND_BASE_URL: FRONTEND, PUBLIC_URL: 'https://auth.example.test' });
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  async function expectRefusedLocally(provider: string, body: Record<string, unknown>): Promise<void> {
    const before = fake.requests.length;
    const response = await t.http.post(`/api/auth/${provider}/`).send(body);
    expect([provider, response.status, response.body]).toEqual([provider, 400, INVALID]);
    expect(fake.requests.slice(before)).toEqual([]);
  }

  const cases: [string, string, () => Promise<Record<string, unknown>>][] = [
    ['google', 'an alg-none ID token with an empty signature', async () => ({ id_token: unsigned(googleClaims()) })],
    ['google', 'an alg-none ID token sent as access_token (the GIS credential)', async () => ({ access_token: unsigned(googleClaims()) })],
    ['google', 'an HS256 ID token keyed with the public key', async () => ({ id_token: await hs256(googleClaims(), fake.googleKeys[0].jwk) })],
    ['google', 'an ID token whose header is not JSON', async () => ({ id_token: `${b64('{"alg":"RS256"')}.${b64(googleClaims())}.${b64('sig')}` })],
    ['google', 'an ID token whose header names a key URL (jku)', async () => ({ id_token: `${b64({ alg: 'RS256', jku: 'https://evil.example/jwks' })}.${b64(googleClaims())}.${b64('sig')}` })],
    ['google', 'an RS256-shaped ID token over 8192 characters', async () => ({ id_token: `${b64({ alg: 'RS256', kid: 'k' })}.${b64({ ...googleClaims(), pad: 'x'.repeat(9000) })}.${b64('sig')}` })],
    ['google', 'an ID token of four parts', async () => ({ id_token: `${b64({ alg: 'RS256' })}.${b64(googleClaims())}.${b64('a')}.${b64('b')}` })],
    ['google', 'a non-JWT value in id_token', async () => ({ id_token: 'ya29.looks-like-an-access-token' })],
    ['google', 'an opaque access token with characters no token has', async () => ({ access_token: 'ya29.<script>alert(1)</script>' })],
    ['google', 'an opaque access token over 4096 characters', async () => ({ access_token: `ya29.${'a'.repeat(5000)}` })],
    ['google', 'a code with spaces and a line break', async () => ({ code: '4/0A b\r\nX-Injected: 1', redirect_uri: 'https://app.example.test/cb' })],
    ['google', 'a code over 2048 characters', async () => ({ code: 'c'.repeat(3000), redirect_uri: 'https://app.example.test/cb' })],
    ['google', 'a PKCE verifier outside RFC 7636', async () => ({ code: 'code-ok', redirect_uri: 'https://app.example.test/cb', code_verifier: 'short' })],
    ['google', 'a redirect_uri that is not an http(s) URL', async () => ({ code: 'code-ok', redirect_uri: 'javascript:alert(1)' })],
    ['microsoft', 'an alg-none ID token', async () => ({ id_token: unsigned({ ...graphClaims(), iss: `${fake.base}/ms/x/v2.0`, aud: MICROSOFT_APP_ID }) })],
    ['microsoft', 'an alg-none Graph access token issued to our app', async () => ({ access_token: unsigned(graphClaims()) })],
    ['microsoft', 'an HS256 Graph access token', async () => ({ access_token: await hs256(graphClaims(), fake.microsoftKeys[0].jwk) })],
    ['microsoft', 'a Graph access token with a garbled header', async () => ({ access_token: `${b64('garbage')}.${b64(graphClaims())}.${b64('sig')}` })],
    ['facebook', 'a JWT-shaped access token', async () => ({ access_token: unsigned({ sub: '1' }) })],
    ['facebook', 'an access token with characters no token has', async () => ({ access_token: 'EAAB token with spaces' })],
    ['facebook', 'an access token over 4096 characters', async () => ({ access_token: `EAAB${'a'.repeat(5000)}` })],
    ['github', 'a code with non-ASCII characters', async () => ({ code: 'gh-côde-☃', redirect_uri: 'https://app.example.test/cb' })],
    ['github', 'a code over 2048 characters', async () => ({ code: 'g'.repeat(3000), redirect_uri: 'https://app.example.test/cb' })],
  ];

  it.each(cases)('%s: refuses %s with 400 and no request to the provider', async (provider, _name, body) => {
    await expectRefusedLocally(provider, await body());
  });

  it('answers 400, not 503, to an alg-none Google ID token while Google is unreachable', async () => {
    fake.delayMs = 3000;
    try {
      await expectRefusedLocally('google', { access_token: unsigned(googleClaims()) });
    } finally {
      fake.delayMs = 0;
    }
  });

  it('refuses a garbled code on the browser redirect callback without calling the token endpoint', async () => {
    const start = await t.http.get('/api/auth/github/redirect/?next=/home');
    const state = new URL(start.headers.location).searchParams.get('state')!;
    const before = fake.requests.length;
    const back = await t.http.get(`/api/auth/github/callback/?code=${encodeURIComponent('bad code\u00e9')}&state=${encodeURIComponent(state)}`).set('Cookie', stateCookie(start));
    expect(new URL(back.headers.location).searchParams.get('error')).toBe('oauth_token_invalid');
    expect(fake.requests.slice(before)).toEqual([]);
  });

  it('still verifies well-formed tokens with the provider (the local check is not a blanket refusal)', async () => {
    const before = fake.requests.length;
    const genuine = await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: uniqueEmail('genuine') });
    expect((await t.http.post('/api/auth/google/').send({ access_token: genuine })).status).toBe(201);
    fake.googleAccessTokens.set('ya29.a0Af-well_formed~token', { aud: GOOGLE_CLIENT_ID, claims: { sub: `g-${randomUUID()}`, email: uniqueEmail('opaque') } });
    expect((await t.http.post('/api/auth/google/').send({ access_token: 'ya29.a0Af-well_formed~token' })).status).toBe(201);
    expect(fake.requests.length).toBeGreaterThan(before);
  });
});
