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

  it('fails the revocation check closed with 503 instead of reading it as "not revoked"', async () => {
    // A correctly signed, unexpired access token: only the revocation lookup stands between it and the route.
    const now = Math.floor(Date.now() / 1000);
    const userId = randomUUID();
    const access = hs256({}, { token_type: 'access', jti: randomUUID(), sub: userId, user_id: userId, sid: randomUUID(), iat: now, exp: now + 600, iss: 'nest-auth-service', aud: 'nest-auth-service' }, TEST_JWT_SECRET);
    const response = await broken.http.get('/api/me/').set(...bearer(access));
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
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
