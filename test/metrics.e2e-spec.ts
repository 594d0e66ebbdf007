import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import request from 'supertest';
import { MetricsServer } from '../src/modules/ops/metrics-server.service.js';
import { startApp, type TestApp } from './setup/test-app.js';
import { SmtpSink } from './setup/smtp-sink.js';
import { freePort as closedPort } from './setup/spawn-instance.js';
import { decodePayload } from './factories/jwt.js';
import { moved, parseSamples, scrape, type Samples } from './factories/metrics.js';
import { bearer, PASSWORD, signup } from './factories/users.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.', code: 'not_authenticated' };

function totp(secret: string, offsetSteps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** Scrapes until `done` holds of the samples (the outbox worker and Redis report on their own time), with a deadline. */
async function scrapeUntil(t: TestApp, what: string, done: (samples: Samples) => boolean, ms = 10_000): Promise<Samples> {
  const deadline = Date.now() + ms;
  for (;;) {
    const samples = await scrape(t.http);
    if (done(samples)) return samples;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('GET /metrics after a scripted flow', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp({
      SMTP_URL: sink.url,
      ACCOUNT_EMAIL_VERIFICATION: 'none',
      // A spent refresh token coming back is a replay at once, not a retry.
      REFRESH_REUSE_GRACE_SECONDS: '0',
      LOGIN_THROTTLE_ACCOUNT_IP_FREE: '2',
      LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600',
      // One connection on both databases (PGlite has only one), for the pool's test.
      DB_POOL_SIZE: '1',
      // On the shared PostgreSQL test database this app's outbox worker may find other tests'
      // pending mail and keep the one connection busy for a while: a request waits for it
      // rather than failing after the default 2 s (a 503 that has nothing to do with metrics).
      DB_CONNECT_TIMEOUT_MS: '15000',
    });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('counts sign-ins, refreshes, throttle blocks, MFA checks, mail and requests by the right amounts, with no user data in any label', async () => {
    const before = await scrape(t.http);

    // Sign-ins: three signups, one right and three wrong passwords, one throttled attempt.
    const alice = await signup(t.http);
    const bob = await signup(t.http);
    const carol = await signup(t.http);
    const login = await t.http.post('/api/login/').send({ email: alice.email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect((await t.http.post('/api/login/').send({ email: alice.email, password: 'not-the-password-1' })).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await t.http.post('/api/login/').send({ email: bob.email, password: 'not-the-password-1' })).status).toBe(401);
    expect((await t.http.post('/api/login/').send({ email: bob.email, password: PASSWORD })).status).toBe(429);

    // Refreshes: one rotation, the spent token replayed (the family is revoked), its successor refused, and a token that is none.
    const rotated = await t.http.post('/api/token/refresh/').send({ refresh: login.body.refresh });
    expect(rotated.status).toBe(200);
    expect((await t.http.post('/api/token/refresh/').send({ refresh: login.body.refresh })).status).toBe(401);
    expect((await t.http.post('/api/token/refresh/').send({ refresh: rotated.body.refresh })).status).toBe(401);
    expect((await t.http.post('/api/token/refresh/').send({ refresh: 'not-a-token' })).status).toBe(401);
    // Revocation: alice ends her signup session by id (a UUID in the path, never in a label).
    const ended = await t.http.delete(`/api/auth/sessions/${decodePayload(alice.access).sid}/`).set(...bearer(alice.access));
    expect(ended.status).toBe(204);

    // MFA: a wrong then a right code to turn it on; a login that needs the second step, a wrong code, a right one.
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(carol.access));
    expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(carol.access)).send({ code: totp(setup.body.secret, 3) })).status).toBe(400);
    expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(carol.access)).send({ code: totp(setup.body.secret) })).status).toBe(200);
    const ticket = (await t.http.post('/api/login/').send({ email: carol.email, password: PASSWORD })).body.mfa_token;
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: totp(setup.body.secret, 3) })).status).toBe(400);
    expect((await t.http.post('/api/auth/login/mfa/').send({ mfa_token: ticket, code: totp(setup.body.secret, 1) })).status).toBe(200);

    // Mail: a reset for alice reaches the SMTP sink. And a path no route has, full of user data.
    expect((await t.http.post('/api/auth/password/reset/').send({ email: alice.email })).status).toBe(200);
    await sink.waitFor(alice.email, /Reset your password/);
    expect((await t.http.get(`/nowhere/${alice.email}/${alice.access}/`)).status).toBe(404);

    // The worker counts a mail once its sent mark is written, just after the SMTP server has it.
    const after = await scrapeUntil(t, 'the sent mail is counted', (samples) => moved(before, samples, 'auth_mail_deliveries_total')['auth_mail_deliveries_total{outcome="sent"}'] === sink.messages.length);

    expect(moved(before, after, 'auth_sign_ins_total')).toEqual({
      'auth_sign_ins_total{method="signup",outcome="succeeded"}': 3,
      'auth_sign_ins_total{method="password",outcome="succeeded"}': 1,
      'auth_sign_ins_total{method="password",outcome="failed"}': 3,
      'auth_sign_ins_total{method="password",outcome="throttled"}': 1,
      'auth_sign_ins_total{method="password",outcome="mfa_required"}': 1,
      'auth_sign_ins_total{method="mfa",outcome="failed"}': 1,
      'auth_sign_ins_total{method="mfa",outcome="succeeded"}': 1,
    });
    expect(moved(before, after, 'auth_token_refreshes_total')).toEqual({
      'auth_token_refreshes_total{outcome="rotated"}': 1,
      'auth_token_refreshes_total{outcome="reuse_detected"}': 1,
      'auth_token_refreshes_total{outcome="refused"}': 2,
    });
    expect(moved(before, after, 'auth_throttle_blocks_total')).toEqual({ 'auth_throttle_blocks_total{policy="password-account-ip"}': 1 });
    expect(moved(before, after, 'auth_mfa_checks_total')).toEqual({
      'auth_mfa_checks_total{method="totp",outcome="failed"}': 2,
      'auth_mfa_checks_total{method="totp",outcome="passed"}': 2,
    });
    // Every mail the SMTP server received, alice's reset among them. (On a shared PostgreSQL the worker may also
    // pick up mail other test files left behind, and send or skip it: only "sent" is pinned.)
    expect(moved(before, after, 'auth_mail_deliveries_total')['auth_mail_deliveries_total{outcome="sent"}']).toBe(sink.messages.length);
    expect(sink.to(alice.email)).toHaveLength(1);
    // The replayed family and the ended session: revoked, and not yet expired.
    expect(moved(before, after, 'auth_revoked_sessions_unexpired')).toEqual({ auth_revoked_sessions_unexpired: 2 });

    const requests = moved(before, after, 'http_request_duration_seconds_count');
    expect(requests).toMatchObject({
      'http_request_duration_seconds_count{route="/api/signup",method="POST",status_code="201"}': 3,
      'http_request_duration_seconds_count{route="/api/login",method="POST",status_code="401"}': 3,
      'http_request_duration_seconds_count{route="/api/login",method="POST",status_code="429"}': 1,
      'http_request_duration_seconds_count{route="/api/token/refresh",method="POST",status_code="401"}': 3,
      'http_request_duration_seconds_count{route="/api/auth/sessions/:id",method="DELETE",status_code="204"}': 1,
      'http_request_duration_seconds_count{route="unmatched",method="GET",status_code="404"}': 1,
    });
    expect(after.get('http_request_duration_seconds_bucket{le="+Inf",route="/api/signup",method="POST",status_code="201"}')).toBeGreaterThanOrEqual(3);

    const page = (await t.http.get('/metrics')).text;
    expect(page).not.toMatch(UUID);
    expect(page).not.toMatch(/@|eyJ/);
    for (const secret of [alice.email, bob.email, carol.email, alice.userId, login.body.refresh, setup.body.secret]) expect(page).not.toContain(secret);
  });

  it('serves the process metrics too: CPU, memory, event-loop lag', async () => {
    const response = await t.http.get('/metrics');
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    const samples = parseSamples(response.text);
    for (const series of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(samples.get(series)).toBeGreaterThan(0);
    }
  });

  it('is documented in the OpenAPI document', async () => {
    const document = (await t.http.get('/api/docs-json')).body;
    expect(Object.keys(document.paths['/metrics'])).toEqual(['get']);
  });

  it('reads the pool while its one connection is taken, and answers with the database gauges unknown when the database cannot', async () => {
    const held = t.db.createQueryRunner();
    await held.connect();
    try {
      const response = await t.http.get('/metrics');
      expect(response.status).toBe(200);
      const samples = parseSamples(response.text);
      expect(samples.get('auth_db_pool_max_connections')).toBe(1);
      expect(samples.get('auth_db_pool_in_use_connections')).toBe(1);
      // The scrape's own query at least (the outbox worker's may wait too).
      expect(samples.get('auth_db_pool_waiting_requests')).toBeGreaterThanOrEqual(1);
      expect(samples.get('auth_mail_outbox_pending')).toBeNaN();
      expect(samples.get('auth_revoked_sessions_unexpired')).toBeNaN();
    } finally {
      await held.release();
    }
    expect((await scrape(t.http)).get('auth_revoked_sessions_unexpired')).not.toBeNaN();
  });
});

