import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from '../setup/test-app.js';
import { spawnInstance, type Instance } from '../setup/spawn-instance.js';
import { bearer, PASSWORD, signup } from '../factories/users.js';
import { decodePayload } from '../factories/jwt.js';

// Runs only with DATABASE_URL and REDIS_URL (see jest.config.js): two instances need a shared database and Redis.
describe('two instances on one PostgreSQL and one Redis', () => {
  let a: TestApp;
  let b: Instance;
  beforeAll(async () => {
    const shared = { REDIS_KEY_PREFIX: `test:${randomUUID()}:`, LOGIN_THROTTLE_ACCOUNT_IP_FREE: '2' };
    a = await startApp(shared);
    b = await spawnInstance(shared);
  }, 120_000);
  afterAll(async () => {
    await a.close();
    await b.stop();
  });

  it('rejects on B an access token whose session was logged out on A, at once', async () => {
    const { access, refresh } = await signup(a.http);
    expect((await b.http.get('/api/me/').set(...bearer(access))).status).toBe(200);
    expect((await a.http.post('/api/auth/logout/').send({ refresh })).status).toBe(200);
    expect((await b.http.get('/api/me/').set(...bearer(access))).status).toBe(401);
    expect((await b.http.post('/api/token/refresh/').send({ refresh })).status).toBe(401);
  });

  it('rejects on A a token whose session was ended on B', async () => {
    const { access } = await signup(a.http);
    const sid = decodePayload(access).sid;
    expect((await b.http.delete(`/api/auth/sessions/${sid}/`).set(...bearer(access))).status).toBe(204);
    expect((await a.http.get('/api/me/').set(...bearer(access))).status).toBe(401);
  });

  it('shares login failure counters between instances', async () => {
    const { email } = await signup(a.http);
    await a.http.post('/api/login/').send({ email, password: 'wrong-password-one' });
    await b.http.post('/api/login/').send({ email, password: 'wrong-password-two' });
    await a.http.post('/api/login/').send({ email, password: 'wrong-password-three' });
    expect((await b.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(429);
  });

  // SECURITY.md 11, read as "exactly one rotation": every answer carries the one successor.
  it('rotates exactly once under parallel refreshes spread over both instances', async () => {
    const { refresh } = await signup(a.http);
    const sid = decodePayload(refresh).sid;
    const responses = await Promise.all(Array.from({ length: 20 }, (_v, i) => (i % 2 ? a : b).http.post('/api/token/refresh/').send({ refresh })));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((response) => decodePayload(response.body.refresh).jti)).size).toBe(1);
    const [{ count }] = await a.db.query('SELECT count(*)::int AS count FROM outstanding_tokens WHERE session_id = $1', [sid]);
    expect(count).toBe(2);
    expect((await b.http.post('/api/token/refresh/').send({ refresh: responses[0].body.refresh })).status).toBe(200);
  });
});
