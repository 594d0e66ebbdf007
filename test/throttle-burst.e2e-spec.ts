import { randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import type { Response } from 'supertest';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, PASSWORD, signup, uniqueEmail } from './factories/users.js';

// SECURITY.md 31: N simultaneous attempts get no more tries than the allowance, because each
// attempt is reserved atomically before the password or code is checked.

const BURST = 30;
const WRONG = 'definitely-wrong-password';
/** Only the budget under test is small; the others are too large to interfere. */
const LOOSE = { LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1000', LOGIN_THROTTLE_ACCOUNT_FREE: '10000', LOGIN_THROTTLE_IP_FREE: '100000', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' };

function statuses(responses: Response[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

function basic(email: string, password: string): [string, string] {
  return ['Authorization', `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`];
}

/** An address of its own, so audit rows of earlier runs on the same database never count. */
function freshIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

async function eventCount(t: TestApp, where: string, params: unknown[]): Promise<number> {
  const [row] = await t.db.query(`SELECT count(*)::int AS n FROM security_events WHERE ${where}`, params);
  return row.n;
}

describe('throttles under parallel bursts', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.each([
    ['a JSON body', (app: TestApp, email: string, password: string) => app.http.post('/api/login/').send({ email, password })],
    ['Basic auth', (app: TestApp, email: string, password: string) => app.http.post('/api/login/').set(...basic(email, password))],
  ])(`checks exactly the per account+IP allowance of ${BURST} wrong passwords sent at once (login by %s)`, async (_how, attempt) => {
    t = await startApp({ ...LOOSE, LOGIN_THROTTLE_ACCOUNT_IP_FREE: '5' });
    const app = t;
    const { email, userId } = await signup(app.http);
    const responses = await Promise.all(Array.from({ length: BURST }, () => attempt(app, email, WRONG)));
    expect(statuses(responses)).toEqual({ 401: 5, 429: BURST - 5 });
    expect(await eventCount(app, `user_id = $1 AND event = 'login_failed'`, [userId])).toBe(5);
    const right = await attempt(app, email, PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('checks exactly the per-account allowance when the burst comes from many addresses', async () => {
    t = await startApp({ ...LOOSE, TRUST_PROXY: '1', LOGIN_THROTTLE_ACCOUNT_FREE: '4' });
    const app = t;
    const { email, userId } = await signup(app.http);
    const responses = await Promise.all(Array.from({ length: BURST }, () => app.http.post('/api/login/').set('X-Forwarded-For', freshIp()).send({ email, password: WRONG })));
    expect(statuses(responses)).toEqual({ 401: 4, 429: BURST - 4 });
    expect(await eventCount(app, `user_id = $1 AND event = 'login_failed'`, [userId])).toBe(4);
  });

  it('checks exactly the per-IP allowance when one address sprays many accounts at once', async () => {
    t = await startApp({ ...LOOSE, TRUST_PROXY: '1', LOGIN_THROTTLE_IP_FREE: '5' });
    const app = t;
    const ip = freshIp();
    const responses = await Promise.all(Array.from({ length: BURST }, () => app.http.post('/api/login/').set('X-Forwarded-For', ip).send({ email: uniqueEmail('spray'), password: WRONG })));
    expect(statuses(responses)).toEqual({ 401: 5, 429: BURST - 5 });
    expect(await eventCount(app, `ip = $1 AND event = 'login_failed'`, [ip])).toBe(5);
  });

  it('checks no more second-factor codes than MFA_MAX_FAILURES when 40 arrive at once', async () => {
    t = await startApp({ ...LOOSE, ACCOUNT_EMAIL_VERIFICATION: 'none', MFA_MAX_FAILURES: '5' });
    const app = t;
    const { email, access, userId } = await signup(app.http);
    const setup = await app.http.post('/api/auth/mfa/totp/setup/').set(...bearer(access));
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    expect((await app.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(access)).send({ code: totp.generate() })).status).toBe(200);
    const ticket = (await app.http.post('/api/login/').send({ email, password: PASSWORD })).body.mfa_token;
    // A code no authenticator shows now (the current step ±1 is accepted).
    const current = [-1, 0, 1].map((step) => totp.generate({ timestamp: Date.now() + step * 30_000 }));
    const wrong = ['000000', '111111', '222222'].find((candidate) => !current.includes(candidate))!;

    const responses = await Promise.all(Array.from({ length: 40 }, () => app.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: wrong })));
    expect(statuses(responses)).toEqual({ 400: 5, 429: 35 });
    expect(await eventCount(app, `user_id = $1 AND event = 'login_failed'`, [userId])).toBe(5);
    const right = await app.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: totp.generate({ timestamp: Date.now() + 30_000 }) });
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('lets exactly PUBLIC_RATE_LIMIT_PER_MINUTE requests of a parallel burst from one address through', async () => {
    t = await startApp({ PUBLIC_RATE_LIMIT_PER_MINUTE: '5' });
    const app = t;
    const responses = await Promise.all(Array.from({ length: BURST }, () => app.http.post('/api/auth/password/reset/').send({ email: uniqueEmail() })));
    expect(statuses(responses)).toEqual({ 200: 5, 429: BURST - 5 });
    const limited = responses.find((response) => response.status === 429)!;
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
