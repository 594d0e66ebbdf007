import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as argon2 from 'argon2';
import { startApp, type TestApp } from './setup/test-app.js';
import { PASSWORD, signup, uniqueEmail } from './factories/users.js';

const INVALID = { detail: 'Invalid email or password.', code: 'authentication_failed' };

describe('POST /api/login/', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Throttling has its own suite; here it must not turn repeated wrong passwords into 429s.
    t = await startApp({ LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1000', LOGIN_THROTTLE_ACCOUNT_FREE: '1000', LOGIN_THROTTLE_IP_FREE: '1000' });
  });
  afterAll(() => t.close());

  it('returns a token pair and the user for JSON credentials', async () => {
    const { email, userId } = await signup(t.http);
    const response = await t.http.post('/api/login/').send({ email, password: PASSWORD });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({ access: expect.any(String), refresh: expect.any(String), user: expect.objectContaining({ id: userId, email }) });
  });

  it('accepts Authorization: Basic with no body', async () => {
    const { email, userId } = await signup(t.http);
    const response = await t.http.post('/api/login').set('Authorization', `Basic ${Buffer.from(`${email}:${PASSWORD}`).toString('base64')}`);
    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(userId);
  });

  it('matches the email case-insensitively', async () => {
    const { email } = await signup(t.http);
    expect((await t.http.post('/api/login/').send({ email: ` ${email.toUpperCase()} `, password: PASSWORD })).status).toBe(200);
  });

  it('updates last_login', async () => {
    const { email, userId } = await signup(t.http);
    await t.db.query(`UPDATE users SET last_login = now() - interval '1 day' WHERE id = $1`, [userId]);
    const before = Date.now();
    const response = await t.http.post('/api/login/').send({ email, password: PASSWORD });
    expect(new Date(response.body.user.last_login).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const [row] = await t.db.query('SELECT last_login FROM users WHERE id = $1', [userId]);
    expect(new Date(row.last_login).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('answers the same 401 for a wrong password, an unknown email and a social-only user', async () => {
    const { email } = await signup(t.http);
    const social = await signup(t.http);
    await t.db.query('UPDATE users SET password_hash = NULL WHERE id = $1', [social.userId]);
    for (const credentials of [
      { email, password: 'wrong-password-here' },
      { email: uniqueEmail('nobody'), password: PASSWORD },
      { email: social.email, password: PASSWORD },
    ]) {
      const response = await t.http.post('/api/login/').send(credentials);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(INVALID);
    }
  });

  it('spends about the same time on an unknown email as on a wrong password (a dummy hash is verified)', async () => {
    const { email } = await signup(t.http);
    const timings: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    for (let i = 0; i < 12; i++) {
      for (const kind of ['known', 'unknown'] as const) {
        const started = process.hrtime.bigint();
        await t.http.post('/api/login/').send({ email: kind === 'known' ? email : uniqueEmail('ghost'), password: 'not-the-password' });
        timings[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const ratio = median(timings.unknown) / median(timings.known);
    // Without the dummy verification an unknown email answers in ~1 ms against ~25 ms.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('answers 403 user_inactive to a disabled user who knows the password, and 401 otherwise', async () => {
    const { email, userId } = await signup(t.http);
    await t.db.query('UPDATE users SET is_active = false WHERE id = $1', [userId]);
    const right = await t.http.post('/api/login/').send({ email, password: PASSWORD });
    expect(right.status).toBe(403);
    expect(right.body).toEqual({ detail: 'User account is disabled.', code: 'user_inactive' });
    const wrong = await t.http.post('/api/login/').send({ email, password: 'wrong-password-here' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(INVALID);
  });

  it('upgrades a hash made with weaker argon2 parameters on the next login', async () => {
    const { email, userId } = await signup(t.http);
    const weak = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await t.db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [weak, userId]);
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(200);
    const [row] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [userId]);
    expect(row.password_hash).not.toBe(weak);
    expect(row.password_hash).toContain('m=19456');
    expect(await argon2.verify(row.password_hash, PASSWORD)).toBe(true);
  });

  it.each([
    ['an operator object', { $ne: null }],
    ['an array', [PASSWORD]],
    ['a number', 12345678],
    ['null', null],
  ])('refuses %s as the password with 400', async (_name, value) => {
    const { email } = await signup(t.http);
    const response = await t.http.post('/api/login/').send({ email, password: value });
    expect(response.status).toBe(400);
    expect(Object.keys(response.body)).toEqual(['password']);
  });

  it.each([
    ['an operator object', { $ne: null }],
    ['an array', ['a@example.com']],
    ['a number', 42],
  ])('refuses %s as the email with 400', async (_label, email) => {
    const response = await t.http.post('/api/login/').send({ email, password: PASSWORD });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ email: ['Not a valid string.'] });
  });

  it('asks for both fields when neither body nor Basic header is sent', async () => {
    const response = await t.http.post('/api/login/');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ email: ['This field is required.'], password: ['This field is required.'] });
  });

  it('never writes the password or the tokens to the log', async () => {
    const password = `Unique-${randomUUID()}`;
    const { email } = await signup(t.http, { password });
    const response = await t.http.post('/api/login/').set('Authorization', `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`);
    await t.http.get('/api/me/').set('Authorization', `Bearer ${response.body.access}`);
    await t.http.post('/api/login/').send({ email, password: `${password}-wrong` });
    const logs = t.logs.join('');
    expect(logs).toContain('/api/login');
    expect(logs).not.toContain(password);
    expect(logs).not.toContain(response.body.access);
    expect(logs).not.toContain(response.body.refresh);
    expect(logs).not.toContain(Buffer.from(`${email}:${password}`).toString('base64'));
  });
});
