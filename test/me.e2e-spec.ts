import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, signup, uniquePhone } from './factories/users.js';

describe('/api/me/', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('returns the signed-in user without secrets', async () => {
    const { access, email, userId } = await signup(t.http);
    const response = await t.http.get('/api/me').set(...bearer(access));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: userId, email, first_name: 'Test', last_name: 'User', has_password: true });
    expect(JSON.stringify(response.body)).not.toMatch(/argon2|password_hash|is_staff/);
  });

  it('replaces the profile with PUT and needs every field', async () => {
    const { access } = await signup(t.http);
    const partial = await t.http.put('/api/me/').set(...bearer(access)).send({ first_name: 'Only' });
    expect(partial.status).toBe(400);
    expect(partial.body).toEqual({ last_name: ['This field is required.'], phone: ['This field is required.'] });
    const phone = uniquePhone();
    const spaced = `${phone.slice(0, 2)} ${phone.slice(2, 5)} ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const response = await t.http.put('/api/me/').set(...bearer(access)).send({ first_name: 'Ada', last_name: 'Lovelace', phone: spaced });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', phone });
    expect((await t.http.get('/api/me/').set(...bearer(access))).body.phone).toBe(phone);
  });

  it('updates only the sent fields with PATCH and clears the phone with null', async () => {
    const { access } = await signup(t.http, { phone: uniquePhone() });
    const response = await t.http.patch('/api/me/').set(...bearer(access)).send({ last_name: 'Hopper' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ first_name: 'Test', last_name: 'Hopper' });
    expect(response.body.phone).not.toBeNull();
    const cleared = await t.http.patch('/api/me/').set(...bearer(access)).send({ phone: null });
    expect(cleared.body.phone).toBeNull();
  });

  it('never writes email, is_staff, email_verified, id or __proto__ sent to PATCH', async () => {
    const { access, email, userId } = await signup(t.http);
    const response = await t.http
      .patch('/api/me/')
      .set(...bearer(access))
      .send({ first_name: 'Eve', email: 'admin@example.com', is_staff: true, is_active: false, email_verified: true, mfa_enabled: true, id: '00000000-0000-4000-8000-000000000001', has_password: false });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: userId, email, first_name: 'Eve', email_verified: false, has_password: true });
    const [row] = await t.db.query('SELECT email, is_staff, is_active, email_verified, mfa_enabled FROM users WHERE id = $1', [userId]);
    expect(row).toEqual({ email, is_staff: false, is_active: true, email_verified: false, mfa_enabled: false });
    const proto = await t.http.patch('/api/me/').set(...bearer(access)).set('Content-Type', 'application/json').send('{"__proto__": {"is_staff": true}}');
    expect(proto.status).toBe(400);
  });

  it('refuses a phone number that another user has, and one that is not a number', async () => {
    const phone = uniquePhone();
    await signup(t.http, { phone });
    const { access } = await signup(t.http);
    const taken = await t.http.patch('/api/me/').set(...bearer(access)).send({ phone });
    expect(taken.status).toBe(400);
    expect(taken.body).toEqual({ phone: ['A user with this phone already exists.'] });
    const invalid = await t.http.patch('/api/me/').set(...bearer(access)).send({ phone: 'ring ring' });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body)).toEqual(['phone']);
  });

  it('refuses names that are not strings or too long', async () => {
    const { access } = await signup(t.http);
    const response = await t.http.patch('/api/me/').set(...bearer(access)).send({ first_name: { $gt: '' }, last_name: 'x'.repeat(151) });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ first_name: ['Not a valid string.'], last_name: ['Ensure this field has no more than 150 characters.'] });
  });
});
