import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MIGRATIONS } from '../migrations/index.js';
import { backupSocketPath } from '../src/modules/ops/backup-socket.js';
import { runCli, type CliRun } from './setup/cli-process.js';
import { buildService } from './setup/spawn-instance.js';
import { startApp, testEnv, type TestApp } from './setup/test-app.js';
import { bearer, login, PASSWORD, signup, type SignedUp } from './factories/users.js';

type Env = Record<string, string | undefined>;

const outcome = (run: CliRun) => [run.code, run.stdout, run.stderr];

/**
 * Backups of the embedded database (issue 14, point 6), as operators take them: `cli backup` and
 * `cli restore` as processes of their own, on folders of their own. These run on PGlite in both
 * CI runs: with DATABASE_URL, backups are pg_dump's (the last test).
 */
describe('cli backup and restore (embedded database)', () => {
  let root: string;
  let source: string;
  let file: string;
  let user: SignedUp;
  let stopped: CliRun;
  // A fixed MFA key as well as the fixed JWT secret: a restored database is read with the keys it was written with.
  const keys: Env = { ...testEnv(), DATABASE_URL: undefined, ACCOUNT_EMAIL_VERIFICATION: 'none', MFA_ENCRYPTION_KEY: Buffer.alloc(32, 'backup-test-mfa-key').toString('base64') };
  const at = (folder: string): Env => ({ ...keys, DATA_DIR: folder });
  const cli = (args: string[], folder: string, extra: Env = {}) => runCli(args, { ...at(folder), ...extra });
  const folder = (name: string) => join(root, name);

  async function withApp<T>(dataDir: string, use: (t: TestApp) => Promise<T>): Promise<T> {
    const t = await startApp(at(dataDir));
    try {
      return await use(t);
    } finally {
      await t.close();
    }
  }

  /** Everything under a folder, with sizes: what "nothing changed" is checked against. */
  function listing(dir: string): string[] {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .map((entry) => `${join(entry.parentPath, entry.name)}:${entry.isFile() ? statSync(join(entry.parentPath, entry.name)).size : 'dir'}`)
      .sort();
  }

  beforeAll(async () => {
    buildService();
    root = mkdtempSync(join(tmpdir(), 'cli-backup-'));
    // One database with one account signed in, backed up with no server running; the tests below start from it.
    source = folder('source');
    user = await withApp(source, (t) => signup(t.http));
    file = join(root, 'source.tar.gz');
    stopped = await cli(['backup', file], source);
  }, 180_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('restores a backup of a stopped server into a new folder, where the same accounts sign in and their sessions go on', async () => {
    expect([stopped.code, stopped.stderr]).toEqual([0, '']);
    expect(stopped.stdout).toMatch(new RegExp(`^Backed up DATA_DIR \\(${source}\\) to ${file} \\(\\d+(\\.\\d)? (kB|MB), no server running\\)\\.\\n$`));
    // The copy holds every password hash: its owner's alone.
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const restored = folder('restored');
    const run = await cli(['restore', file], restored);
    expect(outcome(run)).toEqual([0, `Restored ${file} into DATA_DIR (${restored}): 1 account, ${MIGRATIONS.length} migrations applied.\n`, '']);
    expect(statSync(restored).mode & 0o077).toBe(0);

    await withApp(restored, async (t) => {
      expect((await t.http.get('/api/me/').set(...bearer(user.access))).body.email).toBe(user.email);
      expect((await t.http.post('/api/token/refresh/').send({ refresh: user.refresh })).status).toBe(200);
      expect((await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).status).toBe(200);
    });
  }, 120_000);

  it("copies a running server's database through its backup socket while it takes writes, consistent; no restore onto the open folder", async () => {
    const live = folder('live');
    const signedUp: SignedUp[] = [];
    let writing = true;
    const { run, refused, before, after, logs } = await withApp(live, async (t) => {
      signedUp.push(await signup(t.http));
      const before = signedUp.length;
      // Sign-ups go on, one after another, for as long as the backup takes.
      const writer = (async () => {
        while (writing) signedUp.push(await signup(t.http));
      })();
      const run = await cli(['backup', join(root, 'live.tar.gz')], live);
      writing = false;
      await writer;
      const refused = await cli(['restore', file], live);
      return { run, refused, before, after: signedUp.length, logs: t.logs.join('') };
    });
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/, from the running server\)\.\n$/);
    expect(logs).toContain('backup: a copy of the embedded database was sent over the backup socket');
    // A stopped server leaves no socket behind, nor its folder.
    expect(existsSync(dirname(backupSocketPath(live)))).toBe(false);
    expect(outcome(refused)).toEqual([
      1,
      '',
      `The embedded database in DATA_DIR (${live}) is open in another process, most likely the server: stop it first, since only one process may use it at a time ` +
        `(if none is running, a crash left ${join(live, 'postmaster.pid')} behind: remove it).\n`,
    ]);

    const restored = folder('live-restored');
    expect((await cli(['restore', join(root, 'live.tar.gz')], restored)).code).toBe(0);
    await withApp(restored, async (t) => {
      const rows: { email: string }[] = await t.db.query('SELECT email FROM users');
      // Sign-ups commit one after another: the copy has those up to one moment, with no gap and no half of one.
      expect(rows.length).toBeGreaterThanOrEqual(before);
      expect(rows.length).toBeLessThanOrEqual(after);
      expect(rows.map((row) => row.email).sort()).toEqual(signedUp.slice(0, rows.length).map((one) => one.email).sort());
      // The last account in the copy, the one nearest the moment it was taken, is whole.
      expect((await t.http.post('/api/login/').send({ email: signedUp[rows.length - 1].email, password: PASSWORD })).status).toBe(200);
    });
  }, 120_000);

  it('refuses to restore onto a folder that is not empty without --force; --force moves its contents aside', async () => {
    const target = folder('target');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'operator data');
    expect(outcome(await cli(['restore', file], target))).toEqual([
      1,
      '',
      `DATA_DIR (${target}) is not empty: restore into an empty or new folder (set DATA_DIR to it), or pass --force to move what it holds aside.\n`,
    ]);
    expect(readdirSync(target)).toEqual(['notes.txt']);

    const forced = await cli(['restore', file, '--force'], target);
    expect(forced.code).toBe(0);
    const aside = /^What DATA_DIR held before is in (.+); delete it once the restored database is known good\.$/m.exec(forced.stdout)?.[1];
    expect(aside && dirname(aside)).toBe(root);
    expect(readFileSync(join(aside!, 'notes.txt'), 'utf8')).toBe('operator data');
    expect(readdirSync(target)).toContain('PG_VERSION');
    const listed = await cli(['users:list'], target);
    expect([listed.code, listed.stdout.trimEnd().split('\n').at(-1)]).toEqual([0, '1 account.']);
  }, 120_000);

  it('refuses a damaged or foreign backup and changes nothing', async () => {
    const target = folder('damaged-target');
    mkdirSync(target);
    writeFileSync(join(target, 'keep-me'), 'operator data');
    const whole = readFileSync(file);
    const cases: [string, Buffer, string][] = [
      ['truncated.tar.gz', whole.subarray(0, Math.floor(whole.length / 2)), 'unexpected end of file'],
      ['garbage.tar.gz', Buffer.from('not a backup\n'.repeat(100)), 'not a tar archive, gzipped or not'],
      ['foreign.tar.gz', gzipSync(execFileSync('tar', ['-c', '-C', target, 'keep-me'])), 'PGlite failed to initialize properly'],
    ];
    for (const [name, bytes, reason] of cases) {
      const bad = join(root, name);
      writeFileSync(bad, bytes);
      const before = listing(root);
      const run = await cli(['restore', bad, '--force'], target);
      expect(outcome(run)).toEqual([1, '', `${bad} is not a backup of this service's database that opens (${reason}); nothing was changed.\n`]);
      // No staging folder left behind, nothing moved aside, the target as it was.
      expect(listing(root)).toEqual(before);
    }
  }, 120_000);

  it("will not ask a server whose socket folder other users can enter: they could have made it to answer in the server's place", async () => {
    const socketFolder = dirname(backupSocketPath(source));
    mkdirSync(socketFolder, { recursive: true });
    chmodSync(socketFolder, 0o755);
    try {
      const run = await withApp(source, () => cli(['backup', join(root, 'never.tar.gz')], source));
      expect(outcome(run)).toEqual([1, '', `The backup socket's folder cannot be trusted: ${socketFolder} is open to other users (mode 755).\n`]);
      expect(existsSync(join(root, 'never.tar.gz'))).toBe(false);
    } finally {
      rmSync(socketFolder, { recursive: true, force: true });
    }
  }, 120_000);

  it('points at pg_dump and pg_restore with DATABASE_URL, and has nothing to copy in memory or in an empty folder', async () => {
    const postgres = { DATABASE_URL: 'postgres://backup@127.0.0.1:5432/auth' };
    const empty = folder('never-used');
    expect(outcome(await cli(['backup', 'out.dump'], empty, postgres))).toEqual([
      1,
      '',
      'With DATABASE_URL the database is PostgreSQL\'s, and backups are pg_dump\'s: pg_dump --format=custom --file=FILE "$DATABASE_URL" (docs/operations.md, Backups).\n',
    ]);
    expect(outcome(await cli(['restore', 'in.dump'], empty, postgres))).toEqual([
      1,
      '',
      'With DATABASE_URL the database is PostgreSQL\'s, and restores are pg_restore\'s: pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" FILE (docs/operations.md, Backups).\n',
    ]);
    expect(outcome(await cli(['backup', 'out.tar.gz'], 'memory://'))).toEqual([
      1,
      '',
      "DATA_DIR is memory://: the embedded database is in the server's memory, never on disk, and has nothing to back up or restore.\n",
    ]);
    expect(outcome(await cli(['backup', 'out.tar.gz'], empty))).toEqual([1, '', `There is no database in DATA_DIR (${empty}) to back up.\n`]);
    expect(existsSync(empty)).toBe(false);
    expect(outcome(await cli(['restore'], empty))).toEqual([2, '', 'restore: expected 1 argument, got 0\nUsage: cli restore <file> [--force]\n']);
  }, 60_000);
});
