import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, login, PASSWORD, signup } from './factories/users.js';

describe('security events (GET /api/auth/events/)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ REFRESH_REUSE_GRACE_SECONDS: '0', ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(() => t.close());

  const events = async (access: string) => {
    const response = await t.http.get('/api/auth/events/').set(...bearer(access));
    expect(response.status).toBe(200);
    return response.body as { event: string; ip: string | null; user_agent: string | null; created: string }[];
  };

  it('records sign-ins, failures, logouts, refresh reuse and password changes with ip and user agent', async () => {
    const { email, access, refresh } = await signup(t.http);
    await t.http.post('/api/login/').set('User-Agent', 'Probe/2.0').send({ email, password: 'wrong-password-here' });
    const second = await login(t.http, email);
    await t.http.post('/api/auth/logout/').set(...bearer(second.access));
    const rotated = await t.http.post('/api/token/refresh/').send({ refresh });
    await t.http.post('/api/token/refresh/').send({ refresh });
    const third = await login(t.http, email);
    await t.http.post('/api/auth/password/change/').set(...bearer(third.access)).send({ old_password: PASSWORD, new_password1: 'quiet-meadow-copper-77', new_password2: 'quiet-meadow-copper-77' });

    const list = await events(third.access);
    expect(list.map((e) => e.event)).toEqual(['password_changed', 'login_succeeded', 'refresh_reuse', 'logout', 'login_succeeded', 'login_failed', 'signup']);
    expect(list.find((e) => e.event === 'login_failed')).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1/), user_agent: 'Probe/2.0' });
    expect(rotated.status).toBe(200);
    expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(401);
  });

  it("shows a user only their own events", async () => {
    const alice = await signup(t.http);
    const bob = await signup(t.http);
    await t.http.post('/api/login/').send({ email: bob.email, password: 'wrong-password-here' });
    const list = await events(alice.access);
    expect(list.map((e) => e.event)).toEqual(['signup']);
  });

  it('needs authentication', async () => {
    expect((await t.http.get('/api/auth/events/')).status).toBe(401);
  });
});
