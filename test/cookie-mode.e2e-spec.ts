import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { PASSWORD, uniqueEmail } from './factories/users.js';
import { loadCookieConfig } from '../src/config/cookie.config.js';

type Jar = Record<string, { value: string; attributes: string }>;

function cookiesOf(response: { headers: Record<string, unknown> }): Jar {
  const jar: Jar = {};
  for (const line of (response.headers['set-cookie'] as string[] | undefined) ?? []) {
    const [pair, ...attributes] = line.split(';');
    const [name, ...value] = pair.split('=');
    jar[name.trim()] = { value: value.join('='), attributes: attributes.join(';').trim() };
  }
  return jar;
}

const header = (jar: Jar) => Object.entries(jar).map(([name, { value }]) => `${name}=${value}`).join('; ');

describe('cookie mode (AUTH_COOKIE=true)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ AUTH_COOKIE: 'true', ACCOUNT_EMAIL_VERIFICATION: 'none', CORS_ORIGINS: 'https://app.example.test' });
  });
  afterAll(() => t.close());

  async function cookieLogin(): Promise<{ jar: Jar; email: string }> {
    const email = uniqueEmail();
    await t.http.post('/api/signup/').send({ email, password: PASSWORD, password_confirm: PASSWORD });
    const response = await t.http.post('/api/login/').send({ email, password: PASSWORD });
    expect(response.status).toBe(200);
    return { jar: cookiesOf(response), email };
  }

  it('sets HttpOnly, Secure, SameSite cookies and puts no token in the body', async () => {
    const email = uniqueEmail();
    await t.http.post('/api/signup/').send({ email, password: PASSWORD, password_confirm: PASSWORD });
    const response = await t.http.post('/api/login/').send({ email, password: PASSWORD });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.access).toBeUndefined();
    expect(response.body.refresh).toBeUndefined();
    expect(response.body).toMatchObject({ user: { email }, access_expiration: expect.any(String), refresh_expiration: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/eyJ/);
    const jar = cookiesOf(response);
    expect(jar.access_token.attributes).toMatch(/HttpOnly/);
    expect(jar.access_token.attributes).toMatch(/Secure/);
    expect(jar.access_token.attributes).toMatch(/SameSite=Lax/);
    expect(jar.access_token.attributes).toMatch(/Path=\//);
    expect(jar.refresh_token.attributes).toMatch(/HttpOnly/);
    expect(jar.refresh_token.attributes).toMatch(/Secure/);
    expect(jar.refresh_token.attributes).toMatch(/SameSite=Lax/);
    expect(jar.refresh_token.attributes).toMatch(/Path=\/api\/token\/refresh/);
    expect(jar.csrftoken.attributes).not.toMatch(/HttpOnly/);
    expect(jar.csrftoken.value.length).toBeGreaterThanOrEqual(40);
  });

  it('authenticates safe requests by cookie, and refuses unsafe ones without the matching CSRF header', async () => {
    const { jar } = await cookieLogin();
    expect((await t.http.get('/api/me/').set('Cookie', header(jar))).status).toBe(200);
    const missing = await t.http.patch('/api/me/').set('Cookie', header(jar)).send({ first_name: 'Mallory' });
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({ detail: 'CSRF Failed: CSRF token missing or incorrect.', code: 'csrf_failed' });
    const wrong = await t.http.patch('/api/me/').set('Cookie', header(jar)).set('X-CSRFToken', 'guess').send({ first_name: 'Mallory' });
    expect(wrong.status).toBe(403);
    const right = await t.http.patch('/api/me/').set('Cookie', header(jar)).set('X-CSRFToken', jar.csrftoken.value).send({ first_name: 'Alice' });
    expect(right.status).toBe(200);
    expect(right.body.first_name).toBe('Alice');
  });

  it('keeps bearer tokens working alongside, without CSRF, and the header wins over the cookie', async () => {
    const alice = await cookieLogin();
    const bob = await cookieLogin();
    const bobToken = bob.jar.access_token.value;
    const response = await t.http.patch('/api/me/').set('Authorization', `Bearer ${bobToken}`).set('Cookie', header(alice.jar)).send({ last_name: 'Bearer' });
    expect(response.status).toBe(200);
    expect(response.body.email).toBe(bob.email);
  });

  it('refreshes from the refresh cookie with the CSRF header, and spends it', async () => {
    const { jar } = await cookieLogin();
    const noCsrf = await t.http.post('/api/token/refresh/').set('Cookie', header(jar));
    expect(noCsrf.status).toBe(403);
    const refreshed = await t.http.post('/api/token/refresh/').set('Cookie', header(jar)).set('X-CSRFToken', jar.csrftoken.value);
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers['cache-control']).toBe('no-store');
    expect(refreshed.body.access).toBeUndefined();
    expect(JSON.stringify(refreshed.body)).not.toMatch(/eyJ/);
    const next = cookiesOf(refreshed);
    expect(next.refresh_token.value).not.toBe(jar.refresh_token.value);
    // Once its successor has been used, the spent cookie is refused.
    expect((await t.http.post('/api/token/refresh/').set('Cookie', header(next)).set('X-CSRFToken', next.csrftoken.value)).status).toBe(200);
    const replay = await t.http.post('/api/token/refresh/').set('Cookie', header(jar)).set('X-CSRFToken', jar.csrftoken.value);
    expect(replay.status).toBe(401);
  });

  it('logs out by cookie with CSRF, clears the cookies and rejects the old access cookie', async () => {
    const { jar } = await cookieLogin();
    expect((await t.http.post('/api/auth/logout/').set('Cookie', header(jar))).status).toBe(403);
    const out = await t.http.post('/api/auth/logout/').set('Cookie', header(jar)).set('X-CSRFToken', jar.csrftoken.value);
    expect(out.status).toBe(200);
    const cleared = cookiesOf(out);
    expect(cleared.access_token.value).toBe('');
    expect(cleared.access_token.attributes).toMatch(/Expires=Thu, 01 Jan 1970|Max-Age=0/);
    expect((await t.http.get('/api/me/').set('Cookie', header(jar))).status).toBe(401);
  });

  it('answers CORS preflights for the configured origin only, with credentials', async () => {
    const allowed = await t.http.options('/api/login/').set('Origin', 'https://app.example.test').set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const other = await t.http.options('/api/login/').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends security headers', async () => {
    const response = await t.http.get('/api/me/');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBeDefined();
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('validates its settings', () => {
    expect(() => loadCookieConfig({ AUTH_COOKIE_SAMESITE: 'none', AUTH_COOKIE_SECURE: 'false' })).toThrow(/AUTH_COOKIE_SAMESITE/);
    expect(() => loadCookieConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadCookieConfig({ CORS_ORIGINS: 'https://app.example.test/path' })).toThrow(/CORS_ORIGINS/);
  });
});
