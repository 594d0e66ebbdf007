import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { startApp, type TestApp } from './setup/test-app.js';
import { linkIn, SmtpSink } from './setup/smtp-sink.js';
import { resetPassword } from './factories/password-reset.js';
import { bearer, PASSWORD, signup, uniqueEmail, type SignedUp } from './factories/users.js';
import { FakeProviders } from './factories/fake-providers.js';
import { stateCookie } from './factories/redirect.js';

/**
 * Pre-account hijacking (Sudhodanan & Paverd, USENIX Security 2022; SECURITY.md 34): an
 * attacker signs up with the victim's address, keeps a password, sessions, MFA and a linked
 * provider, and waits for the victim. Once the victim proves the address, none of it works.
 */
const FRONTEND = 'https://app.example.test';
const OWNER_PASSWORD = 'quiet-meadow-copper-77';

interface PreAccount extends SignedUp {
  secondSession: { access: string; refresh: string };
  /** The attacker's own Google identity, connected to the pre-account. */
  attackerGoogleToken: string;
}

describe('pre-account hijacking: the owner proving the address revokes what was set up before', () => {
  let fake: FakeProviders;
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    fake = await FakeProviders.start();
    sink = await SmtpSink.start();
    t = await startApp({ ...fake.env(), SMTP_URL: sink.url, FRONTEND_BASE_URL: FRONTEND, MAIL_POLL_INTERVAL_MS: '100' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
    await fake.stop();
  });

  const totp = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
  const me = (access: string) => t.http.get('/api/me/').set(...bearer(access));
  const refresh = (token: string) => t.http.post('/api/token/refresh/').send({ refresh: token });
  const passwordLogin = (email: string, password: string) => t.http.post('/api/login/').send({ email, password });
  const verifyKey = async (email: string) => linkIn(await sink.waitFor(email, /Confirm your e-mail/), FRONTEND).searchParams.get('key')!;

  /** The attacker's account on the victim's address: password, two sessions, a linked Google account of their own. */
  async function preAccount(victimEmail: string): Promise<PreAccount> {
    const account = await signup(t.http, { email: victimEmail });
    const second = await passwordLogin(victimEmail, PASSWORD);
    expect(second.status).toBe(200);
    const attackerGoogleToken = await fake.googleIdToken({ sub: `attacker-${randomUUID()}`, email: uniqueEmail('attacker') });
    expect((await t.http.post('/api/auth/google/connect/').set(...bearer(account.access)).send({ id_token: attackerGoogleToken })).status).toBe(200);
    // MFA cannot be added to an address nobody has proven (verification is on here).
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(account.access));
    expect([setup.status, setup.body]).toEqual([400, { non_field_errors: ['Verify your e-mail address before turning on MFA.'] }]);
    // Before the owner arrives, all of it works.
    expect((await passwordLogin(victimEmail, PASSWORD)).status).toBe(200);
    expect((await me(account.access)).body).toMatchObject({ email_verified: false, mfa_enabled: false, has_password: true });
    return { ...account, secondSession: { access: second.body.access, refresh: second.body.refresh }, attackerGoogleToken };
  }

  /** Nothing the attacker set up grants access any more, and the owner was told. */
  async function expectAttackerLockedOut(attacker: PreAccount, options: { passwordKept?: boolean } = {}): Promise<void> {
    const login = await passwordLogin(attacker.email, PASSWORD);
    expect([login.status, login.body]).toEqual([401, { detail: 'Invalid email or password.', code: 'authentication_failed' }]);
    for (const session of [attacker, attacker.secondSession]) {
      expect((await me(session.access)).status).toBe(401);
      expect((await refresh(session.refresh)).status).toBe(401);
    }
    const [user] = await t.db.query('SELECT email_verified, mfa_enabled, password_hash FROM users WHERE id = $1', [attacker.userId]);
    expect(user).toMatchObject({ email_verified: true, mfa_enabled: false });
    if (!options.passwordKept) expect(user.password_hash).toBeNull();
    expect(await t.db.query('SELECT user_id FROM mfa_totp WHERE user_id = $1', [attacker.userId])).toEqual([]);
    expect(await t.db.query('SELECT id FROM mfa_recovery_codes WHERE user_id = $1', [attacker.userId])).toEqual([]);
    const links = await t.db.query('SELECT uid FROM social_accounts WHERE user_id = $1', [attacker.userId]);
    expect(links.map((row: { uid: string }) => row.uid).filter((uid: string) => uid.startsWith('attacker-'))).toEqual([]);
    // The attacker's own Google account now lands in an account of its own, not the victim's.
    const attackerGoogle = await t.http.post('/api/auth/google/').send({ id_token: attacker.attackerGoogleToken });
    expect(attackerGoogle.body.user?.id).not.toBe(attacker.userId);
    const events = await t.db.query(`SELECT event FROM security_events WHERE user_id = $1 AND event = 'unverified_credentials_revoked'`, [attacker.userId]);
    expect(events).toHaveLength(1);
    const mail = await sink.waitFor(attacker.email, /earlier sign-ins removed/);
    expect(mail.text).toContain('Forgot password');
  }

  it('(a) a verified Google sign-in to an unverified account removes the password, sessions, a squatter\'s MFA and links, then signs the owner in', async () => {
    const victimEmail = uniqueEmail('victim-a');
    const attacker = await preAccount(victimEmail);
    // MFA on an unverified address can only predate the rule that MFA needs a proven address: a squatter's, as if enrolled then.
    await t.db.query(`INSERT INTO mfa_totp (user_id, secret_encrypted, confirmed_at) VALUES ($1, 'sealed-before-the-rule', now())`, [attacker.userId]);
    await t.db.query(`INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)`, [attacker.userId, 'f'.repeat(64)]);
    await t.db.query('UPDATE users SET mfa_enabled = true WHERE id = $1', [attacker.userId]);
    const victimGoogle = await fake.googleIdToken({ sub: `victim-${randomUUID()}`, email: victimEmail, email_verified: true });

    const signedIn = await t.http.post('/api/auth/google/').send({ id_token: victimGoogle });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ id: attacker.userId, email_verified: true, has_password: false, mfa_enabled: false });
    expect(signedIn.body.access).toEqual(expect.any(String));

    await expectAttackerLockedOut(attacker);
    // The owner's session works, it is the only one, and the owner's Google account is the only link.
    expect((await me(signedIn.body.access)).status).toBe(200);
    expect((await t.http.get('/api/auth/sessions/').set(...bearer(signedIn.body.access))).body).toHaveLength(1);
    const links = await t.http.get('/api/auth/socialaccounts/').set(...bearer(signedIn.body.access));
    expect(links.body.map((link: { uid: string }) => link.uid)).toEqual([expect.stringMatching(/^victim-/)]);
    expect((await refresh(signedIn.body.refresh)).status).toBe(200);
    expect((await t.http.post('/api/auth/google/').send({ id_token: victimGoogle })).body.user.id).toBe(attacker.userId);
  });

  it('(a) the browser redirect flow revokes the same way', async () => {
    const victimEmail = uniqueEmail('victim-redirect');
    const attacker = await preAccount(victimEmail);
    const start = await t.http.get('/api/auth/google/redirect/?next=/home');
    const authorize = new URL(start.headers.location);
    const code = `code-${randomUUID()}`;
    fake.googleCodes.set(code, await fake.googleIdToken({ sub: `victim-${randomUUID()}`, email: victimEmail }));
    fake.codeChallenges.set(code, authorize.searchParams.get('code_challenge')!);
    const back = await t.http.get(`/api/auth/google/callback/?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`).set('Cookie', stateCookie(start));
    const exchanged = await t.http.post('/api/auth/exchange/').send({ code: new URL(back.headers.location).searchParams.get('code') });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.user).toMatchObject({ id: attacker.userId, has_password: false, mfa_enabled: false });
    await expectAttackerLockedOut(attacker);
  });

  it('(a) links a verified Google account to an already verified account without revoking anything', async () => {
    const owner = await signup(t.http);
    await t.http.post('/api/auth/registration/verify-email/').set(...bearer(owner.access)).send({ key: await verifyKey(owner.email) });
    const signedIn = await t.http.post('/api/auth/google/').send({ id_token: await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: owner.email }) });
    expect(signedIn.body.user).toMatchObject({ id: owner.userId, has_password: true });
    expect((await me(owner.access)).status).toBe(200);
    expect((await passwordLogin(owner.email, PASSWORD)).status).toBe(200);
  });

  it('(b) a completed password reset keeps the new password and revokes the sessions and links', async () => {
    const victimEmail = uniqueEmail('victim-b');
    const attacker = await preAccount(victimEmail);
    const done = await resetPassword(t.http, sink, FRONTEND, victimEmail, OWNER_PASSWORD);
    expect(done.status).toBe(200);

    await expectAttackerLockedOut(attacker, { passwordKept: true });
    // The owner signs in with the new password, straight to tokens.
    const owner = await passwordLogin(victimEmail, OWNER_PASSWORD);
    expect(owner.status).toBe(200);
    expect(owner.body.user).toMatchObject({ id: attacker.userId, email_verified: true, mfa_enabled: false });
    expect((await me(owner.body.access)).status).toBe(200);
  });

  it('(b) voids a browser sign-in code the squatter earned through a linked provider before the claim', async () => {
    const victimEmail = uniqueEmail('victim-exchange');
    const attacker = await preAccount(victimEmail);
    const start = await t.http.get('/api/auth/google/redirect/?next=/home');
    const authorize = new URL(start.headers.location);
    const code = `code-${randomUUID()}`;
    fake.googleCodes.set(code, attacker.attackerGoogleToken);
    fake.codeChallenges.set(code, authorize.searchParams.get('code_challenge')!);
    const back = await t.http.get(`/api/auth/google/callback/?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`).set('Cookie', stateCookie(start));
    const exchangeCode = new URL(back.headers.location).searchParams.get('code');
    expect(exchangeCode).toEqual(expect.any(String));

    const done = await resetPassword(t.http, sink, FRONTEND, victimEmail, OWNER_PASSWORD);
    expect(done.status).toBe(200);

    const exchanged = await t.http.post('/api/auth/exchange/').send({ code: exchangeCode });
    expect([exchanged.status, exchanged.body.access]).toEqual([401, undefined]);
  });

  it('(c) verifying by key alone verifies the address and revokes the password, sessions and links', async () => {
    const victimEmail = uniqueEmail('victim-c');
    const attacker = await preAccount(victimEmail);
    // The verification mail went to the victim's mailbox; the victim clicks it, signed in nowhere.
    const verified = await t.http.post('/api/auth/registration/verify-email/').send({ key: await verifyKey(victimEmail) });
    expect([verified.status, verified.body]).toEqual([200, { detail: 'E-mail verified.' }]);

    await expectAttackerLockedOut(attacker);
    // The owner chooses a password through reset, as the mail says, and signs in.
    expect((await resetPassword(t.http, sink, FRONTEND, victimEmail, OWNER_PASSWORD)).status).toBe(200);
    expect((await passwordLogin(victimEmail, OWNER_PASSWORD)).status).toBe(200);
  });

  it("(c) a bearer token of another account is no proof: the unverified account's credentials are revoked", async () => {
    const victimEmail = uniqueEmail('victim-c-other');
    const attacker = await preAccount(victimEmail);
    const bystander = await signup(t.http);
    const verified = await t.http.post('/api/auth/registration/verify-email/').set(...bearer(bystander.access)).send({ key: await verifyKey(victimEmail) });
    expect(verified.status).toBe(200);
    await expectAttackerLockedOut(attacker);
    expect((await me(bystander.access)).status).toBe(200);
  });

  /** A genuine user's account: password, two sessions, a linked Google account; address not yet verified. */
  async function genuineAccount(): Promise<PreAccount> {
    return preAccount(uniqueEmail('genuine'));
  }

  async function expectEverythingKept(account: PreAccount): Promise<void> {
    expect((await me(account.access)).body).toMatchObject({ email_verified: true, has_password: true });
    expect((await me(account.secondSession.access)).status).toBe(200);
    expect((await refresh(account.secondSession.refresh)).status).toBe(200);
    expect((await passwordLogin(account.email, PASSWORD)).status).toBe(200);
    expect(await t.db.query('SELECT uid FROM social_accounts WHERE user_id = $1', [account.userId])).toHaveLength(1);
    expect(await t.db.query(`SELECT id FROM security_events WHERE user_id = $1 AND event = 'unverified_credentials_revoked'`, [account.userId])).toEqual([]);
    await sink.waitFor(account.email, /E-mail address confirmed$/);
  }

  it('(c) verifying with the account’s own session keeps everything', async () => {
    const account = await genuineAccount();
    const verified = await t.http.post('/api/auth/registration/verify-email/').set(...bearer(account.access)).send({ key: await verifyKey(account.email) });
    expect(verified.status).toBe(200);
    await expectEverythingKept(account);
  });

  it('(c) verifying with the account’s password keeps everything; a wrong password is 400 and spends nothing', async () => {
    const account = await genuineAccount();
    const key = await verifyKey(account.email);
    const wrong = await t.http.post('/api/auth/registration/verify-email/').send({ key, password: 'not-the-password-1' });
    expect([wrong.status, wrong.body]).toEqual([400, { password: ['Invalid password.'] }]);
    expect((await me(account.access)).body.email_verified).toBe(false);
    expect(await t.db.query(`SELECT event FROM security_events WHERE user_id = $1 AND event = 'reauth_failed'`, [account.userId])).toHaveLength(1);

    const verified = await t.http.post('/api/auth/registration/verify-email/').send({ key, password: PASSWORD });
    expect(verified.status).toBe(200);
    await expectEverythingKept(account);
  });

  it('documents the rule in the OpenAPI descriptions of the social sign-in endpoints and of verify-email', async () => {
    const doc = (await t.http.get('/api/docs-json')).body;
    for (const provider of ['google', 'facebook', 'microsoft', 'github']) {
      expect([provider, doc.paths[`/api/auth/${provider}`].post.description]).toEqual([provider, expect.stringMatching(/pre-account hijacking.*password is removed, every session ends, MFA is turned off/)]);
    }
    const verify = doc.paths['/api/auth/registration/verify-email'].post;
    expect(verify.description).toMatch(/pre-account hijacking/);
    const schema = verify.requestBody.content['application/json'].schema.$ref.split('/').pop();
    expect(Object.keys(doc.components.schemas[schema].properties)).toEqual(['key', 'password']);
  });
});

