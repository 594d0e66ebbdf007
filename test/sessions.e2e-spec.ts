import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, login, PASSWORD, signup } from './factories/users.js';
import { decodePayload } from './factories/jwt.js';

const NOT_VALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };

describe('sessions and logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const me = (access: string) => t.http.get('/api/me/').set(...bearer(access));
  const refreshWith = (refresh: string) => t.http.post('/api/token/refresh/').send({ refresh });

  it('records a session per login with ip and user agent, and marks the current one', async () => {
    const { email, access } = await signup(t.http);
    await t.http.post('/api/login/').set('User-Agent', 'TestPhone/1.0').send({ email, password: PASSWORD });
    const response = await t.http.get('/api/auth/sessions/').set(...bearer(access));
    expect(response.status).toBe(200);
    expect(response.body).toHaveLength(2);
    for (const session of response.body) {
      expect(session).toEqual({ id: expect.any(String), created: expect.any(String), last_used: expect.any(String), ip: expect.stringMatching(/127\.0\.0\.1/), user_agent: session.user_agent === null ? null : expect.any(String), current: expect.any(Boolean) });
    }
    expect(response.body.filter((s: { current: boolean }) => s.current)).toEqual([expect.objectContaining({ id: decodePayload(access).sid })]);
    expect(response.body.map((s: { user_agent: string }) => s.user_agent)).toContain('TestPhone/1.0');
  });

  it('moves last_used forward on refresh', async () => {
    const { access, refresh } = await signup(t.http);
    const sid = decodePayload(access).sid;
    await t.db.query(`UPDATE sessions SET last_used_at = now() - interval '1 hour' WHERE id = $1`, [sid]);
    await refreshWith(refresh);
    const [row] = await t.db.query('SELECT last_used_at FROM sessions WHERE id = $1', [sid]);
    expect(Date.now() - new Date(row.last_used_at).getTime()).toBeLessThan(60_000);
  });

  it('ends a session: its refresh and access tokens fail at once, the others keep working', async () => {
    const { email, access } = await signup(t.http);
    const phone = await login(t.http, email);
    const ended = await t.http.delete(`/api/auth/sessions/${decodePayload(phone.access).sid}/`).set(...bearer(access));
    expect(ended.status).toBe(204);
    expect((await me(phone.access)).body).toEqual(NOT_VALID);
    expect((await refreshWith(phone.refresh)).status).toBe(401);
    expect((await me(access)).status).toBe(200);
    const list = await t.http.get('/api/auth/sessions/').set(...bearer(access));
    expect(list.body).toHaveLength(1);
  });

  it("answers 404 for another user's session and leaves it alive", async () => {
    const alice = await signup(t.http);
    const bob = await signup(t.http);
    const response = await t.http.delete(`/api/auth/sessions/${decodePayload(bob.access).sid}/`).set(...bearer(alice.access));
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ detail: 'Not found.', code: 'not_found' });
    expect((await me(bob.access)).status).toBe(200);
    expect((await t.http.delete('/api/auth/sessions/not-a-uuid/').set(...bearer(alice.access))).status).toBe(404);
  });

  it('logs out with the refresh token: that session’s refresh and access tokens are rejected', async () => {
    const { access, refresh } = await signup(t.http);
    const response = await t.http.post('/api/auth/logout/').set(...bearer(access)).send({ refresh });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ detail: 'Successfully logged out.' });
    expect((await me(access)).status).toBe(401);
    expect((await refreshWith(refresh)).status).toBe(401);
    expect((await t.http.post('/api/token/verify/').send({ token: access })).status).toBe(401);
  });

  it('logs out the bearer session when no refresh token is sent, and again idempotently', async () => {
    const { access, refresh } = await signup(t.http);
    expect((await t.http.post('/api/auth/logout/').set(...bearer(access))).status).toBe(200);
    expect((await refreshWith(refresh)).status).toBe(401);
    const again = await t.http.post('/api/auth/logout/').send({ refresh });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ detail: 'Successfully logged out.' });
  });

  it('logs out with only a refresh token (no bearer)', async () => {
    const { access, refresh } = await signup(t.http);
    expect((await t.http.post('/api/auth/logout/').send({ refresh })).status).toBe(200);
    expect((await me(access)).status).toBe(401);
  });

  it("refuses to end another user's session through logout", async () => {
    const alice = await signup(t.http);
    const bob = await signup(t.http);
    const response = await t.http.post('/api/auth/logout/').set(...bearer(alice.access)).send({ refresh: bob.refresh });
    expect(response.status).toBe(401);
    expect((await me(bob.access)).status).toBe(200);
    expect((await refreshWith(bob.refresh)).status).toBe(200);
    expect((await me(alice.access)).status).toBe(200);
  });

  it('ends every session with {"all": true}', async () => {
    const { email, access, refresh } = await signup(t.http);
    const other = await login(t.http, email);
    expect((await t.http.post('/api/auth/logout/').set(...bearer(access)).send({ all: true })).status).toBe(200);
    for (const token of [access, other.access]) expect((await me(token)).status).toBe(401);
    for (const token of [refresh, other.refresh]) expect((await refreshWith(token)).status).toBe(401);
  });

  it('asks for credentials when logout gets neither a token nor a bearer', async () => {
    const response = await t.http.post('/api/auth/logout/').send({});
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('not_authenticated');
  });

  it('takes revocation from the database alone: a session ended by another writer is refused at once', async () => {
    // As another instance, the CLI or an administrator would: a committed UPDATE and nothing else.
    const { access, refresh } = await signup(t.http);
    expect((await me(access)).status).toBe(200);
    await t.db.query(`UPDATE sessions SET revoked_at = now(), revoke_reason = 'logout' WHERE id = $1`, [decodePayload(access).sid]);
    expect((await me(access)).body).toEqual(NOT_VALID);
    expect((await refreshWith(refresh)).status).toBe(401);
  });

  it('fails refresh and /api/me at once for a disabled user', async () => {
    const { access, refresh, userId } = await signup(t.http);
    await t.db.query('UPDATE users SET is_active = false WHERE id = $1', [userId]);
    const response = await me(access);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ detail: 'User account is disabled.', code: 'user_inactive' });
    expect((await refreshWith(refresh)).status).toBe(401);
    expect((await t.http.get('/api/auth/sessions/').set(...bearer(access))).status).toBe(403);
    expect((await t.http.delete(`/api/auth/sessions/${decodePayload(access).sid}/`).set(...bearer(access))).status).toBe(403);
  });

  it('refuses a spent refresh token at logout while its session lives on', async () => {
    const { access, refresh } = await signup(t.http);
    const rotated = await refreshWith(refresh);
    const stale = await t.http.post('/api/auth/logout/').send({ refresh, all: true });
    expect(stale.status).toBe(401);
    expect(stale.body).toEqual(NOT_VALID);
    expect((await me(rotated.body.access)).status).toBe(200);
    expect((await me(access)).status).toBe(200);
  });
});

