import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as argon2 from 'argon2';
import * as OTPAuth from 'otpauth';
import { startApp, type TestApp } from './setup/test-app.js';
import { linkIn, SmtpSink } from './setup/smtp-sink.js';
import { bearer, signup, uniqueEmail } from './factories/users.js';

const FRONTEND = 'https://app.example.test';
/** One password, typed composed (NFC) or decomposed (NFD, as some keyboards and macOS file names produce). */
const NFC = 'Crème-brûlée-à-Noël-42'.normalize('NFC');
const NFD = NFC.normalize('NFD');
const OTHER_NFC = 'Ångström-façade-Øresund-7'.normalize('NFC');
const OTHER_NFD = OTHER_NFC.normalize('NFD');

describe('passwords are NFC-normalised everywhere they are set or checked (NIST SP 800-63B 5.1.1.2)', () => {
  let t: TestApp;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', SMTP_URL: sink.url, MAIL_POLL_INTERVAL_MS: '100', FRONTEND_BASE_URL: FRONTEND });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const login = (email: string, password: string) => t.http.post('/api/login/').send({ email, password });

  it('signs in with the NFC spelling after signing up with the NFD one, and the other way round', async () => {
    expect(Buffer.from(NFC)).not.toEqual(Buffer.from(NFD));
    const decomposed = await signup(t.http, { password: NFD });
    expect((await login(decomposed.email, NFC)).status).toBe(200);
    expect((await login(decomposed.email, NFD)).status).toBe(200);
    const composed = await signup(t.http, { password: NFC });
    expect((await login(composed.email, NFD)).status).toBe(200);
    expect((await login(composed.email, NFC)).status).toBe(200);
    expect((await login(composed.email, 'Creme-brulee-a-Noel-42')).status).toBe(401);
  });

  it('accepts a signup whose confirmation is the other spelling of the password', async () => {
    const email = uniqueEmail('confirm');
    const response = await t.http.post('/api/signup/').send({ email, password: NFC, password_confirm: NFD });
    expect(response.status).toBe(201);
    expect((await login(email, NFD)).status).toBe(200);
  });

  it('basic-auth login normalises the same way', async () => {
    const { email } = await signup(t.http, { password: NFD });
    const basic = Buffer.from(`${email}:${NFC}`, 'utf8').toString('base64');
    expect((await t.http.post('/api/login/').set('Authorization', `Basic ${basic}`)).status).toBe(200);
  });

  it('counts the length of the NFC form: seven letters with a combining accent are too short', async () => {
    const email = `short.${Date.now()}@example.com`;
    const password = 'qxzvbné'.normalize('NFD');
    expect([...password].length).toBe(8);
    const response = await t.http.post('/api/signup/').send({ email, password, password_confirm: password });
    expect(response.status).toBe(400);
    expect(response.body.password).toEqual(['This password is too short. It must contain at least 8 characters.']);
  });

  it('keeps a legacy hash of a raw NFD password working, then rehashes it to the NFC form', async () => {
    const { email, userId } = await signup(t.http);
    // A hash stored before normalisation existed: argon2 over the raw decomposed bytes.
    const legacy = await argon2.hash(NFD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    await t.db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [legacy, userId]);
    expect((await login(email, NFC)).status).toBe(401);

    expect((await login(email, NFD)).status).toBe(200);
    const [row] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [userId]);
    expect(row.password_hash).not.toBe(legacy);
    expect(await argon2.verify(row.password_hash, NFC)).toBe(true);
    expect(await argon2.verify(row.password_hash, NFD)).toBe(false);
    // Now both spellings work.
    expect((await login(email, NFC)).status).toBe(200);
    expect((await login(email, NFD)).status).toBe(200);
  });

  it('password change accepts the old password in the other spelling and stores the new one normalised', async () => {
    const { email, access } = await signup(t.http, { password: NFD });
    const changed = await t.http.post('/api/auth/password/change/').set(...bearer(access)).send({ old_password: NFC, new_password1: OTHER_NFD, new_password2: OTHER_NFC });
    expect(changed.status).toBe(200);
    expect((await login(email, OTHER_NFC)).status).toBe(200);
    expect((await login(email, NFC)).status).toBe(401);
  });

  it('password reset stores the new password normalised', async () => {
    const { email } = await signup(t.http);
    await t.http.post('/api/auth/password/reset/').send({ email });
    const link = linkIn(await sink.waitFor(email, /Reset your password/), FRONTEND);
    const done = await t.http
      .post('/api/auth/password/reset/confirm/')
      .send({ uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: OTHER_NFD, new_password2: OTHER_NFD });
    expect(done.status).toBe(200);
    expect((await login(email, OTHER_NFC)).status).toBe(200);
  });

  it('DELETE /api/me/ accepts the password in the other spelling', async () => {
    const { access, userId } = await signup(t.http, { password: NFD });
    expect((await t.http.delete('/api/me/').set(...bearer(access)).send({ password: NFC })).status).toBe(204);
    expect(await t.db.query('SELECT id FROM users WHERE id = $1', [userId])).toEqual([]);
  });

  it('turning MFA off by password accepts the other spelling', async () => {
    const { access } = await signup(t.http, { password: NFC });
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(access));
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 }).generate();
    expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(access)).send({ code })).status).toBe(200);
    const disabled = await t.http.post('/api/auth/mfa/totp/disable/').set(...bearer(access)).send({ password: NFD });
    expect(disabled.status).toBe(200);
    expect((await t.http.get('/api/me/').set(...bearer(access))).body.mfa_enabled).toBe(false);
  });
});
