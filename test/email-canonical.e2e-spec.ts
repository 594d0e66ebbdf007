import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { emailKey } from '../src/modules/users/email.js';
import { startApp, type TestApp } from './setup/test-app.js';
import { SmtpSink } from './setup/smtp-sink.js';
import { FakeProviders } from './factories/fake-providers.js';
import { PASSWORD, signup } from './factories/users.js';

/**
 * SECURITY.md 32: one canonical key (emailKey) for storage, uniqueness, lookup and every throttle.
 * A spelling of an address either is refused, or is exactly the account its key names: for
 * signup, login and password reset alike. Never a second account, never the first one reached
 * under another key (which would come with a fresh throttle budget).
 */

const EXISTS = { email: ['A user with this email already exists.'] };
const INVALID = { email: ['Enter a valid email address.'] };
const FAILED = { detail: 'Invalid email or password.', code: 'authentication_failed' };

/** A fresh tag per case: the PostgreSQL test database outlives a run. */
const tag = () => randomUUID().slice(0, 8);

// [oddity, base address signed up first, the other spelling]
const SAME_ACCOUNT: [string, (r: string) => string, (r: string) => string][] = [
  ['İ (U+0130), the case of the issue', (r) => `kfix.${r}@example.com`, (r) => `kfİx.${r}@example.com`],
  ['ı (dotless i)', (r) => `kfix.${r}@example.com`, (r) => `kfıx.${r}@example.com`],
  ['ß for ss', (r) => `strasse.${r}@example.com`, (r) => `straße.${r}@example.com`],
  ['ss for ß', (r) => `straße.${r}@example.com`, (r) => `STRASSE.${r}@example.com`],
  ['K (Kelvin sign) for K', (r) => `kate.${r}@example.com`, (r) => `\u212Aate.${r}@example.com`],
  ['the ﬀ ligature for ff', (r) => `jeff.${r}@example.com`, (r) => `je\uFB00.${r}@example.com`],
  ['full-width letters, in the local part and the domain', (r) => `kfix.${r}@example.com`, (r) => `ＫＦＩＸ.${r}@ｅｘａｍｐｌｅ.ｃｏｍ`],
  ['NBSP around the address', (r) => `kfix.${r}@example.com`, (r) => `\u00A0kfix.${r}@example.com\u00A0`],
];

const REFUSED: [string, (r: string) => string, (r: string) => string][] = [
  ['NBSP inside the address', (r) => `kfix.${r}@example.com`, (r) => `kf\u00A0ix.${r}@example.com`],
  ['a trailing dot on the domain', (r) => `kfix.${r}@example.com`, (r) => `kfix.${r}@example.com.`],
  ['a zero-width space inside', (r) => `kfix.${r}@example.com`, (r) => `kf\u200Bix.${r}@example.com`],
  ['a soft hyphen inside', (r) => `kfix.${r}@example.com`, (r) => `kf\u00ADix.${r}@example.com`],
];

