import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { loadCookieConfig } from '../src/config/cookie.config.js';

const SPA = 'https://app.example.test';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function preflight(t: TestApp, path: string, method: string, origin = SPA) {
  return t.http.options(path).set('Origin', origin).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', 'authorization,content-type,x-csrftoken');
}

describe('CORS for a single-page app on another origin', () => {
  describe('with CORS_ORIGINS set', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ AUTH_COOKIE: 'true', CORS_ORIGINS: SPA });
    });
    afterAll(() => t.close());

    it('allows every method of the API in preflights, with credentials and the CSRF header', async () => {
      for (const [path, method] of [
        ['/api/me/', 'PUT'],
        ['/api/me/', 'PATCH'],
        ['/api/me/', 'DELETE'],
        ['/api/auth/sessions/00000000-0000-4000-8000-000000000000/', 'DELETE'],
        ['/api/login/', 'POST'],
      ]) {
        const response = await preflight(t, path, method);
        expect([path, method, response.status]).toEqual([path, method, 204]);
        expect(response.headers['access-control-allow-origin']).toBe(SPA);
        expect(response.headers['access-control-allow-credentials']).toBe('true');
        expect(response.headers['access-control-allow-methods'].split(', ')).toEqual(expect.arrayContaining(METHODS));
        expect(response.headers['access-control-allow-headers'].toLowerCase().split(', ')).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-csrftoken']));
      }
    });

    it('exposes the request id and Retry-After to the page on actual responses', async () => {
      const response = await t.http.get('/health/live').set('Origin', SPA);
      expect(response.headers['access-control-allow-origin']).toBe(SPA);
      expect(response.headers['access-control-expose-headers']).toBe('X-Request-Id, Retry-After');
    });

    it('gives no CORS permission to an origin that is not listed, the frontend default included', async () => {
      for (const origin of ['https://evil.example', 'http://localhost:3000']) {
        const response = await preflight(t, '/api/me/', 'PATCH', origin);
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
      }
    });
  });

  describe('in development without CORS_ORIGINS', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ NODE_ENV: 'development', CORS_ORIGINS: undefined, FRONTEND_BASE_URL: 'http://localhost:5173/app/' });
    });
    afterAll(() => t.close());

    it('allows the FRONTEND_BASE_URL origin by default, for every method', async () => {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const response = await preflight(t, '/api/me/', method, 'http://localhost:5173');
        expect([method, response.status, response.headers['access-control-allow-origin']]).toEqual([method, 204, 'http://localhost:5173']);
      }
      expect((await preflight(t, '/api/me/', 'PATCH', SPA)).headers['access-control-allow-origin']).toBeUndefined();
      expect(t.logs.join('')).toContain('CORS: pages on http://localhost:5173 may call this service with credentials (from FRONTEND_BASE_URL');
    });
  });

  it('allows no origin in production unless CORS_ORIGINS lists it, and says so', () => {
    expect(loadCookieConfig({ NODE_ENV: 'production' }).corsOrigins).toEqual([]);
    expect(loadCookieConfig({ NODE_ENV: 'production' }).corsSource).toMatch(/production allows no origin/);
    expect(loadCookieConfig({ NODE_ENV: 'production', CORS_ORIGINS: SPA }).corsOrigins).toEqual([SPA]);
    expect(loadCookieConfig({ NODE_ENV: 'development' }).corsOrigins).toEqual(['http://localhost:3000']);
    expect(() => loadCookieConfig({ NODE_ENV: 'production', CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });
});
