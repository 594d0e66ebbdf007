import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApp, TEST_JWT_SECRET, type TestApp } from './setup/test-app.js';
import { bearer } from './factories/users.js';
import { hs256 } from './factories/jwt.js';
import { freePort as closedPort } from './setup/spawn-instance.js';


describe('Redis configured but unreachable', () => {
  let broken: TestApp;
  beforeAll(async () => {
    broken = await startApp({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
  });
  afterAll(() => broken.close());

  // Revocation lives in the database alone (issue 11/11): a Redis outage neither lets an ended
  // session through nor locks a live one out.
  it('refuses a logged-out session and serves a live one while Redis is unreachable', async () => {
    const userId = randomUUID();
    await broken.db.query('INSERT INTO users (id, email, email_key) VALUES ($1, $2, $2)', [userId, `${userId}@example.com`]);
    const now = Math.floor(Date.now() / 1000);
    const [live, ended] = await Promise.all(
      [randomUUID(), randomUUID()].map(async (sid) => {
        await broken.db.query(`INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [sid, userId]);
        return hs256({}, { token_type: 'access', jti: randomUUID(), sub: userId, user_id: userId, sid, iat: now, exp: now + 600, iss: 'nest-auth-service', aud: 'nest-auth-service' }, TEST_JWT_SECRET);
      }),
    );
    const logout = await broken.http.post('/api/auth/logout/').set(...bearer(ended));
    expect(logout.status).toBe(200);
    const refused = await broken.http.get('/api/me/').set(...bearer(ended));
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ detail: 'Given token not valid for any token type', code: 'token_not_valid' });
    const served = await broken.http.get('/api/me/').set(...bearer(live));
    expect(served.status).toBe(200);
    expect(served.body.id).toBe(userId);
  });

  it.each([
    ['a JSON body', () => broken.http.post('/api/login/').send({ email: 'someone@example.com', password: 'whatever-password' })],
    ['Basic auth', () => broken.http.post('/api/login/').set('Authorization', `Basic ${Buffer.from('someone@example.com:whatever-password').toString('base64')}`)],
  ])('issues no tokens at login by %s while the rate-limit store is down: 503, never a pass', async (_how, login) => {
    const response = await login();
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
  });

  it('fails the per-IP budget of open endpoints closed with 503', async () => {
    const response = await broken.http.post('/api/auth/password/reset/').send({ email: 'someone@example.com' });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('service_unavailable');
  });

  it('reports not ready', async () => {
    const response = await broken.http.get('/health/ready');
    expect(response.status).toBe(503);
    expect(response.body.checks.redis).toBe('unavailable');
  });
});
