import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MIGRATIONS } from '../migrations/index.js';
import { ownDatabase, type OwnDatabase } from './setup/own-database.js';
import { startServerProcess } from './setup/server-process.js';
import { testEnv } from './setup/test-app.js';

const run = promisify(execFile);

/** `node dist/src/database/migrate.js <command>`, as the image runs it: compiled JavaScript, Node alone. */
async function migrate(command: 'run' | 'revert', env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ['dist/src/database/migrate.js', command], { env: { ...process.env, ...testEnv(), ...env } });
  return stdout.trim();
}

const names = MIGRATIONS.map((migration) => migration.name);
const COMMAND = '`npm run migration:run` (in the image or a production install: `node dist/src/database/migrate.js run`)';

describe('migrations at start', () => {
  let db: OwnDatabase;
  beforeAll(async () => {
    db = await ownDatabase('pending');
  });
  afterAll(() => db?.drop());

  it('with DB_MIGRATIONS_RUN=false and a migration pending, the server does not start and says in one line which and how to apply them', async () => {
    const notMigrating = { ...db.env, DB_MIGRATIONS_RUN: 'false', LOG_LEVEL: 'error' };
    const empty = await startServerProcess(notMigrating, { ready: false });
    expect(await empty.exited).toBe(1);
    expect(empty.lines).toEqual([
      `Not started: The database lacks ${names.length} migrations of this version (${names.slice(0, 3).join(', ')} and ${names.length - 3} more): apply them with ${COMMAND}, or set DB_MIGRATIONS_RUN=true to apply them at start.`,
    ]);

    // The migration script, from dist/ (the server built it): all of them, then back one.
    expect(await migrate('run', db.env)).toBe(`Applied: ${names.join(', ')}`);
    expect(await migrate('revert', db.env)).toBe('Reverted the last migration.');
    const behind = await startServerProcess(notMigrating, { ready: false });
    expect(await behind.exited).toBe(1);
    expect(behind.lines).toEqual([
      `Not started: The database lacks 1 migration of this version (${names.at(-1)}): apply them with ${COMMAND}, or set DB_MIGRATIONS_RUN=true to apply them at start.`,
    ]);

    expect(await migrate('run', db.env)).toBe(`Applied: ${names.at(-1)}`);
    const current = await startServerProcess({ ...notMigrating, LOG_LEVEL: 'info' });
    expect((await fetch(`${current.url}/health/ready`)).status).toBe(200);
    current.signal('SIGTERM');
    expect(await current.exited).toBe(0);
  });
});