describe('DELETE /api/me/', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('requires the password, then removes the user, its sessions and tokens', async () => {
    const { email, access, refresh, userId } = await signup(t.http);
    const other = await login(t.http, email);
    const missing = await t.http.delete('/api/me/').set(...bearer(access)).send({});
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ password: ['This field is required.'] });
    const wrong = await t.http.delete('/api/me/').set(...bearer(access)).send({ password: 'not-my-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ password: ['Invalid password.'] });
    expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(200);

    const deleted = await t.http.delete('/api/me/').set(...bearer(access)).send({ password: PASSWORD });
    expect(deleted.status).toBe(204);
    expect(await t.db.query('SELECT id FROM users WHERE id = $1', [userId])).toEqual([]);
    expect(await t.db.query('SELECT id FROM sessions WHERE user_id = $1', [userId])).toEqual([]);
    for (const token of [access, other.access]) expect((await t.http.get('/api/me/').set(...bearer(token))).status).toBe(401);
    expect((await t.http.post('/api/token/refresh/').send({ refresh })).status).toBe(401);
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(401);
  });

  it('needs no password for an account without one', async () => {
    const { access, userId } = await signup(t.http);
    await t.db.query('UPDATE users SET password_hash = NULL WHERE id = $1', [userId]);
    expect((await t.http.delete('/api/me/').set(...bearer(access))).status).toBe(204);
  });
});
