import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';

describe('the admin page', () => {
  let off: TestApp;
  let on: TestApp;
  beforeAll(async () => {
    off = await startApp({ ADMIN_UI: undefined });
    on = await startApp({ ADMIN_UI: 'true' });
  });
  afterAll(async () => {
    await off?.close();
    await on?.close();
  });

  it('is not served unless ADMIN_UI=true', async () => {
    for (const path of ['/api/admin/ui/', '/api/admin/ui/app.js']) {
      const response = await off.http.get(path);
      expect([path, response.status, response.body]).toEqual([path, 404, { detail: 'Not found.', code: 'not_found' }]);
    }
  });

  it('serves the page and its script without signing in, each under a CSP that allows only this origin\'s script and the page\'s own stylesheet', async () => {
    const page = await on.http.get('/api/admin/ui/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    const csp = page.headers['content-security-policy'];
    expect(csp.split('; ')).toEqual(
      expect.arrayContaining(["default-src 'none'", "script-src 'self'", "connect-src 'self'", "require-trusted-types-for 'script'", "form-action 'none'", "frame-ancestors 'none'"]),
    );
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);

    const style = /<style>([\s\S]*?)<\/style>/.exec(page.text)![1];
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes, body]) => [attributes.trim(), body])).toEqual([['src="/api/admin/ui/app.js"', '']]);
    expect(page.text).not.toMatch(/\son[a-z]+=|style="|javascript:/i);

    const script = await on.http.get('/api/admin/ui/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['content-security-policy']).toBe(csp);
    expect(script.text).toContain("'/api/admin/users/");
  });

  it('writes no token to storage or cookies, and renders no server data as markup', async () => {
    const script = (await on.http.get('/api/admin/ui/app.js')).text;
    expect(script).not.toMatch(/localStorage|sessionStorage|document\.cookie|indexedDB|innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(script).toContain("credentials: 'omit'");
  });
});
