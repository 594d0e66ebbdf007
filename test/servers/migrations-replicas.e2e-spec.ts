import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { MIGRATIONS } from '../../migrations/index.js';
import { MIGRATIONS_LOCK_KEY } from '../../src/database/migrations.js';
import { ownDatabase, type OwnDatabase } from '../setup/own-database.js';
import { startServerProcess, type ServerProcess } from '../setup/server-process.js';

// Runs only with DATABASE_URL and REDIS_URL (see jest.config.js): the lock is PostgreSQL's.
describe('five replicas starting at once on an empty database', () => {
  let db: OwnDatabase;
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    db = await ownDatabase('replicas');
  });
  afterAll(async () => {
    for (const server of servers) server.signal('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    await db?.drop();
  });

  it('one migrates while the others wait; all five start, every migration is applied once, none crashes', async () => {
    // The test holds the migrations lock until all five wait for it, so they all stand at the same
    // point when it lets go: the widest race there can be, on every run. (Left to themselves, five
    // processes without the lock failed two runs in three on "pg_extension_name_index".)
    const holder = new pg.Client({ connectionString: db.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [String(MIGRATIONS_LOCK_KEY)]);
      servers = await Promise.all(Array.from({ length: 5 }, () => startServerProcess({ ...db.env, DB_MIGRATIONS_RUN: 'true' }, { ready: false })));
      await Promise.all(servers.map((server) => server.waitForLine(/migrations: another process is applying them; waiting for it/, 60_000)));
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [String(MIGRATIONS_LOCK_KEY)]);
      await Promise.all(servers.map((server) => server.waitForLine(/Auth service ready on/, 60_000)));

      for (const server of servers) expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
      // One took the lock and applied every migration; the others, when their turn came, found none pending.
      const applied = servers.map((server) => server.messages().filter((message) => message.startsWith('migrations: applied')));
      expect(applied.filter((lines) => lines.length > 0)).toEqual([[`migrations: applied ${MIGRATIONS.length} (${MIGRATIONS.map((migration) => migration.name).join(', ')})`]]);
      const { rows } = await holder.query('SELECT name, count(*)::int AS times FROM typeorm_migrations GROUP BY name ORDER BY min(id)');
      expect(rows).toEqual(MIGRATIONS.map((migration) => ({ name: migration.name, times: 1 })));
    } finally {
      await holder.end();
    }

    // None crashed: each is still running, and stops cleanly.
    for (const server of servers) server.signal('SIGTERM');
    expect(await Promise.all(servers.map((server) => server.exited))).toEqual([0, 0, 0, 0, 0]);
  });
});
