import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { runCli } from '../setup/cli-process.js';
import { ownDatabase, type OwnDatabase } from '../setup/own-database.js';
import { buildService, freePort } from '../setup/spawn-instance.js';
import { testEnv } from '../setup/test-app.js';
import { uniqueEmail } from '../factories/users.js';

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>, port: number): Server {
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  return { child, output: () => output, exited: new Promise((resolve) => child.once('exit', resolve)) };
}

/** Polls `check` until it holds (no fixed sleep: the first success ends the wait). */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Runs only with DATABASE_URL and REDIS_URL (see jest.config.js): two instances need a shared database.
describe('two instances bootstrapping the same superuser at once', () => {
  let database: OwnDatabase;
  let env: Record<string, string>;
  let holder: pg.Client;
  const servers: Server[] = [];

  beforeAll(async () => {
    buildService();
    database = await ownDatabase('bootstrap_race');
    env = {
      ...testEnv(),
      ...database.env,
      ADMIN_BOOTSTRAP_EMAIL: uniqueEmail('race'),
      ADMIN_BOOTSTRAP_PASSWORD: 'copper-lantern-meadow-58',
      // The inserts wait on the test's lock for a while.
      DB_STATEMENT_TIMEOUT_MS: '120000',
    };
    // Migrated beforehand, so the two starts meet at the bootstrap and not in the migrations (the CLI never bootstraps).
    expect((await runCli(['users:list'], env)).stdout).toBe('0 accounts.\n');
    holder = new pg.Client({ connectionString: env.DATABASE_URL });
    await holder.connect();
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await holder?.end();
    await database?.drop();
  });

  it('creates it once; the instance that loses the race starts without a word about it', async () => {
    // Both instances get past "no superuser yet" and then wait at their INSERT, held by this
    // lock (SHARE lets reads through, not writes), so both really try to create the account.
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE users IN SHARE MODE');
    const ports = [await freePort(), await freePort()];
    servers.push(...ports.map((port) => startServer(env, port)));
    await until('both inserts to wait on the lock', async () => {
      // Inside a transaction the activity view is a snapshot: take a new one each time.
      await holder.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await holder.query(`SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "users"%'`);
      return rows[0].count === 2;
    });
    await holder.query('ROLLBACK');

    for (const port of ports) {
      await until(`the instance on ${port} to be ready`, () => fetch(`http://127.0.0.1:${port}/health/ready`).then((response) => response.ok, () => false));
    }
    const outputs = servers.map((server) => server.output());
    expect(outputs.flatMap((output) => output.match(/Created the superuser \S+ \(ADMIN_BOOTSTRAP_EMAIL\)/g) ?? [])).toHaveLength(1);
    expect(outputs.join('')).not.toMatch(/"level":50|ADMIN_BOOTSTRAP_EMAIL \(/);
    const { rows } = await holder.query(`SELECT (SELECT count(*)::int FROM users WHERE is_superuser) AS superusers, (SELECT count(*)::int FROM security_events WHERE event = 'admin_superuser_created') AS events`);
    expect(rows[0]).toEqual({ superusers: 1, events: 1 });
  }, 120_000);
});
