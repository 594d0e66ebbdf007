import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { startApp, type TestApp } from './setup/test-app.js';
import { linkIn, SmtpSink } from './setup/smtp-sink.js';
import { staffMember } from './factories/staff.js';
import { bearer, PASSWORD, signup, uniqueEmail, uniquePhone, type SignedUp } from './factories/users.js';

const FRONTEND = 'https://app.example.test';

describe('admin API: accounts', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let admin: SignedUp;
  const as = (method: 'get' | 'post' | 'patch' | 'delete', path: string) => (t.http as any)[method](path).set(...bearer(admin.access));

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp({
      ACCOUNT_EMAIL_VERIFICATION: 'none',
      SMTP_URL: sink.url,
      MAIL_POLL_INTERVAL_MS: '100',
      FRONTEND_BASE_URL: FRONTEND,
      LOGIN_THROTTLE_ACCOUNT_IP_FREE: '2',
      LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600',
      MFA_MAX_FAILURES: '2',
    });
    admin = await staffMember(t, { superuser: true });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  describe('GET /api/admin/users/', () => {
    // A tag no other test's accounts carry, so counts are exact on a shared PostgreSQL database.
    const tag = `zq${randomUUID().slice(0, 8)}`;
    let people: SignedUp[];
    let phone: string;
    beforeAll(async () => {
      phone = uniquePhone();
      people = [];
      for (const [index, name] of ['Anna', 'Bert', 'Cleo', 'Dora', 'Emil'].entries()) {
        people.push(await signup(t.http, { email: `${tag}.${name.toLowerCase()}@example.com`, first_name: name, last_name: `${tag}son`, ...(index === 2 ? { phone } : {}) }));
      }
      await t.db.query('UPDATE users SET is_active = false WHERE id = $1', [people[4].userId]);
    });

    it('pages DRF-style, with next and previous links that keep the query (relative without PUBLIC_URL)', async () => {
      const first = await as('get', `/api/admin/users/?search=${tag}&ordering=email&page_size=2`);
      expect(first.status).toBe(200);
      expect(first.body.count).toBe(5);
      expect(first.body.previous).toBeNull();
      expect(first.body.results.map((user: any) => user.first_name)).toEqual(['Anna', 'Bert']);
      expect(first.body.next).toMatch(/^\/api\/admin\/users\/\?/);
      const next = new URL(first.body.next, 'http://relative.invalid');
      expect(next.pathname).toBe('/api/admin/users/');
      expect(Object.fromEntries(next.searchParams)).toEqual({ search: tag, ordering: 'email', page_size: '2', page: '2' });

      const second = await as('get', next.pathname + next.search);
      expect(second.body.results.map((user: any) => user.first_name)).toEqual(['Cleo', 'Dora']);
      expect(second.body.previous).toBe(`/api/admin/users/?search=${tag}&ordering=email&page_size=2`);
      const third = await as('get', second.body.next);
      expect(third.body.results.map((user: any) => user.first_name)).toEqual(['Emil']);
      expect(third.body.next).toBeNull();

      const past = await as('get', `/api/admin/users/?search=${tag}&page_size=2&page=4`);
      expect([past.status, past.body]).toEqual([404, { detail: 'Invalid page.', code: 'not_found' }]);
      for (const page of ['0', '-1', 'abc']) expect((await as('get', `/api/admin/users/?page=${page}`)).status).toBe(404);
      // DRF: an unusable page_size falls back to the default; a large one is cut to the maximum.
      expect((await as('get', `/api/admin/users/?search=${tag}&page_size=abc`)).body.results).toHaveLength(5);
      expect((await as('get', '/api/admin/users/?page_size=100000')).status).toBe(200);
    });

    it('searches a prefix of the address, either name, the full name or the phone number, in any case', async () => {
      const names = async (search: string) => (await as('get', `/api/admin/users/?search=${encodeURIComponent(search)}&ordering=email`)).body.results.map((user: any) => user.first_name);
      expect(await names(`${tag.toUpperCase()}.AN`)).toEqual(['Anna']);
      expect(await names(`cle`)).toContain('Cleo');
      expect(await names(`CLEO ${tag}`)).toEqual(['Cleo']);
      expect(await names(`${tag}SON`)).toEqual(['Anna', 'Bert', 'Cleo', 'Dora', 'Emil']);
      expect(await names(phone.slice(0, 9))).toContain('Cleo');
      // Written the way people write numbers: read as the phone field reads it.
      expect(await names(`${phone.slice(0, 2)} (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`)).toEqual(['Cleo']);
      // LIKE's wildcards are plain characters here, not patterns.
      expect(await names(`${tag}%`)).toEqual([]);
      expect(await names(`${tag.slice(0, 3)}_`)).toEqual([]);
      // Not a substring search: the middle of an address finds nothing.
      expect(await names(tag.slice(2))).toEqual([]);
    });

    it('filters by is_active, is_staff and email_verified, and orders stably in either direction', async () => {
      const inactive = await as('get', `/api/admin/users/?search=${tag}&is_active=false`);
      expect(inactive.body.results.map((user: any) => user.first_name)).toEqual(['Emil']);
      expect((await as('get', `/api/admin/users/?search=${tag}&is_active=1&is_staff=false&email_verified=false`)).body.count).toBe(4);
      const newest = await as('get', `/api/admin/users/?search=${tag}`);
      expect(newest.body.results.map((user: any) => user.first_name)).toEqual(['Emil', 'Dora', 'Cleo', 'Bert', 'Anna']);
      const byEmailDown = await as('get', `/api/admin/users/?search=${tag}&ordering=-email`);
      expect(byEmailDown.body.results.map((user: any) => user.first_name)).toEqual(['Emil', 'Dora', 'Cleo', 'Bert', 'Anna']);
      // All five signed in at signup; take one's last_login away: it sorts last both ways.
      await t.db.query('UPDATE users SET last_login = NULL WHERE id = $1', [people[0].userId]);
      for (const ordering of ['last_login', '-last_login']) {
        const names = (await as('get', `/api/admin/users/?search=${tag}&ordering=${ordering}`)).body.results.map((user: any) => user.first_name);
        expect(names.at(-1)).toBe('Anna');
      }
    });

    it('answers bad filters and orderings with 400 naming the field', async () => {
      const bad = await as('get', '/api/admin/users/?is_active=maybe&ordering=password_hash');
      expect(bad.status).toBe(400);
      expect(bad.body.is_active).toEqual(['Must be a valid boolean.']);
      expect(bad.body.ordering[0]).toMatch(/^Unknown ordering; use one of: email, -email, date_joined/);
    });

    it('never shows a password hash or a secret', async () => {
      const listed = await as('get', `/api/admin/users/?search=${tag}`);
      expect(JSON.stringify(listed.body)).not.toMatch(/argon2|password_hash|\$argon/);
    });
  });

  describe('GET /api/admin/users/{id}/', () => {
    it('shows the account with its live sessions, providers, MFA state and last events', async () => {
      const user = await signup(t.http);
      await t.http.post('/api/login/').send({ email: user.email, password: 'wrong-password-123' });
      const detail = await as('get', `/api/admin/users/${user.userId}/`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: user.userId, email: user.email, is_active: true, is_staff: false, is_superuser: false, mfa: { enabled: false, recovery_codes_left: 0 }, social_accounts: [] });
      expect(detail.body.sessions).toHaveLength(1);
      expect(detail.body.sessions[0]).toMatchObject({ ip: expect.any(String), second_factor: false });
      expect(detail.body.events.map((event: any) => event.event)).toEqual(['login_failed', 'signup']);
    });

    it('answers an unknown id, and a malformed one, with 404', async () => {
      expect((await as('get', `/api/admin/users/${randomUUID()}/`)).body).toEqual({ detail: 'Not found.', code: 'not_found' });
      expect((await as('get', '/api/admin/users/not-a-uuid/')).status).toBe(404);
    });
  });

  describe('PATCH /api/admin/users/{id}/', () => {
    it('changes the profile and flags, and records who changed what', async () => {
      const user = await signup(t.http);
      const phone = uniquePhone();
      const changed = await as('patch', `/api/admin/users/${user.userId}/`).send({ first_name: 'Ada', last_name: 'Lovelace', phone, email_verified: true, email: 'x@example.com', password_hash: 'x' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', phone, email_verified: true, email: user.email });
      const events = await as('get', `/api/admin/events/?user=${user.userId}&type=admin_user_changed`);
      expect(events.body.results).toHaveLength(1);
      expect(events.body.results[0]).toMatchObject({
        actor: admin.userId,
        user: user.userId,
        details: { first_name: ['Test', 'Ada'], last_name: ['User', 'Lovelace'], phone: [null, phone], email_verified: [false, true] },
      });
      const taken = await as('patch', `/api/admin/users/${admin.userId}/`).send({ phone });
      expect([taken.status, taken.body]).toEqual([400, { phone: ['A user with this phone already exists.'] }]);
      expect((await as('patch', `/api/admin/users/${user.userId}/`).send({ is_active: 'no' })).body).toEqual({ is_active: ['Must be a valid boolean.'] });
    });

    it('deactivating refuses the account\'s tokens at once and ends its sessions for good', async () => {
      const user = await signup(t.http);
      expect((await t.http.get('/api/me/').set(...bearer(user.access))).status).toBe(200);
      expect((await as('patch', `/api/admin/users/${user.userId}/`).send({ is_active: false })).status).toBe(200);
      expect((await t.http.get('/api/me/').set(...bearer(user.access))).status).toBe(401);
      expect((await t.http.post('/api/token/refresh/').send({ refresh: user.refresh })).status).toBe(401);
      const login = await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD });
      expect(login.status).toBe(403);
      // Activated again, the old sessions stay ended: a new sign-in is needed.
      expect((await as('patch', `/api/admin/users/${user.userId}/`).send({ is_active: true })).status).toBe(200);
      expect((await t.http.get('/api/me/').set(...bearer(user.access))).status).toBe(401);
      expect((await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).status).toBe(200);
      const [event] = (await as('get', `/api/admin/events/?user=${user.userId}&type=admin_user_changed`)).body.results.slice(-1);
      expect(event.details).toEqual({ is_active: [true, false], sessions_ended: 1 });
    });

    it('answers 404 for an unknown account', async () => {
      expect((await as('patch', `/api/admin/users/${randomUUID()}/`).send({ first_name: 'X' })).status).toBe(404);
    });
  });

  it('DELETE removes the account and keeps the deletion on record', async () => {
    const user = await signup(t.http);
    const deleted = await as('delete', `/api/admin/users/${user.userId}/`);
    expect(deleted.status).toBe(204);
    expect(await t.db.query('SELECT 1 FROM users WHERE id = $1', [user.userId])).toHaveLength(0);
    expect((await t.http.get('/api/me/').set(...bearer(user.access))).status).toBe(401);
    const events = await as('get', `/api/admin/events/?user=${user.userId}`);
    expect(events.body.results.map((event: any) => [event.event, event.actor, event.details])).toEqual([['admin_user_deleted', admin.userId, { email: user.email }]]);
    expect((await as('delete', `/api/admin/users/${user.userId}/`)).status).toBe(404);
  });

  it('POST logout/ ends every session of the account', async () => {
    const user = await signup(t.http);
    const other = await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD });
    const ended = await as('post', `/api/admin/users/${user.userId}/logout/`);
    expect([ended.status, ended.body]).toEqual([200, { detail: 'Every session of the account has ended.', sessions_ended: 2 }]);
    for (const access of [user.access, other.body.access]) expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(401);
    expect((await t.http.post('/api/token/refresh/').send({ refresh: other.body.refresh })).status).toBe(401);
    const [event] = (await as('get', `/api/admin/events/?user=${user.userId}&type=admin_sessions_ended`)).body.results;
    expect(event).toMatchObject({ actor: admin.userId, details: { sessions_ended: 2 } });
  });

  it('POST unlock/ lets a throttled account sign in again, password and second factor alike', async () => {
    const user = await signup(t.http);
    // Two free wrong passwords, a third through the (1 s) gate, then the gate is shut.
    for (let attempt = 0; attempt < 3; attempt++) await t.http.post('/api/login/').send({ email: user.email, password: 'wrong-password-123' });
    const locked = await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD });
    expect(locked.status).toBe(429);

    const unlocked = await as('post', `/api/admin/users/${user.userId}/unlock/`);
    expect([unlocked.status, unlocked.body]).toEqual([200, { detail: 'The account can sign in again.' }]);
    expect((await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).status).toBe(200);

    // MFA_MAX_FAILURES=2 wrong codes, then 429 even for a right one, until unlocked.
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(user.access));
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(user.access)).send({ code: totp.generate() });
    const ticket = (await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).body.mfa_token;
    for (let attempt = 0; attempt < 2; attempt++) await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: '000000' });
    const next = totp.generate({ timestamp: Date.now() + 30_000 });
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: next })).status).toBe(429);
    await as('post', `/api/admin/users/${user.userId}/unlock/`);
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: next })).status).toBe(200);
    expect((await as('get', `/api/admin/events/?user=${user.userId}&type=admin_throttles_cleared`)).body.count).toBe(2);
  });

  it('POST password-reset/ sends the reset mail, whose link sets a new password', async () => {
    const user = await signup(t.http);
    const sent = await as('post', `/api/admin/users/${user.userId}/password-reset/`);
    expect([sent.status, sent.body]).toEqual([200, { detail: 'Password reset e-mail has been sent.' }]);
    const mail = await sink.waitFor(user.email, /Reset your password/);
    const link = linkIn(mail, FRONTEND);
    const confirmed = await t.http.post('/api/auth/password/reset/confirm/').send({ uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: 'a-brand-new-passphrase-9', new_password2: 'a-brand-new-passphrase-9' });
    expect(confirmed.status).toBe(200);
    expect((await t.http.post('/api/login/').send({ email: user.email, password: 'a-brand-new-passphrase-9' })).status).toBe(200);

    const inactive = await signup(t.http);
    await as('patch', `/api/admin/users/${inactive.userId}/`).send({ is_active: false });
    const refused = await as('post', `/api/admin/users/${inactive.userId}/password-reset/`);
    expect([refused.status, refused.body]).toEqual([400, { non_field_errors: ['The account is disabled: activate it before sending a reset.'] }]);
  });

  it('POST mfa/reset/ turns MFA off and tells the user by mail', async () => {
    const user = await signup(t.http);
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(user.access));
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(user.access)).send({ code: totp.generate() });
    expect((await as('get', `/api/admin/users/${user.userId}/`)).body.mfa).toEqual({ enabled: true, recovery_codes_left: 10 });

    const reset = await as('post', `/api/admin/users/${user.userId}/mfa/reset/`);
    expect([reset.status, reset.body]).toEqual([200, { detail: 'MFA is off for this account.' }]);
    const login = await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD });
    expect(login.body).toHaveProperty('access');
    expect(await t.db.query('SELECT 1 FROM mfa_totp WHERE user_id = $1 UNION ALL SELECT 1 FROM mfa_recovery_codes WHERE user_id = $1', [user.userId])).toHaveLength(0);
    const mail = await sink.waitFor(user.email, /Two-step verification was turned off/);
    expect(mail.text).toContain('An administrator turned off two-step verification');

    const again = await as('post', `/api/admin/users/${user.userId}/mfa/reset/`);
    expect([again.status, again.body]).toEqual([400, { non_field_errors: ['MFA is not enabled.'] }]);
  });
});

