import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from '../setup/test-app.js';
import { spawnInstance, type Instance } from '../setup/spawn-instance.js';
import { TcpProxy } from '../setup/tcp-proxy.js';
import { bearer, signup } from '../factories/users.js';

// Issue 11/11: a revocation committed in PostgreSQL reaches every instance even when Redis fails
// at that moment. A reaches Redis through a proxy that the test cuts; B reaches it directly.
describe('revocation while the revoking instance has lost Redis', () => {
  let proxy: TcpProxy;
  let a: TestApp;
  let b: Instance;

  beforeAll(async () => {
    const redis = new URL(process.env.REDIS_URL!);
    proxy = await TcpProxy.open(redis.hostname, Number(redis.port || 6379));
    const viaProxy = new URL(process.env.REDIS_URL!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const prefix = `test:${randomUUID()}:`;
    a = await startApp({ REDIS_URL: viaProxy.toString(), REDIS_KEY_PREFIX: prefix, ACCOUNT_EMAIL_VERIFICATION: 'none' });
    b = await spawnInstance({ REDIS_KEY_PREFIX: prefix, ACCOUNT_EMAIL_VERIFICATION: 'none' });
  }, 120_000);
  afterAll(async () => {
    await a.close();
    await b.stop();
    await proxy.stop();
  });

  it('refuses on B, at once, the tokens of a session logged out on A while A could not write to Redis', async () => {
    const { access, refresh } = await signup(a.http);
    const other = await signup(a.http);
    expect((await b.http.get('/api/me/').set(...bearer(access))).status).toBe(200);
    await proxy.stop();
    try {
      const logout = await a.http.post('/api/auth/logout/').send({ refresh });
      const me = await b.http.get('/api/me/').set(...bearer(access));
      expect(me.status).toBe(401);
      expect(me.body).toEqual({ detail: 'Given token not valid for any token type', code: 'token_not_valid' });
      // Committed, so answered as done: nothing was left to fail after the commit.
      expect(logout.status).toBe(200);
      expect((await b.http.post('/api/token/refresh/').send({ refresh })).status).toBe(401);
      expect((await b.http.post('/api/token/verify/').send({ token: access })).status).toBe(401);
      expect((await a.http.get('/api/me/').set(...bearer(access))).status).toBe(401);
      // The other user's session is untouched on both instances.
      expect((await b.http.get('/api/me/').set(...bearer(other.access))).status).toBe(200);
      expect((await a.http.get('/api/me/').set(...bearer(other.access))).status).toBe(200);
    } finally {
      await proxy.start();
    }
  });
});
