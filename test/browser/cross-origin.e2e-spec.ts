import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, type TestApp } from '../setup/test-app.js';
import { PASSWORD, uniqueEmail } from '../factories/users.js';

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

/**
 * The SPA: a page on its own origin whose script calls the API with fetch, as a frontend
 * would. Cookies are sent and received (credentials: 'include'); in cookie mode the CSRF
 * cookie, readable by script because both origins are on localhost, is echoed in the header.
 */
function spaPage(api: string): string {
  return `<!doctype html><meta charset="utf-8"><title>SPA</title><script>
const API = ${JSON.stringify(api)};
window.api = async (method, path, body, token) => {
  const headers = {};
  if (body !== null) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  const csrf = document.cookie.split('; ').find((cookie) => cookie.startsWith('csrftoken='));
  if (csrf && !['GET', 'HEAD', 'OPTIONS'].includes(method)) headers['X-CSRFToken'] = csrf.slice('csrftoken='.length);
  try {
    const response = await fetch(API + path, { method, headers, body: body === null ? undefined : JSON.stringify(body), credentials: 'include' });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, requestId: response.headers.get('x-request-id') };
  } catch (error) {
    return { status: 0, error: String(error) };
  }
};
</script>`;
}

interface Answer {
  status: number;
  body: any;
  requestId?: string | null;
  error?: string;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('a single-page app on another origin, in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Starts the SPA's server and the API (with the SPA's origin in `env`), opens the page. */
  async function open(env: (spaOrigin: string) => Record<string, string | undefined>): Promise<{ page: Page; call: (method: string, path: string, body?: unknown, token?: string) => Promise<Answer>; close: () => Promise<void> }> {
    let apiBase = '';
    const spa = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(spaPage(apiBase)));
    const spaOrigin = `http://localhost:${await listen(spa)}`;
    const t: TestApp = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none', ...env(spaOrigin) });
    await t.app.listen(0, '127.0.0.1');
    apiBase = `http://localhost:${(t.app.getHttpServer().address() as { port: number }).port}`;
    const page = await browser.newPage();
    await page.goto(`${spaOrigin}/`);
    const call = (method: string, path: string, body: unknown = null, token?: string) =>
      page.evaluate(([m, p, b, k]) => (globalThis as any).api(m, p, b, k), [method, path, body, token ?? null] as const) as Promise<Answer>;
    return {
      page,
      call,
      close: async () => {
        await page.close();
        await t.close();
        await new Promise((resolve) => spa.close(resolve));
      },
    };
  }

  it('uses every method in bearer mode, from the FRONTEND_BASE_URL origin allowed by default in development', async () => {
    // No CORS_ORIGINS: the development default (FRONTEND_BASE_URL's origin) is what lets the page in.
    const { call, close } = await open((origin) => ({ FRONTEND_BASE_URL: `${origin}/`, CORS_ORIGINS: undefined }));
    try {
      const email = uniqueEmail('spa');
      const signup = await call('POST', '/api/signup/', { email, password: PASSWORD, password_confirm: PASSWORD });
      expect([signup.status, signup.error]).toEqual([201, undefined]);
      const login = await call('POST', '/api/login/', { email, password: PASSWORD });
      expect(login.status).toBe(200);
      const { access, refresh } = login.body;

      const me = await call('GET', '/api/me/', null, access);
      expect([me.status, me.body.email]).toEqual([200, email]);
      expect(me.requestId).toBeTruthy();
      expect((await call('HEAD', '/api/me/', null, access)).status).toBe(200);
      const put = await call('PUT', '/api/me/', { first_name: 'Ada', last_name: 'Lovelace', phone: null }, access);
      expect([put.status, put.body.last_name]).toEqual([200, 'Lovelace']);
      const patch = await call('PATCH', '/api/me/', { first_name: 'Augusta' }, access);
      expect([patch.status, patch.body.first_name]).toEqual([200, 'Augusta']);
      expect((await call('OPTIONS', '/api/me/', null, access)).status).toBe(204);

      const sessions = await call('GET', '/api/auth/sessions/', null, access);
      expect([sessions.status, sessions.body.length]).toEqual([200, 2]);
      const other = sessions.body.find((session: { current: boolean }) => !session.current);
      expect((await call('DELETE', `/api/auth/sessions/${other.id}/`, null, access)).status).toBe(204);
      expect((await call('GET', '/api/auth/sessions/', null, access)).body).toHaveLength(1);

      const refreshed = await call('POST', '/api/token/refresh/', { refresh });
      expect(refreshed.status).toBe(200);
      const logout = await call('POST', '/api/auth/logout/', { refresh: refreshed.body.refresh }, refreshed.body.access);
      expect(logout.status).toBe(200);
      expect((await call('GET', '/api/me/', null, refreshed.body.access)).status).toBe(401);

      const again = await call('POST', '/api/login/', { email, password: PASSWORD });
      expect((await call('DELETE', '/api/me/', { password: PASSWORD }, again.body.access)).status).toBe(204);
      expect((await call('POST', '/api/login/', { email, password: PASSWORD })).status).toBe(401);
    } finally {
      await close();
    }
  });

  it('uses every method in cookie mode, with credentials and the CSRF header, from an origin in CORS_ORIGINS', async () => {
    const { page, call, close } = await open((origin) => ({ AUTH_COOKIE: 'true', CORS_ORIGINS: origin }));
    try {
      const email = uniqueEmail('spa-cookie');
      expect((await call('POST', '/api/signup/', { email, password: PASSWORD, password_confirm: PASSWORD })).status).toBe(201);
      const login = await call('POST', '/api/login/', { email, password: PASSWORD });
      expect(login.status).toBe(200);
      expect(login.body.access).toBeUndefined();
      const cookies = await page.context().cookies();
      expect(cookies.find((cookie) => cookie.name === 'access_token')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });

      const me = await call('GET', '/api/me/');
      expect([me.status, me.body.email]).toEqual([200, email]);
      expect(me.requestId).toBeTruthy();
      expect((await call('HEAD', '/api/me/')).status).toBe(200);
      const put = await call('PUT', '/api/me/', { first_name: 'Ada', last_name: 'Lovelace', phone: null });
      expect([put.status, put.body.last_name]).toEqual([200, 'Lovelace']);
      const patch = await call('PATCH', '/api/me/', { first_name: 'Augusta' });
      expect([patch.status, patch.body.first_name]).toEqual([200, 'Augusta']);
      expect((await call('OPTIONS', '/api/me/')).status).toBe(204);

      const sessions = await call('GET', '/api/auth/sessions/');
      expect([sessions.status, sessions.body.length]).toEqual([200, 2]);
      const other = sessions.body.find((session: { current: boolean }) => !session.current);
      expect((await call('DELETE', `/api/auth/sessions/${other.id}/`)).status).toBe(204);
      expect((await call('GET', '/api/auth/sessions/')).body).toHaveLength(1);

      const refreshed = await call('POST', '/api/token/refresh/');
      expect([refreshed.status, refreshed.body.access]).toEqual([200, undefined]);
      expect((await call('GET', '/api/me/')).status).toBe(200);
      expect((await call('POST', '/api/auth/logout/')).status).toBe(200);
      expect((await call('GET', '/api/me/')).status).toBe(401);

      expect((await call('POST', '/api/login/', { email, password: PASSWORD })).status).toBe(200);
      expect((await call('DELETE', '/api/me/', { password: PASSWORD })).status).toBe(204);
      expect((await call('POST', '/api/login/', { email, password: PASSWORD })).status).toBe(401);
    } finally {
      await close();
    }
  });
});
