import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { startApp, type TestApp } from './setup/test-app.js';
import { staffMember } from './factories/staff.js';
import { bearer, PASSWORD, signup } from './factories/users.js';

const DENIED = { detail: 'You do not have permission to perform this action.', code: 'permission_denied' };
const MFA_REQUIRED = { detail: 'The admin API requires two-factor authentication: turn on MFA and sign in again with your code.', code: 'admin_mfa_required' };
const LAST = { non_field_errors: ['This is the last active superuser: it cannot be deactivated, demoted or deleted. Make another account a superuser first.'] };

/** Every operation of the admin API in the OpenAPI document, with a real id in place of {id}. */
async function adminOperations(t: TestApp, id: string): Promise<[string, string][]> {
  const doc = (await t.http.get('/api/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/admin/'))
    .flatMap(([path, methods]) => Object.keys(methods).map((method): [string, string] => [method, path.replace('{id}', id)]));
  return operations;
}

describe('admin roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses every admin operation to anonymous callers (401) and to users who are not staff (403)', async () => {
    const user = await signup(t.http);
    const target = await signup(t.http);
    const operations = await adminOperations(t, target.userId);
    expect(operations.length).toBeGreaterThanOrEqual(9);
    for (const [method, path] of operations) {
      const anonymous = await (t.http as any)[method](path);
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
      const plain = await (t.http as any)[method](path).set(...bearer(user.access)).send({});
      expect([method, path, plain.status, plain.body]).toEqual([method, path, 403, DENIED]);
    }
    // Nothing was done to the target by any of those calls.
    const [row] = await t.db.query('SELECT is_active, is_staff FROM users WHERE id = $1', [target.userId]);
    expect(row).toEqual({ is_active: true, is_staff: false });
  });

  it('reads the roles from the database on every request: a demoted admin loses access with the same token', async () => {
    const admin = await staffMember(t);
    expect((await t.http.get('/api/admin/users/').set(...bearer(admin.access))).status).toBe(200);
    await t.db.query('UPDATE users SET is_staff = false WHERE id = $1', [admin.userId]);
    const after = await t.http.get('/api/admin/users/').set(...bearer(admin.access));
    expect(after.status).toBe(403);
    expect(after.body).toEqual(DENIED);
  });

  it('a role claim in the token counts for nothing', async () => {
    const user = await signup(t.http);
    const payload = JSON.parse(Buffer.from(user.access.split('.')[1], 'base64url').toString());
    expect(payload).not.toHaveProperty('is_staff');
    // A token with an extra claim but a wrong signature is not a token at all.
    const forged = [user.access.split('.')[0], Buffer.from(JSON.stringify({ ...payload, is_staff: true })).toString('base64url'), user.access.split('.')[2]].join('.');
    expect((await t.http.get('/api/admin/users/').set(...bearer(forged))).status).toBe(401);
  });

  it('lets staff change ordinary accounts and themselves, but not other staff nor anyone\'s roles', async () => {
    const staff = await staffMember(t);
    const other = await staffMember(t);
    const user = await signup(t.http);
    expect((await t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(staff.access)).send({ first_name: 'Renamed' })).status).toBe(200);
    expect((await t.http.patch(`/api/admin/users/${staff.userId}/`).set(...bearer(staff.access)).send({ first_name: 'Me' })).status).toBe(200);

    for (const [method, path, body] of [
      ['patch', `/api/admin/users/${other.userId}/`, { first_name: 'X' }],
      ['post', `/api/admin/users/${other.userId}/logout/`, {}],
      ['post', `/api/admin/users/${other.userId}/unlock/`, {}],
      ['post', `/api/admin/users/${other.userId}/password-reset/`, {}],
      ['delete', `/api/admin/users/${other.userId}/`, {}],
    ] as const) {
      const refused = await (t.http as any)[method](path).set(...bearer(staff.access)).send(body);
      expect([path, refused.status, refused.body.code]).toEqual([path, 403, 'permission_denied']);
    }
    for (const body of [{ is_staff: true }, { is_superuser: true }, { is_staff: false }]) {
      const refused = await t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(staff.access)).send(body);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toBe('Only a superuser may grant or remove staff and superuser rights.');
    }
    // The other staff member is untouched and still signed in.
    expect((await t.http.get('/api/admin/users/').set(...bearer(other.access))).status).toBe(200);
    const [row] = await t.db.query('SELECT first_name, is_staff FROM users WHERE id = $1', [user.userId]);
    expect(row).toEqual({ first_name: 'Renamed', is_staff: false });
  });

  it('lets a superuser grant and remove staff and superuser rights; a superuser is always staff', async () => {
    const root = await staffMember(t, { superuser: true });
    const user = await signup(t.http);
    const lone = await t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(root.access)).send({ is_superuser: true });
    expect(lone.status).toBe(400);
    expect(lone.body).toEqual({ is_superuser: ['A superuser must also be staff.'] });
    const granted = await t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(root.access)).send({ is_staff: true, is_superuser: true });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ is_staff: true, is_superuser: true });
    expect((await t.http.get('/api/admin/users/').set(...bearer(user.access))).status).toBe(200);
    const dropStaff = await t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(root.access)).send({ is_staff: false });
    expect(dropStaff.status).toBe(400);
    expect(dropStaff.body).toEqual({ is_staff: ['A superuser must also be staff.'] });
    const demoted = await t.http.patch(`/api/admin/users/${user.userId}/`).set(...bearer(root.access)).send({ is_staff: false, is_superuser: false });
    expect(demoted.status).toBe(200);
    expect((await t.http.get('/api/admin/users/').set(...bearer(user.access))).status).toBe(403);

    const events = await t.http.get(`/api/admin/events/?user=${user.userId}&type=admin_user_changed`).set(...bearer(root.access));
    expect(events.body.results.map((event: any) => event.details)).toEqual([
      { is_staff: [true, false], is_superuser: [true, false] },
      { is_staff: [false, true], is_superuser: [false, true] },
    ]);
    expect(events.body.results.every((event: any) => event.actor === root.userId && event.user === user.userId)).toBe(true);
  });
});