describe('admin API: page links with PUBLIC_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', PUBLIC_URL: 'https://auth.example.test/' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('are absolute on the public URL, whatever Host the request names', async () => {
    const admin = await staffMember(t, { superuser: true });
    await signup(t.http);
    const listed = await t.http.get('/api/admin/users/?page_size=1&page=2').set(...bearer(admin.access)).set('Host', 'evil.example');
    expect(listed.body.previous).toBe('https://auth.example.test/api/admin/users/?page_size=1');
    expect(listed.body.next === null || listed.body.next.startsWith('https://auth.example.test/api/admin/users/?page_size=1&page=3')).toBe(true);
  });
});

describe('admin API: the audit log', () => {
  let t: TestApp;
  let admin: SignedUp;
  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
    admin = await staffMember(t, { superuser: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('filters by user, type and time, newest first, paginated', async () => {
    const user = await signup(t.http, { email: uniqueEmail('audited') });
    const before = new Date().toISOString();
    await t.http.post('/api/login/').send({ email: user.email, password: 'wrong-password-123' });
    await t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(admin.access)).send({ first_name: 'Audited' });
    const all = await t.http.get(`/api/admin/events/?user=${user.userId}`).set(...bearer(admin.access));
    expect(all.body.results.map((event: any) => event.event)).toEqual(['admin_user_changed', 'login_failed', 'signup']);
    const since = await t.http.get(`/api/admin/events/?user=${user.userId}&since=${encodeURIComponent(before)}`).set(...bearer(admin.access));
    expect(since.body.results.map((event: any) => event.event)).toEqual(['admin_user_changed', 'login_failed']);
    const until = await t.http.get(`/api/admin/events/?user=${user.userId}&until=${encodeURIComponent(before)}`).set(...bearer(admin.access));
    expect(until.body.results.map((event: any) => event.event)).toEqual(['signup']);
    const typed = await t.http.get(`/api/admin/events/?user=${user.userId}&type=login_failed`).set(...bearer(admin.access));
    expect(typed.body.count).toBe(1);
    const paged = await t.http.get(`/api/admin/events/?user=${user.userId}&page_size=2&page=2`).set(...bearer(admin.access));
    expect(paged.body).toMatchObject({ count: 3, next: null, results: [{ event: 'signup' }] });
    // The admin's own actions are found under the admin too.
    const byAdmin = await t.http.get(`/api/admin/events/?user=${admin.userId}&type=admin_user_changed`).set(...bearer(admin.access));
    expect(byAdmin.body.results.some((event: any) => event.user === user.userId)).toBe(true);
  });

  it('answers bad filters with 400 naming the field', async () => {
    const bad = await t.http.get('/api/admin/events/?user=nope&type=everything&since=yesterday').set(...bearer(admin.access));
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ user: ['Must be a valid UUID.'], type: ['Unknown event type.'], since: ['Enter a valid date/time: a date (2026-11-29) or a date-time with its offset (2026-11-29T12:00:00Z).'] });
  });
});