describe('pre-account hijacking with ACCOUNT_EMAIL_VERIFICATION=none: MFA is the owner\'s and survives a claim', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', SMTP_URL: sink.url, FRONTEND_BASE_URL: FRONTEND, MAIL_POLL_INTERVAL_MS: '100' });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('keeps MFA through a completed reset (SECURITY.md 20) while the squatter\'s password and sessions stop working', async () => {
    const account = await signup(t.http);
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(account.access));
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 }).generate();
    expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(account.access)).send({ code })).status).toBe(200);

    const done = await resetPassword(t.http, sink, FRONTEND, account.email, OWNER_PASSWORD);
    expect(done.status).toBe(200);

    expect((await t.http.post('/api/login/').send({ email: account.email, password: PASSWORD })).status).toBe(401);
    expect((await t.http.get('/api/me/').set(...bearer(account.access))).status).toBe(401);
    // Whoever reset the password still meets the second factor: a reset never bypasses MFA.
    const login = await t.http.post('/api/login/').send({ email: account.email, password: OWNER_PASSWORD });
    expect([login.status, login.body.mfa_required]).toEqual([200, true]);
    expect(await t.db.query('SELECT user_id FROM mfa_totp WHERE user_id = $1', [account.userId])).toHaveLength(1);
  });
});
