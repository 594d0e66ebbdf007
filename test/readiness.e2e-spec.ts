import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MIGRATIONS } from '../migrations/index.js';
import { applyMigrations, revertLastMigration } from '../src/database/migrations.js';
import { ShutdownState } from '../src/modules/health/shutdown-state.js';
import { signup } from './factories/users.js';
import { ownSchema, type OwnSchema } from './factories/own-schema.js';
import { SmtpSink } from './setup/smtp-sink.js';
import { startApp, type TestApp } from './setup/test-app.js';

const embedded = !process.env.DATABASE_URL;

/**
 * Polls readiness until `wanted` holds: the migrations and outbox answers are reused for 2 s, so a
 * change shows within that, and there is no event to wait on.
 */
async function readyUntil(t: TestApp, wanted: (body: { status: string; checks: Record<string, string> }) => boolean): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const started = Date.now();
  for (;;) {
    const response = await t.http.get('/health/ready');
    if (wanted(response.body)) return response;
    if (Date.now() - started > 10_000) throw new Error(`readiness never turned; last: ${response.status} ${JSON.stringify(response.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('/health/ready', () => {
  // A schema of its own on PostgreSQL: migrations are reverted under this app, and the outbox is counted whole.
  let schema: OwnSchema;
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    schema = await ownSchema('readiness');
    // SMTP is down until a test brings it up.
    sink = await SmtpSink.reserve();
    t = await startApp({ ...schema.env, SMTP_URL: sink.url, MAIL_POLL_INTERVAL_MS: '100', MAIL_RETRY_BASE_MS: '100', MAIL_RETRY_MAX_DELAY_MS: '500' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
    await schema?.drop();
  });

  it('covers the database, Redis when configured, the migrations and the outbox', async () => {
    const response = await t.http.get('/health/ready');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', checks: { database: 'ok', ...(process.env.REDIS_URL ? { redis: 'ok' } : {}), migrations: 'ok', outbox: 'ok' } });
  });

  it('answers 503 naming the migrations while one of this version is not applied, and 200 once it is', async () => {
    await revertLastMigration(t.db, embedded);
    const pending = await readyUntil(t, (body) => body.checks.migrations !== 'ok');
    expect(pending.status).toBe(503);
    expect(pending.body).toMatchObject({ status: 'unavailable', checks: { database: 'ok', migrations: 'pending', outbox: 'ok' } });
    const last = MIGRATIONS.at(-1)!.name;
    expect(t.logs.join('')).toContain(`not ready: migrations of this version are not applied (${last}); apply them with`);

    expect(await applyMigrations(t.db, embedded)).toEqual([last]);
    const ready = await readyUntil(t, (body) => body.checks.migrations === 'ok');
    expect(ready.status).toBe(200);
  });

  it('reports an outbox that has stopped draining as degraded, still 200, and ok once mail leaves again', async () => {
    const { email } = await signup(t.http);
    // The verification mail fails (SMTP is down) and waits; the outage has lasted ten minutes.
    await t.db.query(`UPDATE mail_outbox SET created_at = now() - interval '10 minutes' WHERE to_address = $1`, [email]);
    const stalled = await readyUntil(t, (body) => body.checks.outbox === 'stalled');
    expect(stalled.status).toBe(200);
    expect(stalled.body).toMatchObject({ status: 'degraded', checks: { database: 'ok', migrations: 'ok', outbox: 'stalled' } });

    await sink.listen();
    await sink.waitFor(email, /./);
    const drained = await readyUntil(t, (body) => body.checks.outbox === 'ok');
    expect([drained.status, drained.body.status]).toEqual([200, 'ok']);
  });

  it('answers 503 as soon as shutdown begins, closing the connection, while /health/live stays 200', async () => {
    t.app.get(ShutdownState).begin();
    const response = await t.http.get('/health/ready');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ status: 'unavailable', checks: { server: 'stopping' } });
    expect(response.headers.connection).toBe('close');
    expect((await t.http.get('/health/live')).body).toEqual({ status: 'ok' });
  });
});
