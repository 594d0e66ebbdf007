import { afterEach, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { PASSWORD, signup, uniqueEmail } from './factories/users.js';

const INVALID = { detail: 'Invalid email or password.', code: 'authentication_failed' };

describe('login throttling', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const fail = (app: TestApp, email: string, forwardedFor?: string) => {
    const call = app.http.post('/api/login/');
    if (forwardedFor) call.set('X-Forwarded-For', forwardedFor);
    return call.send({ email, password: 'definitely-wrong-password' });
  };

  it('answers 429 with Retry-After once an account has spent its free failures from one IP, even with the right password', async () => {
    t = await startApp({ LOGIN_THROTTLE_ACCOUNT_IP_FREE: '3' });
    const { email } = await signup(t.http);
    for (let i = 0; i < 3; i++) expect((await fail(t, email)).body).toEqual(INVALID);
    const blocked = await t.http.post('/api/login/').send({ email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('throttled');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('does not let a spoofed X-Forwarded-For escape the limit when no proxy is trusted', async () => {
    t = await startApp({ LOGIN_THROTTLE_ACCOUNT_IP_FREE: '2', LOGIN_THROTTLE_IP_FREE: '2', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' });
    const { email } = await signup(t.http);
    await fail(t, email, '198.51.100.1');
    await fail(t, email, '198.51.100.2');
    await fail(t, email, '198.51.100.3');
    const spoofed = await t.http.post('/api/login/').set('X-Forwarded-For', '203.0.113.99').send({ email, password: PASSWORD });
    expect(spoofed.status).toBe(429);
  });

  it('counts per client address when a trusted proxy supplies X-Forwarded-For', async () => {
    t = await startApp({ TRUST_PROXY: '1', LOGIN_THROTTLE_ACCOUNT_IP_FREE: '2', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' });
    const { email } = await signup(t.http);
    for (let i = 0; i < 3; i++) await fail(t, email, '198.51.100.7');
    expect((await t.http.post('/api/login/').set('X-Forwarded-For', '198.51.100.7').send({ email, password: PASSWORD })).status).toBe(429);
    expect((await t.http.post('/api/login/').set('X-Forwarded-For', '198.51.100.8').send({ email, password: PASSWORD })).status).toBe(200);
  });

  it('limits one account attacked from many addresses (per account, across IPs)', async () => {
    t = await startApp({ TRUST_PROXY: '1', LOGIN_THROTTLE_ACCOUNT_FREE: '4', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' });
    const { email } = await signup(t.http);
    // Four failures, each from its own address: no single address is over its allowance.
    for (let i = 1; i <= 4; i++) expect((await fail(t, email, `198.51.100.${20 + i}`)).status).toBe(401);
    const fresh = await t.http.post('/api/login/').set('X-Forwarded-For', '198.51.100.99').send({ email, password: PASSWORD });
    expect(fresh.status).toBe(429);
    expect(Number(fresh.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('refuses a 1 MB password before checking it: 400, and no failure is counted (SECURITY.md 3)', async () => {
    // A body limit large enough to let the password through to the application.
    t = await startApp({ BODY_LIMIT: String(2 * 1024 * 1024), LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' });
    const { email } = await signup(t.http);
    const huge = 'a'.repeat(1024 * 1024);
    for (let i = 0; i < 3; i++) {
      const response = await t.http.post('/api/login/').send({ email, password: huge });
      expect([response.status, response.body]).toEqual([400, { password: ['Ensure this field has no more than 4096 characters.'] }]);
    }
    // Had any of them reached the password check, the account would now be throttled (one free failure).
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(200);
  });

  it('limits one IP across many accounts', async () => {
    t = await startApp({ LOGIN_THROTTLE_IP_FREE: '3', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' });
    const { email } = await signup(t.http);
    for (let i = 0; i < 3; i++) expect((await fail(t, uniqueEmail('spray'))).status).toBe(401);
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(429);
  });

  it('blocks for a limited time only, then the right password works again', async () => {
    t = await startApp({ LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '1' });
    const { email } = await signup(t.http);
    await fail(t, email);
    const blocked = await t.http.post('/api/login/').send({ email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    // Waiting out the announced delay is the behaviour under test, not a race fix.
    await new Promise((resolve) => setTimeout(resolve, Number(blocked.headers['retry-after']) * 1000 + 100));
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(200);
  });

  it('clears the account counters after a successful login', async () => {
    t = await startApp({ LOGIN_THROTTLE_ACCOUNT_IP_FREE: '3' });
    const { email } = await signup(t.http);
    await fail(t, email);
    await fail(t, email);
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(200);
    await fail(t, email);
    await fail(t, email);
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(200);
  });

  it('doubles the wait after each failure past the allowance', async () => {
    t = await startApp({ LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' });
    const { email } = await signup(t.http);
    expect((await fail(t, email)).status).toBe(401);
    const first = await fail(t, email);
    expect([first.status, first.headers['retry-after']]).toEqual([429, '1']);
    // Waiting out the announced delay is the behaviour under test, not a race fix.
    await new Promise((resolve) => setTimeout(resolve, Number(first.headers['retry-after']) * 1000 + 100));
    expect((await fail(t, email)).status).toBe(401);
    const second = await fail(t, email);
    expect([second.status, second.headers['retry-after']]).toEqual([429, '2']);
  });

  it('does not spend the address budget on successful logins', async () => {
    t = await startApp({ LOGIN_THROTTLE_IP_FREE: '2' });
    const { email } = await signup(t.http);
    for (let i = 0; i < 5; i++) expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(200);
    expect((await fail(t, uniqueEmail('after'))).status).toBe(401);
    expect((await fail(t, uniqueEmail('after'))).status).toBe(401);
  });

  it('puts every spelling of one address on one budget', async () => {
    t = await startApp({ LOGIN_THROTTLE_ACCOUNT_IP_FREE: '2', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' });
    const { email } = await signup(t.http);
    await fail(t, email.toUpperCase());
    await fail(t, `  ${email}`);
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(429);
  });
});
