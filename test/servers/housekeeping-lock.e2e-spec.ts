import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { HousekeepingService, HOUSEKEEPING_LOCK_KEY } from '../../src/modules/ops/housekeeping.service.js';
import { SessionsService } from '../../src/modules/tokens/sessions.service.js';
import { startApp, type TestApp } from '../setup/test-app.js';
import { spawnInstance } from '../setup/spawn-instance.js';
import { ownSchema, type OwnSchema } from '../factories/own-schema.js';

// Runs only with DATABASE_URL and REDIS_URL (see jest.config.js): the lock is PostgreSQL's.
describe('housekeeping on several instances of one PostgreSQL', () => {
  let schema: OwnSchema;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    schema = await ownSchema('housekeeping');
    a = await startApp(schema.env);
    b = await startApp(schema.env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await schema?.drop();
  });

  const housekeeping = (app: TestApp) => app.app.get(HousekeepingService);

  it('runs on one instance at a time: while one holds the lock the other skips its turn', async () => {
    // A's run stops inside its first batch, holding the lock, until the test lets it go on.
    const sessions = a.app.get(SessionsService);
    const purge = sessions.purgeExpiredRefreshTokens.bind(sessions);
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(sessions, 'purgeExpiredRefreshTokens').mockImplementationOnce(async (now, limit) => {
      entered();
      await gate;
      return purge(now, limit);
    });
    const first = housekeeping(a).run();
    await inside;
    expect(await housekeeping(b).run()).toBeNull();
    release();
    expect(await first).toMatchObject({ batches: { refresh_tokens: [0] } });
    // Released at the end of A's run: B's next turn runs.
    expect(await housekeeping(b).run()).not.toBeNull();
  });

  it('skips while another connection holds the lock, and runs once that connection is gone', async () => {
    const holder = new pg.Client({ connectionString: schema.env.DATABASE_URL });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [String(HOUSEKEEPING_LOCK_KEY)]);
    const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')).rows;
    holder.on('error', () => undefined);
    expect(await housekeeping(a).run()).toBeNull();
    // An instance that crashed mid-run: its connection ends, and the lock with it.
    expect(await a.db.query('SELECT pg_terminate_backend($1, 10000) AS gone', [pid])).toEqual([{ gone: true }]);
    expect(await housekeeping(a).run()).not.toBeNull();
  });

  it('deletes on its own schedule in a server process', async () => {
    const id = randomUUID();
    await a.db.query(`INSERT INTO security_events (id, event, created_at) VALUES ($1, 'admin_user_changed', now() - interval '200 days')`, [id]);
    const server = await spawnInstance({ ...schema.env, HOUSEKEEPING_ENABLED: 'true' });
    try {
      // The first run comes 1-10 s after start; polled, not slept for.
      let left = 1;
      for (let attempt = 0; attempt < 300 && left > 0; attempt++) {
        [{ left }] = await a.db.query('SELECT count(*)::int AS left FROM security_events WHERE id = $1', [id]);
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(left).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
