import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { PASSWORD, signup, uniqueEmail, uniquePhone } from './factories/users.js';

describe('POST /api/signup/', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const body = (email: string, password = PASSWORD, extra: Record<string, unknown> = {}) => ({ email, password, password_confirm: password, ...extra });

  it('creates the user and returns a token pair with the user object', async () => {
    const email = uniqueEmail();
    const response = await t.http.post('/api/signup/').send(body(email, PASSWORD, { first_name: 'John', last_name: 'Doe' }));
    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(typeof response.body.access).toBe('string');
    expect(typeof response.body.refresh).toBe('string');
    expect(response.body.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email,
      first_name: 'John',
      last_name: 'Doe',
      phone: null,
      email_verified: false,
      has_password: true,
      mfa_enabled: false,
      date_joined: expect.any(String),
      last_login: expect.any(String),
    });
  });

  it('works without the trailing slash too', async () => {
    const response = await t.http.post('/api/signup').send(body(uniqueEmail()));
    expect(response.status).toBe(201);
  });

  it('stores the email trimmed with the domain lowercased', async () => {
    const local = uniqueEmail().split('@')[0];
    const response = await t.http.post('/api/signup/').send(body(`  Mixed.${local}@EXAMPLE.Com `));
    expect(response.status).toBe(201);
    expect(response.body.user.email).toBe(`Mixed.${local}@example.com`);
  });

  it('refuses an existing email in any letter case', async () => {
    const { email } = await signup(t.http);
    const response = await t.http.post('/api/signup/').send(body(email.toUpperCase()));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ email: ['A user with this email already exists.'] });
  });

  it('refuses passwords that differ', async () => {
    const response = await t.http.post('/api/signup/').send({ email: uniqueEmail(), password: PASSWORD, password_confirm: `${PASSWORD}x` });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ password_confirm: ['Passwords do not match.'] });
  });

  it('refuses a password under 8 characters with the exact message', async () => {
    const response = await t.http.post('/api/signup/').send(body(uniqueEmail(), 'k9$Lm2q'));
    expect(response.status).toBe(400);
    expect(response.body.password).toContain('This password is too short. It must contain at least 8 characters.');
  });

  it('counts password length in code points, not UTF-16 units', async () => {
    const sevenEmoji = '🦊🐙🦉🐢🦀🐝🦔';
    const short = await t.http.post('/api/signup/').send(body(uniqueEmail(), sevenEmoji));
    expect(short.status).toBe(400);
    expect(short.body.password).toContain('This password is too short. It must contain at least 8 characters.');
    const enough = await t.http.post('/api/signup/').send(body(uniqueEmail(), `${sevenEmoji}🐳`));
    expect(enough.status).toBe(201);
  });

  it('accepts 128 characters and refuses 129', async () => {
    const long = 'quartz-meadow-'.repeat(10);
    expect((await t.http.post('/api/signup/').send(body(uniqueEmail(), long.slice(0, 128)))).status).toBe(201);
    const response = await t.http.post('/api/signup/').send(body(uniqueEmail(), long.slice(0, 129)));
    expect(response.status).toBe(400);
    expect(response.body.password).toEqual(['Ensure this field has no more than 128 characters.']);
  });

  it('never trims the password', async () => {
    const { email } = await signup(t.http, { password: `  ${PASSWORD}  ` });
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(401);
    expect((await t.http.post('/api/login/').send({ email, password: `  ${PASSWORD}  ` })).status).toBe(200);
  });

  it.each([
    ['a common password', 'password123', 'This password is too common.'],
    ['an all-numeric password', '80235417639', 'This password is entirely numeric.'],
  ])('refuses %s', async (_name, password, message) => {
    const response = await t.http.post('/api/signup/').send(body(uniqueEmail(), password));
    expect(response.status).toBe(400);
    expect(response.body.password).toContain(message);
  });

  it('refuses a password too similar to the email', async () => {
    const email = `margaretha.lindqvist.${Date.now()}@example.com`;
    const response = await t.http.post('/api/signup/').send(body(email, 'Margaretha-2024'));
    expect(response.status).toBe(400);
    expect(response.body.password).toContain('The password is too similar to the email.');
  });

  it('refuses a password too similar to the first name', async () => {
    const response = await t.http.post('/api/signup/').send(body(uniqueEmail(), 'Bartholomew1', { first_name: 'Bartholomew' }));
    expect(response.status).toBe(400);
    expect(response.body.password).toContain('The password is too similar to the first name.');
  });

  it('reports every invalid field at once', async () => {
    const { email } = await signup(t.http);
    const response = await t.http.post('/api/signup/').send({ email, password: 'short', password_confirm: 'other' });
    expect(response.status).toBe(400);
    expect(response.body.email).toEqual(['A user with this email already exists.']);
    expect(response.body.password).toContain('This password is too short. It must contain at least 8 characters.');
    expect(response.body.password_confirm).toEqual(['Passwords do not match.']);
  });

  it('requires email and password with field messages', async () => {
    const response = await t.http.post('/api/signup/').send({});
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      email: ['This field is required.'],
      password: ['This field is required.'],
      password_confirm: ['This field is required.'],
    });
  });

  it('refuses an invalid email address', async () => {
    const response = await t.http.post('/api/signup/').send(body('not-an-email'));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ email: ['Enter a valid email address.'] });
  });

  it('keeps phone numbers unique when set', async () => {
    const phone = uniquePhone();
    await signup(t.http, { phone });
    const response = await t.http.post('/api/signup/').send(body(uniqueEmail(), PASSWORD, { phone }));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ phone: ['A user with this phone already exists.'] });
    expect((await t.http.post('/api/signup/').send(body(uniqueEmail(), PASSWORD, { phone: 'call me' }))).status).toBe(400);
  });

  it('stores the password as argon2id at OWASP parameters, never in the response', async () => {
    const { userId } = await signup(t.http);
    const [row] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [userId]);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    const params = Object.fromEntries(row.password_hash.split('$')[3].split(',').map((pair: string) => pair.split('=')));
    expect(params).toEqual({ m: '19456', t: '2', p: '1' });
  });

  it('ignores privileged fields such as is_staff, email_verified and id', async () => {
    const forcedId = '00000000-0000-4000-8000-000000000001';
    const response = await t.http
      .post('/api/signup/')
      .send(body(uniqueEmail(), PASSWORD, { is_staff: true, is_active: false, email_verified: true, mfa_enabled: true, id: forcedId }));
    expect(response.status).toBe(201);
    expect(response.body.user.id).not.toBe(forcedId);
    expect(response.body.user.email_verified).toBe(false);
    const [row] = await t.db.query('SELECT is_staff, is_active, email_verified, mfa_enabled FROM users WHERE id = $1', [response.body.user.id]);
    expect(row).toEqual({ is_staff: false, is_active: true, email_verified: false, mfa_enabled: false });
  });

  it('refuses a __proto__ key outright', async () => {
    const raw = `{"email":"${uniqueEmail()}","password":"${PASSWORD}","password_confirm":"${PASSWORD}","__proto__":{"is_staff":true}}`;
    const response = await t.http.post('/api/signup/').set('Content-Type', 'application/json').send(raw);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('parse_error');
  });

  it.each([
    ['an operator object', { $ne: null }],
    ['an array', ['a', 'b']],
    ['a number', 12345678],
  ])('refuses %s as a credential with 400', async (_name, value) => {
    const response = await t.http.post('/api/signup/').send({ email: value, password: value, password_confirm: value });
    expect(response.status).toBe(400);
    expect(response.body.email).toEqual(['Not a valid string.']);
    expect(response.body.password).toEqual(['Not a valid string.']);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await t.http.post('/api/signup/').set('Content-Type', 'text/plain').send('email=a@b.c');
    expect(response.status).toBe(415);
    expect(response.body).toEqual({ detail: 'Unsupported media type in request. Use application/json.', code: 'unsupported_media_type' });
  });

  it('answers 413 for a 1 MB password before any hashing', async () => {
    const huge = 'a'.repeat(1024 * 1024);
    const started = Date.now();
    const response = await t.http.post('/api/signup/').send(body(uniqueEmail(), huge));
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ detail: 'Request body is too large.', code: 'payload_too_large' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers 400 without internals for malformed and deeply nested JSON', async () => {
    const malformed = await t.http.post('/api/signup/').set('Content-Type', 'application/json').send('{"email": "a@b.c",');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ detail: 'JSON parse error.', code: 'parse_error' });
    const nested = await t.http.post('/api/signup/').set('Content-Type', 'application/json').send('['.repeat(5000) + ']'.repeat(5000));
    expect(nested.status).toBe(400);
    expect(JSON.stringify(nested.body)).not.toMatch(/at |\.ts|\.js|stack/i);
  });

  it('refuses a JSON body that is not an object', async () => {
    const response = await t.http.post('/api/signup/').send([1, 2]);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });
});
