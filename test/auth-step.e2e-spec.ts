import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, TEST_JWT_SECRET, type TestApp } from './setup/test-app.js';
import { bearer, login, PASSWORD, signup, uniqueEmail } from './factories/users.js';
import { decodePayload, hs256 } from './factories/jwt.js';

const NOT_VALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };
const INACTIVE = { detail: 'User account is disabled.', code: 'user_inactive' };

type Operation = { method: string; path: string };

/**
 * The authentication step resolves the active user and the live session of every request, so no
 * endpoint can forget the check (SECURITY.md 9). The protected endpoints are found, not listed:
 * every operation of the OpenAPI document that asks an anonymous caller for credentials.
 */
describe('the authentication step', () => {
  let t: TestApp;
  let protectedOperations: Operation[];

  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
    const document = (await t.http.get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    protectedOperations = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      const path = template.replace(/\{provider\}/g, 'google').replace(/\{[^}]+\}/g, () => randomUUID());
      for (const method of Object.keys(operations)) {
        const anonymous = await send({ method, path }).send({});
        if (anonymous.status === 401 && anonymous.body.code === 'not_authenticated') protectedOperations.push({ method, path });
      }
    }
  });
  afterAll(() => t.close());

  function send({ method, path }: Operation) {
    return (t.http as unknown as Record<string, (url: string) => ReturnType<TestApp['http']['get']>>)[method](path);
  }

  const deactivate = (userId: string) => t.db.query('UPDATE users SET is_active = false WHERE id = $1', [userId]);

  it('finds the protected endpoints in the OpenAPI document', () => {
    const names = protectedOperations.map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    for (const expected of ['GET /api/me', 'DELETE /api/me', 'POST /api/auth/password/change', 'GET /api/auth/sessions', 'POST /api/auth/mfa/totp/disable']) {
      expect(names).toContain(expected);
    }
  });

  it('refuses a deactivated user on every protected endpoint with 403 user_inactive', async () => {
    const { access, userId } = await signup(t.http);
    await deactivate(userId);
    for (const operation of protectedOperations) {
      const response = await send(operation).set(...bearer(access)).send({ password: PASSWORD });
      expect({ ...operation, status: response.status, body: response.body }).toEqual({ ...operation, status: 403, body: INACTIVE });
    }
  });

  it('refuses a deleted user on every protected endpoint with 401 token_not_valid', async () => {
    const { access, userId } = await signup(t.http);
    await t.db.query('DELETE FROM users WHERE id = $1', [userId]);
    for (const operation of protectedOperations) {
      const response = await send(operation).set(...bearer(access)).send({ password: PASSWORD });
      expect({ ...operation, status: response.status, body: response.body }).toEqual({ ...operation, status: 401, body: NOT_VALID });
    }
  });

  it('keeps the account of a deactivated user who asks DELETE /api/me/ with the right password', async () => {
    const { access, userId } = await signup(t.http);
    await deactivate(userId);
    const response = await t.http.delete('/api/me/').set(...bearer(access)).send({ password: PASSWORD });
    expect(response.status).toBe(403);
    expect(response.body).toEqual(INACTIVE);
    expect(await t.db.query('SELECT id FROM users WHERE id = $1', [userId])).toEqual([{ id: userId }]);
  });

  it('answers 401 at /api/token/verify/ for the access and refresh tokens of a deactivated user', async () => {
    const { access, refresh, userId } = await signup(t.http);
    for (const token of [access, refresh]) expect((await t.http.post('/api/token/verify/').send({ token })).status).toBe(200);
    await deactivate(userId);
    for (const token of [access, refresh]) {
      const response = await t.http.post('/api/token/verify/').send({ token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(NOT_VALID);
    }
  });

  it('answers 401 at /api/token/verify/ for the tokens of a user deleted from the database', async () => {
    const { access, refresh, userId } = await signup(t.http);
    await t.db.query('DELETE FROM users WHERE id = $1', [userId]);
    for (const token of [access, refresh]) {
      const response = await t.http.post('/api/token/verify/').send({ token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(NOT_VALID);
    }
  });

  it('refuses at once the tokens of a session that was revoked or that expired in the database', async () => {
    for (const change of [`revoked_at = now(), revoke_reason = 'logout'`, `expires_at = now() - interval '1 second'`]) {
      const { access, refresh } = await signup(t.http);
      await t.db.query(`UPDATE sessions SET ${change} WHERE id = $1`, [decodePayload(access).sid]);
      const me = await t.http.get('/api/me/').set(...bearer(access));
      expect({ change, status: me.status, body: me.body }).toEqual({ change, status: 401, body: NOT_VALID });
      for (const token of [access, refresh]) expect({ change, status: (await t.http.post('/api/token/verify/').send({ token })).status }).toEqual({ change, status: 401 });
    }
  });

  it('tells a request without a bearer token (not_authenticated) from one with a bad token (token_not_valid)', async () => {
    const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.', code: 'not_authenticated' };
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Token abc']) {
      const me = await t.http.get('/api/me/').set('Authorization', authorization);
      expect({ authorization, status: me.status, body: me.body }).toEqual({ authorization, status: 401, body: NOT_AUTHENTICATED });
    }
    for (const authorization of ['Bearer abc', 'bearer not.a.jwt']) {
      const me = await t.http.get('/api/me/').set('Authorization', authorization);
      expect({ authorization, status: me.status, body: me.body }).toEqual({ authorization, status: 401, body: NOT_VALID });
    }
    // @OptionalAuth: without a bearer token the request goes on anonymous; with a bad one it is refused.
    const { refresh } = await signup(t.http);
    expect((await t.http.post('/api/auth/logout/').set('Authorization', 'Bearer abc').send({ refresh })).status).toBe(401);
    expect((await t.http.post('/api/auth/logout/').set('Authorization', 'Basic dXNlcjpwYXNz').send({ refresh })).status).toBe(200);
  });

  it("refuses a correctly signed token that names another user's session", async () => {
    const alice = await signup(t.http);
    const bob = await signup(t.http);
    const claims = { ...decodePayload(alice.access), sid: decodePayload(bob.access).sid };
    const forged = hs256({}, claims, TEST_JWT_SECRET);
    const me = await t.http.get('/api/me/').set(...bearer(forged));
    expect(me.status).toBe(401);
    expect(me.body).toEqual(NOT_VALID);
    expect((await t.http.post('/api/token/verify/').send({ token: forged })).status).toBe(401);
    // Control: the same claims with alice's own session are accepted.
    expect((await t.http.get('/api/me/').set(...bearer(hs256({}, decodePayload(alice.access), TEST_JWT_SECRET)))).status).toBe(200);
  });
});

/**
 * Each application authenticates through its own strategies (never passport's process-wide
 * registry), so several in one process do not borrow each other's. The two differ in their JWT
 * secret, which the token strategy uses, and in e-mail verification, which the login strategy
 * applies: that tells them apart on one shared database too.
 */
describe('two applications in one process', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  const settings = {
    open: { JWT_SECRET: randomBytes(32).toString('base64url'), ACCOUNT_EMAIL_VERIFICATION: 'none' },
    gated: { JWT_SECRET: randomBytes(32).toString('base64url'), ACCOUNT_EMAIL_VERIFICATION: 'mandatory' },
  };

  it.each([
    ['open', 'gated'],
    ['gated', 'open'],
  ] as const)('each runs its own strategies when started %s first, then %s', async (first, second) => {
    const started: Record<string, TestApp> = {};
    for (const name of [first, second]) apps.push((started[name] = await startApp(settings[name])));
    const { open, gated } = started;

    // Login: an unverified account signs in where verification is off and is refused where it is mandatory.
    const openUser = await signup(open.http);
    expect((await open.http.post('/api/login/').send({ email: openUser.email, password: PASSWORD })).status).toBe(200);
    const gatedEmail = uniqueEmail('gated');
    expect((await gated.http.post('/api/signup/').send({ email: gatedEmail, password: PASSWORD, password_confirm: PASSWORD })).status).toBe(201);
    const refused = await gated.http.post('/api/login/').send({ email: gatedEmail, password: PASSWORD });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'email_not_verified' });

    // Tokens: each application accepts the access tokens it signed and refuses the other's.
    await gated.db.query('UPDATE users SET email_verified = true WHERE email = $1', [gatedEmail]);
    const tokens = { open: openUser.access, gated: (await login(gated.http, gatedEmail)).access };
    for (const [name, app] of Object.entries(started)) {
      for (const [signer, token] of Object.entries(tokens)) {
        const me = await app.http.get('/api/me/').set(...bearer(token));
        expect({ app: name, signer, status: me.status }).toEqual({ app: name, signer, status: signer === name ? 200 : 401 });
      }
    }
  });
});
