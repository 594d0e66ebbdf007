import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import type { QueryRunner } from 'typeorm';
import { startApp, type TestApp } from './setup/test-app.js';
import { SmtpSink } from './setup/smtp-sink.js';
import { staffMember } from './factories/staff.js';
import { bearer, PASSWORD, signup, type SignedUp } from './factories/users.js';

/**
 * A security review of the admin API (issue 13): each test states a rule the API should keep
 * and that it did not when the review was written. On PostgreSQL, the races are made
 * deterministic by holding a row lock on a connection of the test's own; the embedded PGlite
 * runs one statement at a time, so there the same requests simply run side by side.
 */

const MFA_REQUIRED = { detail: 'The admin API requires two-factor authentication: turn on MFA and sign in again with your code.', code: 'admin_mfa_required' };
const onPostgres = Boolean(process.env.DATABASE_URL);

/** Resolves once `count` backends of this database wait for a lock (PostgreSQL only). */
async function lockWaiters(t: TestApp, count: number): Promise<void> {
  for (;;) {
    const [{ waiting }] = await t.db.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (waiting >= count) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Runs `during` while a connection of the test's own holds `FOR UPDATE` on the user's row, then
 * commits (what `during` wrote there too), so whatever waits on that row goes on (PostgreSQL only).
 */
async function whileHolding<T>(t: TestApp, userId: string, during: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = t.db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    await runner.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [userId]);
    const result = await during(runner);
    await runner.commitTransaction();
    return result;
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  }
}

interface MfaStaff extends SignedUp {
  totp: OTPAuth.TOTP;
}

/** Staff with MFA on and a session opened through the MFA step (what ADMIN_REQUIRE_MFA asks for). */
async function mfaStaff(t: TestApp, { superuser = false } = {}): Promise<MfaStaff> {
  const staff = await staffMember(t, { superuser });
  const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(staff.access));
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
  expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(staff.access)).send({ code: totp.generate() })).status).toBe(200);
  const first = await t.http.post('/api/login/').send({ email: staff.email, password: PASSWORD });
  // The current step's code was spent by the confirmation; the next step's is within the window.
  const second = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: first.body.mfa_token, code: totp.generate({ timestamp: Date.now() + 30_000 }) });
  expect(second.status).toBe(200);
  return { ...staff, access: second.body.access, refresh: second.body.refresh, totp };
}

describe('admin API review: input', () => {
  let t: TestApp;
  let root: SignedUp;
  let staff: SignedUp;
  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
    root = await staffMember(t, { superuser: true });
    staff = await staffMember(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('PATCH answers null for a field that cannot be null with 400 naming the field, not a 500', async () => {
    const user = await signup(t.http);
    for (const [admin, field] of [
      [staff, 'first_name'],
      [staff, 'last_name'],
      [staff, 'email_verified'],
      [staff, 'is_active'],
      [root, 'is_staff'],
      [root, 'is_superuser'],
    ] as const) {
      const answer = await t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(admin.access)).send({ [field]: null });
      expect([field, answer.status, Object.keys(answer.body)]).toEqual([field, 400, [field]]);
    }
    const [row] = await t.db.query('SELECT first_name, is_active, is_staff FROM users WHERE id = $1', [user.userId]);
    expect(row).toEqual({ first_name: 'Test', is_active: true, is_staff: false });
  });

  it('GET /api/admin/events/ answers an ISO 8601 form it cannot read (week, ordinal, basic, hour only) with 400, not a 500', async () => {
    for (const [field, value] of [
      ['since', '2024-W05'],
      ['since', '2024-W05-3'],
      ['until', '2024-032'],
      ['since', '20240101'],
      ['until', '2024-01-01T10Z'],
    ]) {
      const answer = await t.http.get(`/api/admin/events/?${field}=${encodeURIComponent(value)}`).set(...bearer(root.access));
      expect([value, answer.status, answer.body]).toEqual([value, 400, { [field]: ['Enter a valid date/time: a date (2026-11-29) or a date-time with its offset (2026-11-29T12:00:00Z).'] }]);
    }
  });

  it('builds next and previous links without trusting the Host header (SECURITY.md 19: never the request\'s Host)', async () => {
    await signup(t.http);
    await signup(t.http);
    const listed = await t.http.get('/api/admin/users/?page_size=1&page=2').set(...bearer(root.access)).set('Host', 'evil.example');
    expect(listed.status).toBe(200);
    for (const link of [listed.body.next, listed.body.previous]) expect(link).not.toMatch(/evil\.example/);
  });
});

describe('admin API review: the reset mail', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let root: SignedUp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', SMTP_URL: sink.url, MAIL_POLL_INTERVAL_MS: '100', ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR: '1' });
    root = await staffMember(t, { superuser: true });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('POST password-reset/ sends the mail it says it sent, even once the address\'s public reset budget is spent', async () => {
    // The typical support case: the user tried "forgot password" before asking an operator (or
    // someone else spent the budget for them: the public endpoint is open).
    const user = await signup(t.http);
    expect((await t.http.post('/api/auth/password/reset/').send({ email: user.email })).status).toBe(200);
    await sink.waitFor(user.email, /Reset your password/);

    const sent = await t.http.post(`/api/admin/users/${user.userId}/password-reset/`).set(...bearer(root.access));
    expect([sent.status, sent.body]).toEqual([200, { detail: 'Password reset e-mail has been sent.' }]);
    // The audit log says it was sent; so must the mailbox.
    expect((await t.http.get(`/api/admin/events/?user=${user.userId}&type=admin_password_reset_sent`).set(...bearer(root.access))).body.count).toBe(1);
    await expect(sink.waitFor(user.email, /Reset your password/, 2, 5_000)).resolves.toBeDefined();
  });
});