describe('the last active superuser', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Its own database: the rule counts every superuser there is.
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('cannot be deactivated, demoted or deleted, through the admin API or DELETE /api/me/', async () => {
    // The rule counts every superuser in the database (on PostgreSQL, earlier tests' too).
    await t.db.query('UPDATE users SET is_superuser = false WHERE is_superuser');
    const root = await staffMember(t, { superuser: true });
    for (const body of [{ is_active: false }, { is_superuser: false }, { is_staff: false, is_superuser: false }]) {
      const refused = await t.http.patch(`/api/admin/users/${root.userId}/`).set(...bearer(root.access)).send(body);
      expect([body, refused.status, refused.body]).toEqual([body, 400, LAST]);
    }
    const deleted = await t.http.delete(`/api/admin/users/${root.userId}/`).set(...bearer(root.access));
    expect([deleted.status, deleted.body]).toEqual([400, LAST]);
    const self = await t.http.delete('/api/me/').set(...bearer(root.access)).send({ password: PASSWORD });
    expect([self.status, self.body]).toEqual([400, LAST]);
    // Nothing half-done: the account, its rights and its session are all still there.
    const [row] = await t.db.query('SELECT is_active, is_staff, is_superuser FROM users WHERE id = $1', [root.userId]);
    expect(row).toEqual({ is_active: true, is_staff: true, is_superuser: true });
    expect((await t.http.get('/api/admin/users/').set(...bearer(root.access))).status).toBe(200);

    // With a second superuser, the first may step down.
    const second = await staffMember(t, { superuser: true });
    expect((await t.http.patch(`/api/admin/users/${root.userId}/`).set(...bearer(second.access)).send({ is_superuser: false })).status).toBe(200);
    const now = await t.http.patch(`/api/admin/users/${second.userId}/`).set(...bearer(second.access)).send({ is_active: false });
    expect([now.status, now.body]).toEqual([400, LAST]);
  });

  it('survives two superusers demoting each other at the same moment: exactly one succeeds', async () => {
    // Whichever commits second finds itself either the last superuser (400) or no longer one (403).
    await t.db.query('UPDATE users SET is_superuser = false WHERE is_superuser');
    const a = await staffMember(t, { superuser: true });
    const b = await staffMember(t, { superuser: true });
    const [byA, byB] = await Promise.all([
      t.http.patch(`/api/admin/users/${b.userId}/`).set(...bearer(a.access)).send({ is_superuser: false }),
      t.http.patch(`/api/admin/users/${a.userId}/`).set(...bearer(b.access)).send({ is_superuser: false }),
    ]);
    const statuses = [byA.status, byB.status];
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 400 || status === 403)).toHaveLength(1);
    const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM users WHERE is_superuser AND is_active');
    expect(count).toBe(1);
  });
});

describe('ADMIN_REQUIRE_MFA', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', ADMIN_REQUIRE_MFA: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses staff without MFA, and a session opened without the second factor, with admin_mfa_required', async () => {
    const staff = await staffMember(t);
    const without = await t.http.get('/api/admin/users/').set(...bearer(staff.access));
    expect([without.status, without.body]).toEqual([403, MFA_REQUIRED]);

    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(staff.access));
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(staff.access)).send({ code: totp.generate() })).status).toBe(200);
    // MFA is on now, but this session was opened with the password alone.
    const stale = await t.http.get('/api/admin/users/').set(...bearer(staff.access));
    expect([stale.status, stale.body]).toEqual([403, MFA_REQUIRED]);

    const first = await t.http.post('/api/login/').send({ email: staff.email, password: PASSWORD });
    expect(first.body.mfa_required).toBe(true);
    // The current step's code was spent by the confirmation; the next step's is within the accepted window.
    const code = totp.generate({ timestamp: Date.now() + 30_000 });
    const second = await t.http.post('/api/auth/login/mfa/').send({ mfa_token: first.body.mfa_token, code });
    expect(second.status).toBe(200);
    expect((await t.http.get('/api/admin/users/').set(...bearer(second.body.access))).status).toBe(200);
  });
});