describe('one canonical account key (SECURITY.md 32)', () => {
  let sink: SmtpSink;
  let fake: FakeProviders;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    fake = await FakeProviders.start();
    t = await startApp({ ...fake.env(), SMTP_URL: sink.url, FRONTEND_BASE_URL: 'https://app.example.test', MAIL_POLL_INTERVAL_MS: '100' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
    await fake.stop();
  });

  const body = (email: string) => ({ email, password: PASSWORD, password_confirm: PASSWORD });
  const usersWithKeyOf = async (userId: string): Promise<number> => {
    const [row] = await t.db.query('SELECT count(*)::int AS n FROM users WHERE email_key = (SELECT email_key FROM users WHERE id = $1)', [userId]);
    return row.n;
  };

  describe.each(SAME_ACCOUNT)('%s is the same account', (_oddity, baseOf, variantOf) => {
    it('for signup (400 already exists), login with the right password and password reset', async () => {
      const r = tag();
      const base = await signup(t.http, { email: baseOf(r) });
      const variant = variantOf(r);

      const again = await t.http.post('/api/signup/').send(body(variant));
      expect(again.status).toBe(400);
      expect(again.body).toEqual(EXISTS);

      const login = await t.http.post('/api/login/').send({ email: variant, password: PASSWORD });
      expect(login.status).toBe(200);
      expect(login.body.user.id).toBe(base.userId);

      const reset = await t.http.post('/api/auth/password/reset/').send({ email: variant });
      expect(reset.status).toBe(200);
      const mail = await sink.waitFor(base.email, /Reset your password/);
      expect(mail.to).toEqual([base.email]);

      const [row] = await t.db.query('SELECT email, email_key FROM users WHERE id = $1', [base.userId]);
      expect(row).toEqual({ email: base.email, email_key: emailKey(variant) });
      expect(await usersWithKeyOf(base.userId)).toBe(1);
    });
  });

  describe.each(REFUSED)('%s is refused', (_oddity, baseOf, variantOf) => {
    it('at signup and reset (400 on email), and its login never reaches the base account', async () => {
      const r = tag();
      const base = await signup(t.http, { email: baseOf(r) });
      const variant = variantOf(r);

      const created = await t.http.post('/api/signup/').send(body(variant));
      expect(created.status).toBe(400);
      expect(created.body).toEqual(INVALID);
      expect(await t.db.query('SELECT id FROM users WHERE email = $1', [variant.trim()])).toEqual([]);

      const login = await t.http.post('/api/login/').send({ email: variant, password: PASSWORD });
      expect(login.status).toBe(401);
      expect(login.body).toEqual(FAILED);

      for (const path of ['/api/auth/password/reset/', '/api/auth/registration/resend-email/']) {
        const response = await t.http.post(path).send({ email: variant });
        expect(response.status).toBe(400);
        expect(response.body).toEqual(INVALID);
      }
      expect(await usersWithKeyOf(base.userId)).toBe(1);
    });
  });

  it('kfİx@ reaches kfix@ under the key of both, the one its throttles use (the case of the issue)', async () => {
    const r = tag();
    // toLowerCase() alone gives "kfi\u0307x", while PostgreSQL's lower() gives "kfix": two budgets.
    expect(emailKey(`kfİx.${r}@example.com`)).toBe(`kfix.${r}@example.com`);
    expect(emailKey(`kfix.${r}@example.com`)).toBe(`kfix.${r}@example.com`);
    const base = await signup(t.http, { email: `kfix.${r}@example.com` });
    const login = await t.http.post('/api/login/').send({ email: `kfİx.${r}@example.com`, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(base.userId);
    const [row] = await t.db.query('SELECT email_key FROM users WHERE id = $1', [base.userId]);
    expect(row.email_key).toBe(emailKey(`kfİx.${r}@example.com`));
  });

  it('gives one 201 and the same 400 to parallel signups of one address in different spellings', async () => {
    const r = tag();
    const spellings = [`kfix.${r}@example.com`, `KFIX.${r}@example.com`, `kfİx.${r}@example.com`, `kfıx.${r}@example.com`, `ｋｆｉｘ.${r}@example.com`, `\u00A0kfix.${r}@EXAMPLE.com`];
    const responses = await Promise.all(spellings.map((email) => t.http.post('/api/signup/').send(body(email))));
    expect(responses.map((response) => response.status).sort()).toEqual([201, 400, 400, 400, 400, 400]);
    for (const response of responses.filter((each) => each.status === 400)) expect(response.body).toEqual(EXISTS);
    const rows = await t.db.query('SELECT id FROM users WHERE email_key = $1', [`kfix.${r}@example.com`]);
    expect(rows).toHaveLength(1);
  });

  it('finds a user whose stored local part differs in case from what is typed, for login, reset and resend', async () => {
    const r = tag();
    const base = await signup(t.http, { email: `KfIx.${r.toUpperCase()}@Example.COM` });
    const stored = `KfIx.${r.toUpperCase()}@example.com`;
    const typed = `kfix.${r}@example.com`;
    await sink.waitFor(stored, /Confirm your e-mail/);

    const login = await t.http.post('/api/login/').send({ email: typed, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: base.userId, email: stored });

    expect((await t.http.post('/api/auth/password/reset/').send({ email: typed.toUpperCase() })).status).toBe(200);
    expect((await sink.waitFor(stored, /Reset your password/)).to).toEqual([stored]);

    expect((await t.http.post('/api/auth/registration/resend-email/').send({ email: `kFiX.${r}@EXAMPLE.com` })).status).toBe(200);
    expect((await sink.waitFor(stored, /Confirm your e-mail/, 2)).to).toEqual([stored]);
  });

  it('links a verified provider address in another spelling to the existing account, not a second one', async () => {
    const r = tag();
    const local = await signup(t.http, { email: `kfix.${r}@example.com` });
    const idToken = await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: `ＫＦİＸ.${r}@example.com`, email_verified: true });
    const response = await t.http.post('/api/auth/google/').send({ id_token: idToken });
    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(local.userId);
    expect(await usersWithKeyOf(local.userId)).toBe(1);
  });

  it('answers a login email the database cannot hold (NUL) without a 5xx and without an account', async () => {
    const response = await t.http.post('/api/login/').send({ email: 'kf\u0000ix@example.com', password: PASSWORD });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});
