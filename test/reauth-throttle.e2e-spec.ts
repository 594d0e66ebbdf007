import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import type { Test } from 'supertest';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, PASSWORD, signup, type SignedUp } from './factories/users.js';

// SECURITY.md 33: every endpoint that asks for the password again draws on the account's login
// failure budget, so a stolen access token cannot be used to guess the password without limit.

const FREE = 3;
const WRONG = 'definitely-wrong-password';
const NEW_PASSWORD = 'quiet-meadow-copper-77';

interface Reauth {
  name: string;
  /** MFA must be on before it can be turned off. */
  prepare(t: TestApp, user: SignedUp): Promise<void>;
  send(t: TestApp, access: string, password: string): Test;
  refused: Record<string, string[]>;
  succeeded: number;
}

const ENDPOINTS: Reauth[] = [
  {
    name: 'POST /api/auth/password/change/',
    prepare: async () => {},
    send: (t, access, password) => t.http.post('/api/auth/password/change/').set(...bearer(access)).send({ old_password: password, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD }),
    refused: { old_password: ['Your old password was entered incorrectly. Please enter it again.'] },
    succeeded: 200,
  },
  {
    name: 'DELETE /api/me/',
    prepare: async () => {},
    send: (t, access, password) => t.http.delete('/api/me/').set(...bearer(access)).send({ password }),
    refused: { password: ['Invalid password.'] },
    succeeded: 204,
  },
  {
    name: 'POST /api/auth/mfa/totp/disable/',
    prepare: async (t, { access }) => {
      const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(access));
      const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 }).generate();
      expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(access)).send({ code })).status).toBe(200);
    },
    send: (t, access, password) => t.http.post('/api/auth/mfa/totp/disable/').set(...bearer(access)).send({ password }),
    refused: { password: ['Invalid password.'] },
    succeeded: 200,
  },
];

describe('password re-entry is throttled like login', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The per-account budget is the one under test; the others are too large to interfere.
    t = await startApp({
      ACCOUNT_EMAIL_VERIFICATION: 'none',
      LOGIN_THROTTLE_ACCOUNT_FREE: String(FREE),
      LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1000',
      LOGIN_THROTTLE_IP_FREE: '100000',
      LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600',
      MFA_MAX_FAILURES: '100',
    });
  });
  afterAll(() => t.close());

  async function prepared(endpoint: Reauth): Promise<SignedUp> {
    const user = await signup(t.http);
    await endpoint.prepare(t, user);
    return user;
  }

  /** What a successful re-authentication would change: the hash, MFA, the row itself. */
  async function accountState(userId: string): Promise<unknown> {
    return t.db.query('SELECT password_hash, mfa_enabled FROM users WHERE id = $1', [userId]);
  }

  async function events(userId: string, event: string): Promise<number> {
    const [row] = await t.db.query('SELECT count(*)::int AS n FROM security_events WHERE user_id = $1 AND event = $2', [userId, event]);
    return row.n;
  }

  async function expectBlocked(endpoint: Reauth, user: SignedUp): Promise<void> {
    const before = await accountState(user.userId);
    const right = await endpoint.send(t, user.access, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('throttled');
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await accountState(user.userId)).toEqual(before);
  }

  it.each(ENDPOINTS)('$name: wrong passwords sent at once get exactly the allowance, the rest 429, all audited', async (endpoint) => {
    const user = await prepared(endpoint);
    const responses = await Promise.all(Array.from({ length: 20 }, () => endpoint.send(t, user.access, WRONG)));
    const refused = responses.filter((response) => response.status === 400);
    const throttled = responses.filter((response) => response.status === 429);
    expect([refused.length, throttled.length]).toEqual([FREE, 20 - FREE]);
    for (const response of refused) expect(response.body).toEqual(endpoint.refused);
    for (const response of throttled) expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await events(user.userId, 'reauth_failed')).toBe(FREE);
    expect(await events(user.userId, 'reauth_throttled')).toBe(20 - FREE);
    await expectBlocked(endpoint, user);
    expect(await events(user.userId, 'reauth_throttled')).toBe(20 - FREE + 1);
  });

  it.each(ENDPOINTS)('$name: wrong passwords in sequence spend the budget, then even the right one gets 429 with Retry-After', async (endpoint) => {
    const user = await prepared(endpoint);
    for (let i = 0; i < FREE; i++) {
      const response = await endpoint.send(t, user.access, WRONG);
      expect([response.status, response.body]).toEqual([400, endpoint.refused]);
    }
    expect(await events(user.userId, 'reauth_failed')).toBe(FREE);
    await expectBlocked(endpoint, user);
    expect(await events(user.userId, 'reauth_throttled')).toBe(1);
  });

  it.each(ENDPOINTS)('$name: shares the budget with login (login failures count here)', async (endpoint) => {
    const user = await prepared(endpoint);
    for (let i = 0; i < FREE - 1; i++) expect((await t.http.post('/api/login/').send({ email: user.email, password: WRONG })).status).toBe(401);
    expect((await endpoint.send(t, user.access, WRONG)).status).toBe(400);
    await expectBlocked(endpoint, user);
  });

  it.each(ENDPOINTS)('$name: shares the budget with login (failures here block login)', async (endpoint) => {
    const user = await prepared(endpoint);
    for (let i = 0; i < FREE; i++) expect((await endpoint.send(t, user.access, WRONG)).status).toBe(400);
    const login = await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD });
    expect(login.status).toBe(429);
    expect(Number(login.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it.each(ENDPOINTS)('$name: the right password within the allowance still works', async (endpoint) => {
    const user = await prepared(endpoint);
    for (let i = 0; i < FREE - 1; i++) expect((await endpoint.send(t, user.access, WRONG)).status).toBe(400);
    expect((await endpoint.send(t, user.access, PASSWORD)).status).toBe(endpoint.succeeded);
  });

  it('documents the 429 of every endpoint that asks for the password again', async () => {
    const doc = (await t.http.get('/api/docs-json')).body;
    const operations: [string, string][] = [
      ['/api/auth/password/change', 'post'],
      ['/api/me', 'delete'],
      ['/api/auth/mfa/totp/disable', 'post'],
    ];
    for (const [path, method] of operations) expect([path, method, Object.keys(doc.paths[path][method].responses)]).toEqual([path, method, expect.arrayContaining(['429'])]);
  });
});
