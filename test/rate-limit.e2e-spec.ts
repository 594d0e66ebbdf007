import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { PASSWORD, uniqueEmail } from './factories/users.js';

describe('per-IP limits on open endpoints that write or send mail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ PUBLIC_RATE_LIMIT_PER_MINUTE: '3', ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(() => t.close());

  it.each([
    ['signup', '/api/signup/', () => ({ email: uniqueEmail(), password: PASSWORD, password_confirm: PASSWORD })],
    ['password reset', '/api/auth/password/reset/', () => ({ email: uniqueEmail() })],
    ['verification resend', '/api/auth/registration/resend-email/', () => ({ email: uniqueEmail() })],
    ['e-mail verification', '/api/auth/registration/verify-email/', () => ({ key: 'x'.repeat(43) })],
    ['reset confirmation', '/api/auth/password/reset/confirm/', () => ({ uid: 'x', token: 'y', new_password1: PASSWORD, new_password2: PASSWORD })],
  ])('answers 429 with Retry-After once one IP exceeds its budget for %s', async (_name, path, body) => {
    for (let i = 0; i < 3; i++) expect((await t.http.post(path).send(body())).status).toBeLessThan(429);
    const limited = await t.http.post(path).send(body());
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('throttled');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts each endpoint separately', async () => {
    // The budgets above are spent; login (throttled on failures instead) is unaffected.
    expect((await t.http.post('/api/login/').send({ email: uniqueEmail(), password: PASSWORD })).status).toBe(401);
  });
});
