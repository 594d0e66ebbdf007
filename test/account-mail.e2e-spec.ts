import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { linkIn, SmtpSink } from './setup/smtp-sink.js';
import { bearer, login, PASSWORD, signup, uniqueEmail } from './factories/users.js';

const FRONTEND = 'https://app.example.test/portal';
const NEW_PASSWORD = 'quiet-meadow-copper-77';

function mailEnv(sink: SmtpSink, extra: Record<string, string> = {}) {
  return { SMTP_URL: sink.url, FRONTEND_BASE_URL: FRONTEND, MAIL_POLL_INTERVAL_MS: '100', MAIL_RETRY_BASE_MS: '100', MAIL_RETRY_MAX_DELAY_MS: '400', PRODUCT_NAME: 'Acme ID', ...extra };
}

type OutboxRow = { kind: string; sent_at: Date | null; skipped_at: Date | null; attempts: number };

async function outboxFor(t: TestApp, email: string): Promise<OutboxRow[]> {
  return t.db.query('SELECT kind, sent_at, skipped_at, attempts FROM mail_outbox WHERE to_address = $1 ORDER BY created_at', [email]);
}

/** The outbox rows of `email` once the worker has finished each one, sent or ended with no mail (polled, with a deadline). */
async function settledOutbox(t: TestApp, email: string, count: number): Promise<{ kind: string; mailed: boolean }[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await outboxFor(t, email);
    if (rows.length === count && rows.every((row) => row.sent_at !== null || row.skipped_at !== null)) {
      return rows.map((row) => ({ kind: row.kind, mailed: row.sent_at !== null }));
    }
    if (Date.now() > deadline) throw new Error(`outbox of ${email} not settled: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('e-mail verification (optional mode, the default)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp(mailEnv(sink));
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('signs in at once and mails a single-use verification link to the frontend', async () => {
    const { email, access } = await signup(t.http);
    const mail = await sink.waitFor(email, /Confirm your e-mail/);
    expect(mail.subject).toBe('Acme ID: Confirm your e-mail address');
    expect(mail.html).toContain('<a href="https://app.example.test/portal/verify-email?key=');
    const link = linkIn(mail, FRONTEND);
    expect(`${link.origin}${link.pathname}`).toBe(`${FRONTEND}/verify-email`);
    const key = link.searchParams.get('key')!;
    expect(Buffer.from(key, 'base64url').length).toBeGreaterThanOrEqual(16);

    // Sent by the account's own session: verified by its holder, so the account is kept as it is.
    const verified = await t.http.post('/api/auth/registration/verify-email/').set(...bearer(access)).send({ key });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ detail: 'E-mail verified.' });
    expect((await t.http.get('/api/me/').set(...bearer(access))).body.email_verified).toBe(true);
    await sink.waitFor(email, /E-mail address confirmed/);

    const again = await t.http.post('/api/auth/registration/verify-email/').send({ key });
    expect(again.status).toBe(404);
  });

  it('stores only a hash of the key', async () => {
    const { email, userId } = await signup(t.http);
    const key = linkIn(await sink.waitFor(email, /Confirm/), FRONTEND).searchParams.get('key')!;
    const rows = await t.db.query('SELECT token_hash FROM account_tokens WHERE user_id = $1', [userId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toContain(key);
    expect(JSON.stringify(await t.db.query('SELECT * FROM account_tokens WHERE user_id = $1', [userId]))).not.toContain(key);
  });

  it('refuses an expired key and an unknown key alike', async () => {
    const { email, userId } = await signup(t.http);
    const key = linkIn(await sink.waitFor(email, /Confirm/), FRONTEND).searchParams.get('key')!;
    await t.db.query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [userId]);
    const expired = await t.http.post('/api/auth/registration/verify-email/').send({ key });
    const unknown = await t.http.post('/api/auth/registration/verify-email/').send({ key: 'A'.repeat(43) });
    expect(expired.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(expired.body).toEqual(unknown.body);
  });

  it('resends to an unverified address, and answers the same for an unknown one', async () => {
    const { email } = await signup(t.http);
    await sink.waitFor(email, /Confirm/);
    const known = await t.http.post('/api/auth/registration/resend-email/').send({ email });
    const unknownEmail = uniqueEmail('nobody');
    const unknown = await t.http.post('/api/auth/registration/resend-email/').send({ email: unknownEmail });
    expect(known.status).toBe(200);
    expect(known.body).toEqual({ detail: 'Verification e-mail sent.' });
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    await sink.waitFor(email, /Confirm/, 2);
    // The unknown address's request was recorded like the known one, and ended with no mail.
    expect(await settledOutbox(t, unknownEmail, 1)).toEqual([{ kind: 'verify_email', mailed: false }]);
    expect(sink.to(unknownEmail)).toEqual([]);
  });
});

describe('e-mail verification modes', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await SmtpSink.start();
  });
  afterAll(() => sink.stop());

  it('mandatory: signup gives no tokens and login answers 403 until the address is confirmed', async () => {
    const t = await startApp(mailEnv(sink, { ACCOUNT_EMAIL_VERIFICATION: 'mandatory' }));
    try {
      const email = uniqueEmail();
      const created = await t.http.post('/api/signup/').send({ email, password: PASSWORD, password_confirm: PASSWORD });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ detail: 'Verification e-mail sent.', user: expect.objectContaining({ email, email_verified: false }) });
      expect(await t.db.query('SELECT id FROM sessions WHERE user_id = $1', [created.body.user.id])).toEqual([]);
      const early = await t.http.post('/api/login/').send({ email, password: PASSWORD });
      expect(early.status).toBe(403);
      expect(early.body).toEqual({ detail: 'E-mail is not verified.', code: 'email_not_verified' });
      // A wrong password still gets the plain 401: the 403 is only for whoever knows the password.
      expect((await t.http.post('/api/login/').send({ email, password: 'wrong-password-here' })).status).toBe(401);

      const key = linkIn(await sink.waitFor(email, /Confirm/), FRONTEND).searchParams.get('key')!;
      // No session yet in mandatory mode: the page that verifies sends the password, so it stays.
      expect((await t.http.post('/api/auth/registration/verify-email/').send({ key, password: PASSWORD })).status).toBe(200);
      const late = await t.http.post('/api/login/').send({ email, password: PASSWORD });
      expect(late.status).toBe(200);
      expect(late.body.user.email_verified).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('none: signup sends no verification mail and resend sends nothing', async () => {
    const t = await startApp(mailEnv(sink, { ACCOUNT_EMAIL_VERIFICATION: 'none' }));
    try {
      const { email } = await signup(t.http);
      expect((await t.http.post('/api/auth/registration/resend-email/').send({ email })).status).toBe(200);
      expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(200);
      expect(await outboxFor(t, email)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('throttles verification mails per address', async () => {
    const t = await startApp(mailEnv(sink, { ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR: '1' }));
    try {
      const { email } = await signup(t.http);
      await sink.waitFor(email, /Confirm/);
      for (let i = 0; i < 3; i++) expect((await t.http.post('/api/auth/registration/resend-email/').send({ email })).status).toBe(200);
      // The signup mail is not counted; one resend is mailed, the next two end with no mail.
      expect(await settledOutbox(t, email, 4)).toEqual([
        { kind: 'verify_email', mailed: true },
        { kind: 'verify_email', mailed: true },
        { kind: 'verify_email', mailed: false },
        { kind: 'verify_email', mailed: false },
      ]);
      await sink.waitFor(email, /Confirm/, 2);
      expect(sink.to(email)).toHaveLength(2);
    } finally {
      await t.close();
    }
  });
});

describe('password reset', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp(mailEnv(sink, { ACCOUNT_EMAIL_VERIFICATION: 'none' }));
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  async function resetLink(email: string, count = 1): Promise<{ uid: string; token: string; url: URL }> {
    const url = linkIn(await sink.waitFor(email, /Reset your password/, count), FRONTEND);
    return { uid: url.searchParams.get('uid')!, token: url.searchParams.get('token')!, url };
  }

  const confirm = (body: Record<string, string>) =>
    t.http.post('/api/auth/password/reset/confirm/').send({ new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD, ...body });

  it('refuses a mailed reset token as an access token, at refresh and at verify (SECURITY.md 8)', async () => {
    const { email } = await signup(t.http);
    await t.http.post('/api/auth/password/reset/').send({ email });
    const { token } = await resetLink(email);
    const notValid = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };
    const asAccess = await t.http.get('/api/me/').set(...bearer(token));
    expect([asAccess.status, asAccess.body]).toEqual([401, notValid]);
    const asRefresh = await t.http.post('/api/token/refresh/').send({ refresh: token });
    expect([asRefresh.status, asRefresh.body]).toEqual([401, notValid]);
    expect((await t.http.post('/api/token/verify/').send({ token })).status).toBe(401);
    // The token itself was not spent by those attempts.
    expect((await t.http.post('/api/auth/password/reset/').send({ email })).status).toBe(200);
  });

  it('mails a link to the configured frontend (never the Host header) that resets the password and ends every session', async () => {
    const { email, access, refresh } = await signup(t.http);
    const other = await login(t.http, email);
    const requested = await t.http.post('/api/auth/password/reset/').set('Host', 'evil.example').set('X-Forwarded-Host', 'evil.example').send({ email });
    expect(requested.status).toBe(200);
    expect(requested.body).toEqual({ detail: 'Password reset e-mail has been sent.' });
    const mail = await sink.waitFor(email, /Reset your password/);
    expect(mail.text + mail.html).not.toContain('evil.example');
    const { uid, token, url } = await resetLink(email);
    expect(`${url.origin}${url.pathname}`).toBe(`${FRONTEND}/reset-password`);

    const done = await confirm({ uid, token });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ detail: 'Password has been reset with the new password.' });
    for (const bearerToken of [access, other.access]) expect((await t.http.get('/api/me/').set(...bearer(bearerToken))).status).toBe(401);
    expect((await t.http.post('/api/token/refresh/').send({ refresh })).status).toBe(401);
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(401);
    expect((await t.http.post('/api/login/').send({ email, password: NEW_PASSWORD })).status).toBe(200);
    await sink.waitFor(email, /Your password was reset/);

    const reused = await confirm({ uid, token, new_password1: 'another-fresh-phrase-9', new_password2: 'another-fresh-phrase-9' });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ token: ['Invalid value'] });
  });

  it('answers an unknown address exactly like a known one, and mails nothing to it', async () => {
    const { email } = await signup(t.http);
    const unknownEmail = uniqueEmail('ghost');
    const known = await t.http.post('/api/auth/password/reset/').send({ email });
    const unknown = await t.http.post('/api/auth/password/reset/').send({ email: unknownEmail });
    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    await sink.waitFor(email, /Reset your password/);
    expect(await settledOutbox(t, unknownEmail, 1)).toEqual([{ kind: 'password_reset', mailed: false }]);
    expect(sink.to(unknownEmail)).toEqual([]);
  });

  it('gives a bad uid, a bad token and another user’s uid the same error', async () => {
    const alice = await signup(t.http);
    const bob = await signup(t.http);
    await t.http.post('/api/auth/password/reset/').send({ email: alice.email });
    const { uid, token } = await resetLink(alice.email);
    const bobUid = Buffer.from(bob.userId).toString('base64url');
    const answers = await Promise.all([confirm({ uid: 'garbage', token }), confirm({ uid, token: `${token}x` }), confirm({ uid: bobUid, token })]);
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ token: ['Invalid value'] });
    }
    expect((await confirm({ uid, token })).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const { email, userId } = await signup(t.http);
    await t.http.post('/api/auth/password/reset/').send({ email });
    const { uid, token } = await resetLink(email);
    await t.db.query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [userId]);
    expect((await confirm({ uid, token })).body).toEqual({ token: ['Invalid value'] });
  });

  it('voids an outstanding reset link when the password is changed', async () => {
    const { email, access } = await signup(t.http);
    await t.http.post('/api/auth/password/reset/').send({ email });
    const { uid, token } = await resetLink(email);
    const changed = await t.http.post('/api/auth/password/change/').set(...bearer(access)).send({ old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect((await confirm({ uid, token, new_password1: 'third-fresh-phrase-31', new_password2: 'third-fresh-phrase-31' })).body).toEqual({ token: ['Invalid value'] });
  });

  it('applies the password policy to the new password', async () => {
    const { email } = await signup(t.http);
    await t.http.post('/api/auth/password/reset/').send({ email });
    const { uid, token } = await resetLink(email);
    const weak = await confirm({ uid, token, new_password1: 'password123', new_password2: 'password123' });
    expect(weak.status).toBe(400);
    expect(weak.body.new_password2).toContain('This password is too common.');
    const mismatch = await confirm({ uid, token, new_password2: `${NEW_PASSWORD}!` });
    expect(mismatch.body.new_password2).toContain('The two password fields didn’t match.');
    // Refused attempts do not spend the link.
    expect((await confirm({ uid, token })).status).toBe(200);
  });

  it('still works for an account whose logins are throttled', async () => {
    const throttled = await startApp(mailEnv(sink, { LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' }));
    try {
      const { email } = await signup(throttled.http);
      for (let i = 0; i < 3; i++) await throttled.http.post('/api/login/').send({ email, password: 'wrong-password-here' });
      expect((await throttled.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(429);
      expect((await throttled.http.post('/api/auth/password/reset/').send({ email })).status).toBe(200);
      const url = linkIn(await sink.waitFor(email, /Reset your password/), FRONTEND);
      const done = await throttled.http
        .post('/api/auth/password/reset/confirm/')
        .send({ uid: url.searchParams.get('uid'), token: url.searchParams.get('token'), new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
      expect(done.status).toBe(200);
    } finally {
      await throttled.close();
    }
  });
});

describe('password change', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp(mailEnv(sink, { ACCOUNT_EMAIL_VERIFICATION: 'none' }));
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const change = (access: string, body: Record<string, unknown>) => t.http.post('/api/auth/password/change/').set(...bearer(access)).send(body);

  it('needs the right old password and matching new ones', async () => {
    const { access } = await signup(t.http);
    const wrong = await change(access, { old_password: 'not-my-password', new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ old_password: ['Your old password was entered incorrectly. Please enter it again.'] });
    const missing = await change(access, { new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
    expect(missing.body).toEqual({ old_password: ['This field is required.'] });
    const mismatch = await change(access, { old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: 'something-else-entirely' });
    expect(mismatch.body).toEqual({ new_password2: ['The two password fields didn’t match.'] });
    const numeric = await change(access, { old_password: PASSWORD, new_password1: '4815162342108', new_password2: '4815162342108' });
    expect(numeric.body.new_password2).toContain('This password is entirely numeric.');
    expect((await change(access, {})).status).toBe(400);
  });

  it('saves the new password, keeps this session, ends the others and sends a notice', async () => {
    const { email, access, refresh } = await signup(t.http);
    const other = await login(t.http, email);
    const changed = await change(access, { old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ detail: 'New password has been saved.' });
    expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(200);
    expect((await t.http.post('/api/token/refresh/').send({ refresh })).status).toBe(200);
    expect((await t.http.get('/api/me/').set(...bearer(other.access))).status).toBe(401);
    expect((await t.http.post('/api/token/refresh/').send({ refresh: other.refresh })).status).toBe(401);
    expect((await t.http.post('/api/login/').send({ email, password: NEW_PASSWORD })).status).toBe(200);
    const notice = await sink.waitFor(email, /Your password was changed/);
    expect(notice.text).toContain('Acme ID');
    expect(notice.html).toContain('<html>');
  });

  it('keeps the other sessions when LOGOUT_ON_PASSWORD_CHANGE=false', async () => {
    const keep = await startApp(mailEnv(sink, { LOGOUT_ON_PASSWORD_CHANGE: 'false' }));
    try {
      const { email, access } = await signup(keep.http);
      const other = await login(keep.http, email);
      await keep.http.post('/api/auth/password/change/').set(...bearer(access)).send({ old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
      expect((await keep.http.get('/api/me/').set(...bearer(other.access))).status).toBe(200);
    } finally {
      await keep.close();
    }
  });

  it('lets an account without a password set one without old_password', async () => {
    const { access, userId, email } = await signup(t.http);
    await t.db.query('UPDATE users SET password_hash = NULL WHERE id = $1', [userId]);
    expect((await change(access, { new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD })).status).toBe(200);
    expect((await t.http.post('/api/login/').send({ email, password: NEW_PASSWORD })).status).toBe(200);
  });
});

describe('mail delivery while SMTP is down', () => {
  it('answers at once, keeps the mail, and delivers each one exactly once when SMTP comes back', async () => {
    const sink = await SmtpSink.reserve();
    const t = await startApp(mailEnv(sink, { ACCOUNT_EMAIL_VERIFICATION: 'optional' }));
    try {
      const { email, access } = await signup(t.http);
      const started = Date.now();
      expect((await t.http.post('/api/auth/password/reset/').send({ email })).status).toBe(200);
      expect((await t.http.post('/api/auth/password/change/').set(...bearer(access)).send({ old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD })).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);

      // Wait (by polling the outbox) until every mail has failed at least once against the closed port.
      const deadline = Date.now() + 10_000;
      let rows = await outboxFor(t, email);
      while (!(rows.length === 3 && rows.every((row) => row.attempts >= 1 && row.sent_at === null))) {
        if (Date.now() > deadline) throw new Error(`mails were not retried: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        rows = await outboxFor(t, email);
      }

      await sink.listen();
      await sink.waitFor(email, /Confirm your e-mail/);
      await sink.waitFor(email, /Reset your password/);
      await sink.waitFor(email, /Your password was changed/);
      while ((await outboxFor(t, email)).some((row) => row.sent_at === null)) {
        if (Date.now() > deadline + 10_000) throw new Error('outbox not drained');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await t.close();
      expect(sink.to(email).map((mail) => mail.subject).sort()).toEqual([
        'Acme ID: Confirm your e-mail address',
        'Acme ID: Reset your password',
        'Acme ID: Your password was changed',
      ]);
    } finally {
      await t.close().catch(() => undefined);
      await sink.stop();
    }
  });
});
