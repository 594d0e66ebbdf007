import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { linkIn, SmtpSink } from './setup/smtp-sink.js';
import { bearer, PASSWORD, signup } from './factories/users.js';

const FRONTEND = 'https://app.example.test';
const NEW_PASSWORD = 'quiet-meadow-copper-77';

// SECURITY.md 15: a reset ends every session. A login that checked the old password just before
// the reset committed must not open a session just after it (the credentials version is checked
// under a row lock when the session is written).
describe('sign-ins racing a password reset', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', SMTP_URL: sink.url, FRONTEND_BASE_URL: FRONTEND, MAIL_POLL_INTERVAL_MS: '100', LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1000', LOGIN_THROTTLE_ACCOUNT_FREE: '1000', LOGIN_THROTTLE_IP_FREE: '1000' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('leaves no session opened with the old password once the reset has answered', async () => {
    const { email } = await signup(t.http);
    await t.http.post('/api/auth/password/reset/').send({ email });
    const link = linkIn(await sink.waitFor(email, /Reset your password/), FRONTEND);

    const tokens: string[] = [];
    let resetDone = false;
    const loginLoop = async () => {
      while (!resetDone) {
        const response = await t.http.post('/api/login/').send({ email, password: PASSWORD });
        if (response.status === 200) tokens.push(response.body.access);
      }
    };
    const loops = [loginLoop(), loginLoop(), loginLoop()];
    // Let the loops get going: the reset lands while logins with the old password are in flight.
    while (tokens.length < 3) await new Promise((resolve) => setImmediate(resolve));
    const reset = await t.http
      .post('/api/auth/password/reset/confirm/')
      .send({ uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
    expect(reset.status).toBe(200);
    resetDone = true;
    await Promise.all(loops);

    const statuses = await Promise.all(tokens.map(async (access) => (await t.http.get('/api/me/').set(...bearer(access))).status));
    expect(statuses.filter((status) => status !== 401)).toEqual([]);
    expect((await t.http.post('/api/login/').send({ email, password: NEW_PASSWORD })).status).toBe(200);
  });
});