describe('GET /metrics while a dependency is stuck', () => {
  let t: TestApp | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await t?.close();
    await sink?.stop();
    t = sink = undefined;
  });

  it('shows mail that cannot be delivered as pending, with its age, and the failure as counted', async () => {
    sink = await SmtpSink.reserve();
    // No retry within the test: every pending row stays as the worker's first pass left it.
    t = await startApp({ SMTP_URL: sink.url, ACCOUNT_EMAIL_VERIFICATION: 'none', MAIL_RETRY_BASE_MS: '3600000', MAIL_MAX_ATTEMPTS: '5' });
    const { email } = await signup(t.http);
    const before = await scrape(t.http);
    await t.http.post('/api/auth/password/reset/').send({ email });
    const after = await scrapeUntil(t, 'the delivery failed', (samples) => (moved(before, samples, 'auth_mail_deliveries_total')['auth_mail_deliveries_total{outcome="failed"}'] ?? 0) >= 1);
    const [row] = await t.db.query(`SELECT attempts, extract(epoch FROM now() - created_at)::float8 AS age FROM mail_outbox WHERE to_address = $1`, [email]);
    expect(row.attempts).toBe(1);
    const [{ pending }] = await t.db.query(`SELECT count(*)::int AS pending FROM mail_outbox WHERE sent_at IS NULL AND skipped_at IS NULL AND failed_at IS NULL`);
    const now = await scrape(t.http);
    expect(now.get('auth_mail_outbox_pending')).toBe(pending);
    expect(now.get('auth_mail_outbox_pending')).toBeGreaterThanOrEqual(1);
    expect(now.get('auth_mail_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(row.age);
    expect(moved(before, after, 'auth_mail_deliveries_total')['auth_mail_deliveries_total{outcome="sent"}']).toBeUndefined();
  });

  it('counts the errors of an unreachable Redis', async () => {
    t = await startApp({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    // The client reports each failed (re)connection; there is no Redis on that port.
    const samples = await scrapeUntil(t, 'a Redis error is counted', (current) => (current.get('auth_redis_errors_total') ?? 0) >= 1);
    expect(samples.get('auth_redis_errors_total')).toBeGreaterThanOrEqual(1);
  });

});

describe('access to /metrics', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('serves /metrics on METRICS_PORT alone, and 404 on the public port', async () => {
    const token = randomBytes(24).toString('hex');
    t = await startApp({ METRICS_PORT: '0', METRICS_TOKEN: token });
    const missing = await t.http.get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'Not found.', code: 'not_found' });
    const metricsPort = request(`http://127.0.0.1:${t.app.get(MetricsServer).port}`);
    expect((await metricsPort.get('/metrics')).status).toBe(401);
    const served = await metricsPort.get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    // The public port's request above, counted, and seen through the other port.
    expect(parseSamples(served.text).get('http_request_duration_seconds_count{route="unmatched",method="GET",status_code="404"}')).toBe(1);
    expect((await metricsPort.get('/api/me/').set('Authorization', `Bearer ${token}`)).status).toBe(404);
    expect((await metricsPort.post('/metrics').set('Authorization', `Bearer ${token}`)).status).toBe(404);
    expect((await t.http.get('/api/docs-json')).body.paths['/metrics']).toBeUndefined();
  });

  it('answers 404 with METRICS_ENABLED=false', async () => {
    t = await startApp({ METRICS_ENABLED: 'false' });
    expect((await t.http.get('/health/live')).status).toBe(200);
    const response = await t.http.get('/metrics');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ detail: 'Not found.', code: 'not_found' });
    expect((await t.http.get('/api/docs-json')).body.paths['/metrics']).toBeUndefined();
  });

  it('refuses to start in production with the metrics on the public port unprotected, naming the variables', async () => {
    const production = { NODE_ENV: 'production', MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    await expect(startApp(production)).rejects.toThrow(/METRICS_ENABLED is on in production without protection: set METRICS_TOKEN .* or METRICS_PORT .*, or METRICS_ENABLED=false/);
  });

  it('asks for METRICS_TOKEN as a bearer when it is set (production), and takes no user token instead', async () => {
    const token = randomBytes(24).toString('hex');
    t = await startApp({ NODE_ENV: 'production', MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'), METRICS_TOKEN: token });
    const { access } = await signup(t.http);
    const missing = await t.http.get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(NOT_AUTHENTICATED);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await t.http.get('/metrics').set('Authorization', `Bearer ${token}x`)).status).toBe(401);
    expect((await t.http.get('/metrics').set(...bearer(access))).status).toBe(401);
    expect((await t.http.get('/metrics').set('Authorization', `Basic ${token}`)).status).toBe(401);
    const allowed = await t.http.get('/metrics').set('Authorization', `Bearer ${token}`);
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('# TYPE auth_sign_ins_total counter');
  });
});
