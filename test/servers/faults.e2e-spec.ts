import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startApp, type TestApp } from '../setup/test-app.js';
import { TcpProxy } from '../setup/tcp-proxy.js';
import { bearer, PASSWORD, signup } from '../factories/users.js';

/** Polls `probe` until it returns true; fails after `ms`. Used for recovery, which has no event to wait on. */
async function eventually(probe: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not recovered within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// SECURITY.md 27 and 28 against the real servers: the connections go through a TCP proxy
// that the test cuts and restores.
describe('backing services going down and coming back', () => {
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let t: TestApp;
  const prefix = `test:${randomUUID()}:`;

  beforeAll(async () => {
    const pg = new URL(process.env.DATABASE_URL!);
    const redis = new URL(process.env.REDIS_URL!);
    pgProxy = await TcpProxy.open(pg.hostname, Number(pg.port || 5432));
    redisProxy = await TcpProxy.open(redis.hostname, Number(redis.port || 6379));
    pg.host = `127.0.0.1:${pgProxy.port}`;
    redis.host = `127.0.0.1:${redisProxy.port}`;
    t = await startApp({ DATABASE_URL: pg.toString(), REDIS_URL: redis.toString(), REDIS_KEY_PREFIX: prefix, DB_CONNECT_TIMEOUT_MS: '1000', ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(async () => {
    await t.close();
    await pgProxy.stop();
    await redisProxy.stop();
  });

  it('answers 503 quickly while PostgreSQL is down, issues no tokens, stays up and recovers by itself', async () => {
    const { email, access } = await signup(t.http);
    await pgProxy.stop();
    try {
      const started = Date.now();
      const me = await t.http.get('/api/me/').set(...bearer(access));
      expect(me.status).toBe(503);
      expect(me.body).toEqual({ detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
      const login = await t.http.post('/api/login/').send({ email, password: PASSWORD });
      expect(login.status).toBe(503);
      expect(login.body.access).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await t.http.get('/health/live')).status).toBe(200);
      expect((await t.http.get('/health/ready')).status).toBe(503);
    } finally {
      await pgProxy.start();
    }
    await eventually(async () => (await t.http.get('/api/me/').set(...bearer(access))).status === 200, 15_000);
    expect((await t.http.post('/api/login/').send({ email, password: PASSWORD })).status).toBe(200);
  });

  // Revocation lives in PostgreSQL alone (issue 11/11): while Redis is down, and after it comes
  // back empty, an ended session stays refused and a live one keeps working.
  it('keeps revocation exact while Redis is down and after a restarted Redis lost every key', async () => {
    const { access } = await signup(t.http);
    const ended = await signup(t.http);
    const endedWhileDown = await signup(t.http);
    expect((await t.http.post('/api/auth/logout/').set(...bearer(ended.access))).status).toBe(200);
    await redisProxy.stop();
    try {
      expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(200);
      expect((await t.http.get('/api/me/').set(...bearer(ended.access))).status).toBe(401);
      expect((await t.http.post('/api/auth/logout/').send({ refresh: endedWhileDown.refresh })).status).toBe(200);
      expect((await t.http.get('/api/me/').set(...bearer(endedWhileDown.access))).status).toBe(401);
      // Redis keeps nothing on disk here: a restart loses every key. Simulate that loss.
      const direct = new Redis(process.env.REDIS_URL!);
      const keys = await direct.keys(`${prefix}*`);
      if (keys.length) await direct.del(...keys);
      direct.disconnect();
    } finally {
      await redisProxy.start();
    }
    expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(200);
    for (const token of [ended.access, endedWhileDown.access]) expect((await t.http.get('/api/me/').set(...bearer(token))).status).toBe(401);
  });
});
