import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from '../setup/test-app.js';
import { TcpProxy } from '../setup/tcp-proxy.js';
import { FakeProviders } from '../factories/fake-providers.js';
import { stateCookie } from '../factories/redirect.js';

const FRONTEND = 'https://app.example.test';

// SECURITY.md 27: PostgreSQL down is a 503 (or, on the browser's way back, a landing with
// server_error), never a bad provider token, whichever library runs the provider's flow
// (passport-oauth2 for Google and Facebook, openid-client for Microsoft and GitHub). The
// database is reached through a TCP proxy the test cuts.
describe('the browser redirect flow while the database connection is cut', () => {
  let pgProxy: TcpProxy;
  let fake: FakeProviders;
  let t: TestApp;

  beforeAll(async () => {
    const pg = new URL(process.env.DATABASE_URL!);
    pgProxy = await TcpProxy.open(pg.hostname, Number(pg.port || 5432));
    pg.host = `127.0.0.1:${pgProxy.port}`;
    fake = await FakeProviders.start();
    t = await startApp({ ...fake.env(), DATABASE_URL: pg.toString(), DB_CONNECT_TIMEOUT_MS: '1000', FRONTEND_BASE_URL: FRONTEND, PUBLIC_URL: 'https://auth.example.test' });
  });
  afterAll(async () => {
    await t.close();
    await pgProxy.stop();
    await fake.stop();
  });

  it.each(['google', 'facebook', 'microsoft', 'github'])('%s: starting the flow answers 503 service_unavailable', async (provider) => {
    await pgProxy.stop();
    try {
      const start = await t.http.get(`/api/auth/${provider}/redirect/?next=/home`);
      expect([start.status, start.body.code]).toEqual([503, 'service_unavailable']);
    } finally {
      await pgProxy.start();
    }
  });

  it.each(['google', 'facebook', 'microsoft', 'github'])('%s: a callback whose state cannot be read lands with server_error', async (provider) => {
    const started = await t.http.get(`/api/auth/${provider}/redirect/?next=/home`);
    expect(started.status).toBe(302);
    const state = new URL(started.headers.location).searchParams.get('state')!;
    await pgProxy.stop();
    try {
      const back = await t.http.get(`/api/auth/${provider}/callback/?code=code-${randomUUID()}&state=${encodeURIComponent(state)}`).set('Cookie', stateCookie(started));
      expect(back.status).toBe(302);
      const landing = new URL(back.headers.location);
      expect([landing.origin, landing.searchParams.get('error')]).toEqual([FRONTEND, 'server_error']);
    } finally {
      await pgProxy.start();
    }
  });
});
