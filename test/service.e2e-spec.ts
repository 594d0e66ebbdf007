import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';

describe('service endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness', async () => {
    expect((await t.http.get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.checks.database).toBe('ok');
    if (process.env.REDIS_URL) expect(ready.body.checks.redis).toBe('ok');
  });

  it('serves Swagger UI from the package, with no CDN', async () => {
    const page = await t.http.get('/api/docs/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs|jsdelivr)/i);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]).filter((src) => !src.startsWith('data:'));
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const url = asset.startsWith('/') ? asset : `/api/docs/${asset.replace(/^\.\//, '')}`;
      expect([url, (await t.http.get(url)).status]).toEqual([url, 200]);
    }
  });

  it('describes every endpoint, its bodies and error responses in /api/docs-json', async () => {
    const response = await t.http.get('/api/docs-json');
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const expected: [string, string, string[]][] = [
      ['/api/signup', 'post', ['201', '400']],
      ['/api/login', 'post', ['200', '400', '401', '403']],
      ['/api/token/refresh', 'post', ['200', '401']],
      ['/api/token/verify', 'post', ['200', '401']],
      ['/api/auth/logout', 'post', ['200', '401']],
      ['/api/me', 'get', ['200', '401']],
      ['/api/me', 'put', ['200', '400', '401']],
      ['/api/me', 'patch', ['200', '400', '401']],
      ['/api/me', 'delete', ['204', '400', '401']],
      ['/api/auth/sessions', 'get', ['200', '401']],
      ['/api/auth/sessions/{id}', 'delete', ['204', '401', '404']],
      ['/api/auth/registration/verify-email', 'post', ['200', '400', '404']],
      ['/api/auth/registration/resend-email', 'post', ['200', '400']],
      ['/api/auth/password/reset', 'post', ['200', '400']],
      ['/api/auth/password/reset/confirm', 'post', ['200', '400']],
      ['/api/auth/password/change', 'post', ['200', '400', '401']],
      ['/.well-known/jwks.json', 'get', ['200']],
      ['/health/live', 'get', ['200']],
      ['/health/ready', 'get', ['200', '503']],
    ];
    for (const [path, method, statuses] of expected) {
      const operation = doc.paths[path]?.[method];
      expect([path, method, Boolean(operation)]).toEqual([path, method, true]);
      for (const status of statuses) expect([path, method, status, Boolean(operation.responses[status])]).toEqual([path, method, status, true]);
    }
    expect(doc.paths['/api/me'].get.security).toEqual([{ bearer: [] }]);
    const signupBody = doc.paths['/api/signup'].post.requestBody.content['application/json'].schema.$ref.split('/').pop();
    expect(Object.keys(doc.components.schemas[signupBody].properties)).toEqual(
      expect.arrayContaining(['email', 'password', 'password_confirm', 'first_name', 'last_name', 'phone']),
    );
    expect(doc.paths['/api/auth/google'].post.summary).toMatch(/not configured on this server/);
    expect(doc.paths['/api/auth/facebook'].post.responses['404']).toBeDefined();
    const login401 = doc.paths['/api/login'].post.responses['401'].content['application/json'].examples;
    expect(JSON.stringify(login401)).toContain('Invalid email or password.');
    expect(doc.info.description).toContain('405');
  });

  it('does not serve the developer page unless AUTH_DEV_UI=true, and never in production', async () => {
    expect((await t.http.get('/api/auth/ui/')).status).toBe(404);
    const { loadAppConfig } = await import('../src/config/app.config.js');
    expect(() => loadAppConfig({ NODE_ENV: 'production', AUTH_DEV_UI: 'true' })).toThrow(/AUTH_DEV_UI/);
  });

  it('answers unknown routes with the 404 shape and a request id', async () => {
    const response = await t.http.get('/api/nowhere/');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ detail: 'Not found.', code: 'not_found' });
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('answers a method the path does not take with 405, the Allow header and the DRF message, with and without the slash', async () => {
    const cases: [string, string, string[]][] = [
      ['get', '/api/login', ['POST']],
      ['delete', '/api/signup', ['POST']],
      ['post', '/api/me', ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']],
      ['put', '/api/auth/sessions', ['GET', 'HEAD']],
      ['get', `/api/auth/sessions/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, ['DELETE']],
      ['patch', '/health/live', ['GET', 'HEAD']],
    ];
    for (const [method, path, allowed] of cases) {
      for (const url of [path, `${path}/`]) {
        const response = await (t.http as any)[method](url);
        const got = String(response.headers.allow ?? '').split(', ').filter((name) => name !== 'OPTIONS');
        expect([method, url, response.status, got]).toEqual([method, url, 405, allowed]);
        expect(response.body).toEqual({ detail: `Method "${method.toUpperCase()}" not allowed.`, code: 'method_not_allowed' });
      }
    }
    const head = await t.http.head('/api/login/');
    expect([head.status, head.headers.allow]).toEqual([405, expect.stringContaining('POST')]);
  });

  it('keeps 404 for paths that no method answers, whatever the method', async () => {
    for (const method of ['get', 'post', 'delete', 'patch']) {
      const response = await (t.http as any)[method]('/api/nowhere/');
      expect([method, response.status, response.headers.allow]).toEqual([method, 404, undefined]);
      expect(response.body).toEqual({ detail: 'Not found.', code: 'not_found' });
    }
  });

  it('keeps a sane caller-supplied request id and replaces a hostile one', async () => {
    expect((await t.http.get('/health/live').set('X-Request-Id', 'abc-123')).headers['x-request-id']).toBe('abc-123');
    const hostile = `<script>${'x'.repeat(100)}`;
    const replaced = (await t.http.get('/health/live').set('X-Request-Id', hostile)).headers['x-request-id'];
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});