describe('admin API review: ADMIN_REQUIRE_MFA and the second factor', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', ADMIN_REQUIRE_MFA: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('staff cannot turn off their own MFA through the admin API without a code or the password (SECURITY.md 20)', async () => {
    const staff = await mfaStaff(t);
    expect((await t.http.get('/api/admin/users/').set(...bearer(staff.access))).status).toBe(200);
    // /api/auth/mfa/totp/disable/ asks for a code or the password; the admin route must not be a way around it.
    const reset = await t.http.post(`/api/admin/users/${staff.userId}/mfa/reset/`).set(...bearer(staff.access));
    expect([400, 403]).toContain(reset.status);
    const [row] = await t.db.query('SELECT mfa_enabled FROM users WHERE id = $1', [staff.userId]);
    expect(row).toEqual({ mfa_enabled: true });
  });

  it('a session whose second factor an operator reset does not get the admin API back when MFA is turned on again', async () => {
    const root = await mfaStaff(t, { superuser: true });
    const staff = await mfaStaff(t);
    // The authenticator is reported lost: a superuser turns MFA off after an identity check.
    expect((await t.http.post(`/api/admin/users/${staff.userId}/mfa/reset/`).set(...bearer(root.access))).status).toBe(200);
    expect((await t.http.get('/api/admin/users/').set(...bearer(staff.access))).body).toEqual(MFA_REQUIRED);

    // Whoever holds the old session enrols a new authenticator from it, with no new sign-in.
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(staff.access));
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(staff.access)).send({ code: totp.generate() })).status).toBe(200);
    // That session's second factor was the lost authenticator: as with a session from before MFA was on, sign in again.
    const stale = await t.http.get('/api/admin/users/').set(...bearer(staff.access));
    expect([stale.status, stale.body]).toEqual([403, MFA_REQUIRED]);
  });
});

describe('admin API review: races', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a superuser demoted while its request waits for the lock cannot complete it: rights are checked under the lock', async () => {
    const supers = [];
    for (let index = 0; index < 4; index++) supers.push(await staffMember(t, { superuser: true }));
    // The rule's lock takes the active superusers in id order: the first is held, the actor is the last.
    supers.sort((a, b) => (a.userId < b.userId ? -1 : 1));
    const [held, target, , actor] = supers;
    let answer;
    if (onPostgres) {
      const [demoted] = await whileHolding(t, held.userId, async (runner) => {
        const demoting = t.http.patch(`/api/admin/users/${target.userId}/`).set(...bearer(actor.access)).send({ is_staff: false, is_superuser: false }).then((response) => response);
        // The actor was authenticated as a superuser and now waits in the rule's lock...
        await lockWaiters(t, 1);
        // ...while its own demotion commits (another superuser, another instance, or the CLI).
        await runner.query('UPDATE users SET is_staff = false, is_superuser = false WHERE id = $1', [actor.userId]);
        // In an array: returned bare, the answer would be awaited before the commit it waits for.
        return [demoting];
      });
      answer = await demoted;
    } else {
      const [, byActor] = await Promise.all([
        t.http.patch(`/api/admin/users/${actor.userId}/`).set(...bearer(held.access)).send({ is_staff: false, is_superuser: false }),
        t.http.patch(`/api/admin/users/${target.userId}/`).set(...bearer(actor.access)).send({ is_staff: false, is_superuser: false }),
      ]);
      answer = byActor;
    }
    expect(answer.status).toBe(403);
    const [row] = await t.db.query('SELECT is_staff, is_superuser FROM users WHERE id = $1', [target.userId]);
    expect(row).toEqual({ is_staff: true, is_superuser: true });
  });

  it('DELETE /api/me/ racing an operator deactivating the same account is not a 500 (no deadlock)', async () => {
    const root = await staffMember(t, { superuser: true });
    const user = await signup(t.http);
    const deactivate = () => t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(root.access)).send({ is_active: false }).then((response) => response);
    const deleteSelf = () => t.http.delete('/api/me/').set(...bearer(user.access)).send({ password: PASSWORD }).then((response) => response);
    let answers;
    if (onPostgres) {
      // The deactivation locks the superusers then the account, then ends the sessions; the
      // deletion ends the sessions, then locks the superusers. Hold the account so both are mid-way.
      answers = await Promise.all(
        await whileHolding(t, user.userId, async () => {
          const byAdmin = deactivate();
          await lockWaiters(t, 1);
          const byUser = deleteSelf();
          await lockWaiters(t, 2);
          return [byAdmin, byUser];
        }),
      );
    } else {
      answers = await Promise.all([deactivate(), deleteSelf()]);
    }
    const [byAdmin, byUser] = answers;
    // Either order is fine (the deletion may find the account disabled, the change may find it gone); a 500 is not.
    expect([byAdmin.status, byUser.status].filter((status) => status >= 500)).toEqual([]);
  });
});
