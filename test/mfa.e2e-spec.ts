import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { startApp, type TestApp } from './setup/test-app.js';
import { SmtpSink } from './setup/smtp-sink.js';
import { resetPassword } from './factories/password-reset.js';
import { bearer, PASSWORD, signup } from './factories/users.js';

const NOT_VALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };

/** The code an authenticator would show `offsetSteps` periods from now. */
function code(secret: string, offsetSteps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

describe('TOTP multi-factor authentication', () => {
  let t: TestApp;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', SMTP_URL: sink.url, MAIL_POLL_INTERVAL_MS: '100', FRONTEND_BASE_URL: 'https://app.example.test', MFA_MAX_FAILURES: '5' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  /** Signs up and turns MFA on; the confirm call used the current step's code. */
  async function enrolled() {
    const user = await signup(t.http);
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(user.access));
    const confirm = await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(user.access)).send({ code: code(setup.body.secret) });
    return { ...user, secret: setup.body.secret as string, recoveryCodes: confirm.body.recovery_codes as string[] };
  }

  const passwordStep = (email: string) => t.http.post('/api/login/').send({ email, password: PASSWORD });

  it('enrols with a secret, an otpauth URL and a QR code, and turns on only after a valid code', async () => {
    const { access, userId } = await signup(t.http);
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(access));
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauth_url).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(setup.body.qr_code).toMatch(/^data:image\/png;base64,/);
    const wrong = await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(access)).send({ code: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ code: ['Invalid code.'] });
    expect((await t.http.get('/api/me/').set(...bearer(access))).body.mfa_enabled).toBe(false);

    const confirmed = await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(access)).send({ code: code(setup.body.secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recovery_codes).toHaveLength(10);
    expect(new Set(confirmed.body.recovery_codes).size).toBe(10);
    expect((await t.http.get('/api/me/').set(...bearer(access))).body.mfa_enabled).toBe(true);

    const [stored] = await t.db.query('SELECT secret_encrypted FROM mfa_totp WHERE user_id = $1', [userId]);
    expect(stored.secret_encrypted).not.toContain(setup.body.secret);
    const codes = await t.db.query('SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
    expect(codes).toHaveLength(10);
    expect(JSON.stringify(codes)).not.toContain(confirmed.body.recovery_codes[0]);
  });

  it('answers a correct password with an MFA ticket that is valid as nothing else', async () => {
    const { email } = await enrolled();
    const first = await passwordStep(email);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ mfa_required: true, mfa_token: expect.any(String), methods: ['totp', 'recovery_code'] });
    const ticket = first.body.mfa_token;
    expect((await t.http.get('/api/me/').set(...bearer(ticket))).body).toEqual(NOT_VALID);
    expect((await t.http.post('/api/token/refresh/').send({ refresh: ticket })).status).toBe(401);
    expect((await t.http.post('/api/token/verify/').send({ token: ticket })).status).toBe(401);
  });

  it('completes the login with a TOTP code, each code and each ticket once', async () => {
    const { email, secret } = await enrolled();
    const ticket = (await passwordStep(email)).body.mfa_token;
    const next = code(secret, 1);
    const done = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: next });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ access: expect.any(String), refresh: expect.any(String), user: { email, mfa_enabled: true } });
    expect((await t.http.get('/api/me/').set(...bearer(done.body.access))).status).toBe(200);

    const reusedTicket = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: next });
    expect(reusedTicket.status).toBe(401);
    const fresh = (await passwordStep(email)).body.mfa_token;
    const reusedCode = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: fresh, code: next });
    expect(reusedCode.status).toBe(400);
    expect(reusedCode.body).toEqual({ code: ['Invalid code.'] });
  });

  it('accepts a code one step off but not three', async () => {
    const { email, secret } = await enrolled();
    const ticket = (await passwordStep(email)).body.mfa_token;
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: code(secret, 3) })).status).toBe(400);
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: code(secret, 1) })).status).toBe(200);
  });

  it('accepts a code one step behind as well as ahead, and refuses two steps either way', async () => {
    const { email, secret, userId } = await enrolled();
    // The confirm call spent the current step; forget it, as for an enrolment made long ago.
    await t.db.query('UPDATE mfa_totp SET last_used_step = 0 WHERE user_id = $1', [userId]);
    const ticket = (await passwordStep(email)).body.mfa_token;
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: code(secret, -2) })).status).toBe(400);
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: code(secret, 2) })).status).toBe(400);
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: code(secret, -1) })).status).toBe(200);
  });

  it('accepts each recovery code once', async () => {
    const { email, recoveryCodes } = await enrolled();
    const first = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: (await passwordStep(email)).body.mfa_token, code: recoveryCodes[0] });
    expect(first.status).toBe(200);
    const again = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: (await passwordStep(email)).body.mfa_token, code: recoveryCodes[0] });
    expect(again.status).toBe(400);
  });

  it('refuses an expired ticket', async () => {
    const { email, secret } = await enrolled();
    const ticket = (await passwordStep(email)).body.mfa_token;
    await t.db.query(`UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE jti = $1`, [JSON.parse(Buffer.from(ticket.split('.')[1], 'base64url').toString()).jti]);
    const response = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: code(secret, 1) });
    expect(response.status).toBe(401);
  });

  it('rate limits wrong codes per user', async () => {
    const { email, secret } = await enrolled();
    const ticket = (await passwordStep(email)).body.mfa_token;
    for (let i = 0; i < 5; i++) await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: '000000' });
    const blocked = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: code(secret, 1) });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });

  it('turns MFA off only with a current code or the password', async () => {
    const { email, access } = await enrolled();
    expect((await t.http.post('/api/auth/mfa/totp/disable/').set(...bearer(access)).send({})).status).toBe(400);
    expect((await t.http.post('/api/auth/mfa/totp/disable/').set(...bearer(access)).send({ password: 'not-the-password' })).status).toBe(400);
    const off = await t.http.post('/api/auth/mfa/totp/disable/').set(...bearer(access)).send({ password: PASSWORD });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ detail: 'MFA disabled.' });
    expect((await passwordStep(email)).body.access).toEqual(expect.any(String));
  });

  it('turns MFA off with a current TOTP code, then logs in with the password alone (SECURITY.md 20)', async () => {
    const { email, access, secret } = await enrolled();
    expect((await t.http.post('/api/auth/mfa/totp/disable/').set(...bearer(access)).send({ code: '000000' })).status).toBe(400);
    const off = await t.http.post('/api/auth/mfa/totp/disable/').set(...bearer(access)).send({ code: code(secret, 1) });
    expect(off.status).toBe(200);
    expect(off.body).toEqual({ detail: 'MFA disabled.' });
    const signedIn = await passwordStep(email);
    expect(signedIn.body.access).toEqual(expect.any(String));
    expect(signedIn.body.mfa_token).toBeUndefined();
  });

  it('replaces the recovery codes with a current code; the old ones stop working', async () => {
    const { email, access, secret, recoveryCodes } = await enrolled();
    expect((await t.http.post('/api/auth/mfa/recovery-codes/').set(...bearer(access)).send({ code: '000000' })).status).toBe(400);
    const renewed = await t.http.post('/api/auth/mfa/recovery-codes/').set(...bearer(access)).send({ code: code(secret, 1) });
    expect(renewed.status).toBe(200);
    expect(renewed.body.recovery_codes).toHaveLength(10);
    const old = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: (await passwordStep(email)).body.mfa_token, code: recoveryCodes[1] });
    expect(old.status).toBe(400);
    const fresh = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: (await passwordStep(email)).body.mfa_token, code: renewed.body.recovery_codes[0] });
    expect(fresh.status).toBe(200);
  });

  it('refuses an MFA ticket earned before a password reset, even with a valid second factor', async () => {
    const { email, recoveryCodes } = await enrolled();
    const ticket = (await passwordStep(email)).body.mfa_token;
    const newPassword = 'quiet-meadow-copper-77';
    const reset = await resetPassword(t.http, sink, 'https://app.example.test', email, newPassword);
    expect(reset.status).toBe(200);
    const stale = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: recoveryCodes[0] });
    expect([stale.status, stale.body.access]).toEqual([401, undefined]);
    // A ticket earned with the new password completes.
    const fresh = await t.http.post('/api/login/').send({ email, password: newPassword });
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: fresh.body.mfa_token, code: recoveryCodes[1] })).status).toBe(200);
  });

  it('keeps MFA on through a password reset (reset does not bypass it)', async () => {
    const { email } = await enrolled();
    const newPassword = 'quiet-meadow-copper-77';
    const reset = await resetPassword(t.http, sink, 'https://app.example.test', email, newPassword);
    expect(reset.status).toBe(200);
    const login = await t.http.post('/api/login/').send({ email, password: newPassword });
    expect(login.body.mfa_required).toBe(true);
    expect(login.body.access).toBeUndefined();
  });
});
