import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MIGRATIONS } from '../migrations/index.js';
import { runCli, runInTerminal, type CliRun } from './setup/cli-process.js';
import { ownDatabase, type OwnDatabase } from './setup/own-database.js';
import { SmtpSink } from './setup/smtp-sink.js';
import { buildService, freePort } from './setup/spawn-instance.js';
import { startApp, testEnv, type TestApp } from './setup/test-app.js';
import { bearer, login, PASSWORD, signup, uniqueEmail } from './factories/users.js';

type Env = Record<string, string | undefined>;
type As = (method: 'get' | 'post' | 'patch', path: string) => any;

const GENERAL_USAGE = 'Usage: cli <command> [arguments] [--help]';
const MIGRATE_HINT = 'apply them with `npm run migration:run` (in the image: node dist/src/database/migrate.js run), or let the server apply them at start (DB_MIGRATIONS_RUN)';

const outcome = (run: CliRun) => [run.code, run.stdout, run.stderr];

/**
 * The CLI as operators run it: `node dist/src/cli.js` as its own process, on a database of its
 * own that the test's app then reads over HTTP. An embedded database may be open in one process
 * at a time, so the app is started for each look and closed before the next command.
 */
describe('operator CLI', () => {
  let database: OwnDatabase;
  let env: Env;
  const operator = uniqueEmail('operator');
  let created: CliRun;

  const cli = (args: string[], extra: Env = {}, input = '') => runCli(args, { ...env, ...extra }, { input });

  async function withApp<T>(use: (t: TestApp) => Promise<T>, extra: Env = {}): Promise<T> {
    const t = await startApp({ ...env, ...extra });
    try {
      return await use(t);
    } finally {
      await t.close();
    }
  }

  /** The operator's calls to the admin API. */
  async function asOperator(t: TestApp): Promise<As> {
    const { access } = await login(t.http, operator);
    return (method, path) => (t.http as any)[method](path).set(...bearer(access));
  }

  /** The admin events about an account, newest first. */
  async function eventsAbout(t: TestApp, userId: string, type: string): Promise<any[]> {
    const response = await (await asOperator(t))('get', `/api/admin/events/?user=${userId}&type=${type}`);
    expect(response.status).toBe(200);
    return response.body.results;
  }

  beforeAll(async () => {
    buildService();
    database = await ownDatabase('cli');
    env = { ...testEnv(), ...database.env, ACCOUNT_EMAIL_VERIFICATION: 'none' };
    created = await cli(['createsuperuser', '--email', operator, '--password-stdin'], {}, `${PASSWORD}\n`);
  }, 180_000);
  afterAll(() => database?.drop());

  it('createsuperuser --password-stdin makes a verified staff superuser who signs in and uses the admin API', async () => {
    expect(outcome(created)).toEqual([0, `Superuser ${operator} created.\n`, '']);
    await withApp(async (t) => {
      const as = await asOperator(t);
      const listed = await as('get', `/api/admin/users/?search=${encodeURIComponent(operator)}`);
      expect(listed.status).toBe(200);
      expect(listed.body.results).toEqual([expect.objectContaining({ email: operator, is_active: true, is_staff: true, is_superuser: true, email_verified: true, has_password: true })]);
      const [event] = await eventsAbout(t, listed.body.results[0].id, 'admin_superuser_created');
      expect(event).toMatchObject({ actor: null, user: listed.body.results[0].id, details: { via: 'cli', email: operator } });
    });
  });

  it("createsuperuser refuses with exit status 1 and the API's messages: a taken address, a weak password, a bad address", async () => {
    const tag = `refused${randomUUID().slice(0, 8)}`;
    const cases: [string, string, string][] = [
      // Another spelling of the operator's address is the same account.
      [operator.toUpperCase(), 'another-long-passphrase-7', 'A user with this email already exists.'],
      [`${tag}.common@example.com`, 'password', 'This password is too common.'],
      [`${tag}.short@example.com`, 'x7-kite', 'This password is too short. It must contain at least 8 characters.'],
      [`${tag}.lanternfish@example.com`, 'lanternfish', 'The password is too similar to the email.'],
      [`${tag}.blank@example.com`, '', 'This field may not be blank.'],
      [`${tag}@`, 'another-long-passphrase-7', 'Enter a valid email address.'],
    ];
    for (const [email, password, message] of cases) {
      expect(outcome(await cli(['createsuperuser', '--email', email, '--password-stdin'], {}, `${password}\n`))).toEqual([1, '', `${message}\n`]);
    }
    expect(outcome(await cli(['users:list', '--search', tag]))).toEqual([0, '0 accounts.\n', '']);
  }, 180_000);

  it('exits with status 2 and a usage line on bad usage; --help lists the commands', async () => {
    const cases: [string[], string, string][] = [
      [[], 'No command given; `cli --help` lists them.', GENERAL_USAGE],
      [['users:purge', operator], 'Unknown command "users:purge"; `cli --help` lists the commands.', GENERAL_USAGE],
      [['users:deactivate'], 'users:deactivate: expected 1 argument, got 0', 'Usage: cli users:deactivate <email>'],
      [['users:logout', operator, 'now'], 'users:logout: expected 1 argument, got 2', 'Usage: cli users:logout <email>'],
      [['users:set-staff', operator, 'yes'], 'users:set-staff: the second argument must be true or false, got "yes"', 'Usage: cli users:set-staff <email> true|false'],
      [['users:list', '--verbose'], "users:list: Unknown option '--verbose'.", 'Usage: cli users:list [--search <text>] [--staff true|false] [--active true|false] [--limit <n>]'],
      [['users:list', '--limit', '0'], 'users:list: --limit must be a whole number from 1 to 1000, got "0"', 'Usage: cli users:list [--search <text>] [--staff true|false] [--active true|false] [--limit <n>]'],
      [['createsuperuser', '--password-stdin'], 'createsuperuser: --email is required', 'Usage: cli createsuperuser --email <email> [--password-stdin]'],
      // Not on a terminal and no --password-stdin: there is nobody to ask.
      [['createsuperuser', '--email', uniqueEmail('piped')], 'createsuperuser: no terminal to ask the password on; pipe it in with --password-stdin', 'Usage: cli createsuperuser --email <email> [--password-stdin]'],
    ];
    for (const [args, problem, usage] of cases) {
      expect(outcome(await cli(args))).toEqual([2, '', `${problem}\n${usage}\n`]);
    }

    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['createsuperuser', 'users:list', 'users:deactivate', 'users:activate', 'users:logout', 'users:unlock', 'users:set-staff', 'users:set-superuser', 'migrations:status', 'housekeeping', 'backup', 'restore']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    const one = await cli(['users:set-staff', '--help']);
    expect([one.code, one.stdout.split('\n')[0]]).toEqual([0, 'Usage: cli users:set-staff <email> true|false']);
  }, 180_000);

  it('warns of a misspelt setting, and of nothing else: it signs no token and encrypts no MFA secret with a generated key', async () => {
    const run = await cli(['users:list', '--search', 'nobody-has-this-prefix'], { DATABASE_ULR: 'postgres://elsewhere/db', MFA_ENCRYPTION_KEY: undefined });
    expect(outcome(run)).toEqual([0, '0 accounts.\n', 'Warning: DATABASE_ULR is not a setting of this service and is ignored; did you mean DATABASE_URL?\n']);
  });

  it('says "Invalid configuration" in one line and exits 1 on a bad setting, from the environment or .env', async () => {
    expect(outcome(await cli(['users:list'], { ACCESS_TOKEN_LIFETIME: 'abc' }))).toEqual([1, '', 'Invalid configuration: ACCESS_TOKEN_LIFETIME must be a whole number, got "abc"\n']);
    const folder = mkdtempSync(join(tmpdir(), 'cli-dotenv-'));
    try {
      writeFileSync(join(folder, '.env'), 'DB_POOL_SIZE=0\n');
      expect(outcome(await runCli(['users:list'], env, { cwd: folder }))).toEqual([1, '', 'Invalid configuration: DB_POOL_SIZE must be between 1 and 200, got 0\n']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('names DATABASE_URL in one line when the database cannot be reached, and exits though Redis is still being retried', async () => {
    const [databasePort, redisPort] = [await freePort(), await freePort()];
    const run = await cli(['users:list'], { DATABASE_URL: `postgres://postgres@127.0.0.1:${databasePort}/gone`, REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Invalid configuration: DATABASE_URL names a database this service cannot use (127.0.0.1:${databasePort}/gone): connect ECONNREFUSED 127.0.0.1:${databasePort}\n`);
  });

  it('refuses an address that has no account, with exit status 1', async () => {
    const nobody = uniqueEmail('nobody');
    for (const args of [['users:deactivate', nobody], ['users:logout', nobody], ['users:set-staff', nobody, 'true']]) {
      expect(outcome(await cli(args))).toEqual([1, '', `No account with the e-mail address ${nobody}.\n`]);
    }
  }, 120_000);

  it("users:deactivate refuses the account's tokens at once; users:activate lets it sign in again; both on record via the CLI", async () => {
    const user = await withApp((t) => signup(t.http));
    expect(outcome(await cli(['users:deactivate', user.email]))).toEqual([0, `${user.email} is deactivated; its sessions have ended.\n`, '']);
    await withApp(async (t) => {
      expect((await t.http.get('/api/me/').set(...bearer(user.access))).status).toBe(401);
      const refused = await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD });
      expect([refused.status, refused.body.code]).toEqual([403, 'user_inactive']);
    });

    expect(outcome(await cli(['users:activate', user.email]))).toEqual([0, `${user.email} is active.\n`, '']);
    await withApp(async (t) => {
      expect((await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).status).toBe(200);
      const events = await eventsAbout(t, user.userId, 'admin_user_changed');
      expect(events.map((event) => [event.actor, event.details])).toEqual([
        [null, { is_active: [false, true], via: 'cli' }],
        [null, { is_active: [true, false], sessions_ended: 1, via: 'cli' }],
      ]);
    });
  }, 120_000);

  it('users:logout ends every session of the account, on record via the CLI', async () => {
    const [user, second] = await withApp(async (t) => {
      const user = await signup(t.http);
      return [user, await login(t.http, user.email)] as const;
    });
    expect(outcome(await cli(['users:logout', user.email]))).toEqual([0, `Ended 2 sessions of ${user.email}.\n`, '']);
    await withApp(async (t) => {
      for (const access of [user.access, second.access]) expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(401);
      expect((await t.http.post('/api/token/refresh/').send({ refresh: second.refresh })).status).toBe(401);
      // The account itself is untouched: a new sign-in works.
      expect((await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).status).toBe(200);
      const [event] = await eventsAbout(t, user.userId, 'admin_sessions_ended');
      expect([event.actor, event.details]).toEqual([null, { sessions_ended: 2, via: 'cli' }]);
    });
  }, 120_000);

  it('users:set-staff grants and removes the admin API; "false" on a superuser removes superuser too', async () => {
    const user = await withApp((t) => signup(t.http));
    const second = uniqueEmail('second');
    expect((await cli(['createsuperuser', '--email', second, '--password-stdin'], {}, `${PASSWORD}\n`)).code).toBe(0);

    expect(outcome(await cli(['users:set-staff', user.email, 'true']))).toEqual([0, `${user.email} is staff now.\n`, '']);
    await withApp(async (t) => {
      expect((await t.http.get('/api/admin/users/').set(...bearer(user.access))).status).toBe(200);
    });
    expect(outcome(await cli(['users:set-staff', user.email, 'false']))).toEqual([0, `${user.email} is no longer staff.\n`, '']);
    expect(outcome(await cli(['users:set-staff', second, 'false']))).toEqual([0, `${second} is no longer staff nor superuser.\n`, '']);
    await withApp(async (t) => {
      expect((await t.http.get('/api/admin/users/').set(...bearer(user.access))).status).toBe(403);
      const { access } = await login(t.http, second);
      expect((await t.http.get('/api/admin/users/').set(...bearer(access))).status).toBe(403);
      expect((await eventsAbout(t, user.userId, 'admin_user_changed')).map((event) => event.details)).toEqual([
        { is_staff: [true, false], via: 'cli' },
        { is_staff: [false, true], via: 'cli' },
      ]);
      const [demoted] = await (await asOperator(t))('get', `/api/admin/users/?search=${encodeURIComponent(second)}`).then((response: any) => response.body.results);
      expect((await eventsAbout(t, demoted.id, 'admin_user_changed')).map((event) => event.details)).toEqual([{ is_staff: [true, false], is_superuser: [true, false], via: 'cli' }]);
    });
  }, 180_000);

  it('users:set-superuser grants superuser rights (staff with them) and removes them, leaving staff', async () => {
    const user = await withApp((t) => signup(t.http));
    expect(outcome(await cli(['users:set-superuser', user.email, 'true']))).toEqual([0, `${user.email} is a superuser now.\n`, '']);
    await withApp(async (t) => {
      const me = await t.http.get(`/api/admin/users/${user.userId}/`).set(...bearer(user.access));
      expect([me.status, me.body.is_staff, me.body.is_superuser]).toEqual([200, true, true]);
    });
    expect(outcome(await cli(['users:set-superuser', user.email, 'false']))).toEqual([0, `${user.email} is no longer a superuser (still staff).\n`, '']);
    await withApp(async (t) => {
      const me = await t.http.get(`/api/admin/users/${user.userId}/`).set(...bearer(user.access));
      expect([me.status, me.body.is_staff, me.body.is_superuser]).toEqual([200, true, false]);
      expect((await eventsAbout(t, user.userId, 'admin_user_changed')).map((event) => event.details)).toEqual([
        { is_superuser: [true, false], via: 'cli' },
        { is_staff: [false, true], is_superuser: [false, true], via: 'cli' },
      ]);
    });
  }, 120_000);

  // With REDIS_URL the counters are shared and the CLI clears them: test/servers/cli-unlock.e2e-spec.ts.
  it("users:unlock is refused without REDIS_URL, since each server keeps its throttles in its own memory", async () => {
    const user = await withApp((t) => signup(t.http));
    const run = await cli(['users:unlock', user.email], { REDIS_URL: undefined });
    expect(outcome(run)).toEqual([1, '', `Without REDIS_URL the throttles live in the server's memory, out of this command's reach: use POST /api/admin/users/${user.userId}/unlock/ or restart the server.\n`]);
  });

  it('users:list shows the accounts as a table by address, narrowed by --search, --staff and --limit', async () => {
    const tag = `lst${randomUUID().slice(0, 8)}`;
    const [anna, bert] = await withApp(async (t) => [
      await signup(t.http, { email: `${tag}.anna@example.com`, first_name: 'Anna', last_name: 'Lind' }),
      await signup(t.http, { email: `${tag}.bert@example.com`, first_name: 'Bert', last_name: 'Berg' }),
    ]);
    expect((await cli(['users:set-staff', bert.email, 'true'])).code).toBe(0);

    const all = await cli(['users:list', '--search', tag.toUpperCase()]);
    expect([all.code, all.stderr]).toEqual([0, '']);
    const rows = all.stdout.trimEnd().split('\n');
    expect(rows[0].split(/ {2,}/)).toEqual(['EMAIL', 'NAME', 'ACTIVE', 'STAFF', 'SUPERUSER', 'VERIFIED', 'MFA', 'JOINED (UTC)', 'LAST LOGIN (UTC)']);
    expect(rows.slice(1, 3).map((row) => row.split(/ {2,}/).slice(0, 7))).toEqual([
      [anna.email, 'Anna Lind', 'yes', 'no', 'no', 'no', 'no'],
      [bert.email, 'Bert Berg', 'yes', 'yes', 'no', 'no', 'no'],
    ]);
    expect(rows[1].split(/ {2,}/).slice(7)).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/), expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/)]);
    expect(rows.slice(3)).toEqual(['2 accounts.']);

    const staff = await cli(['users:list', '--search', tag, '--staff', 'true']);
    expect(staff.stdout.trimEnd().split('\n').slice(1).map((row) => row.split(/ {2,}/)[0])).toEqual([bert.email, '1 account.']);
    const first = await cli(['users:list', '--search', tag, '--limit', '1']);
    expect(first.stdout.trimEnd().split('\n').slice(1).map((row) => row.split(/ {2,}/)[0])).toEqual([anna.email, '1 of 2 accounts shown; narrow with --search or raise --limit.']);
  }, 120_000);

  it('migrations:status lists applied and pending migrations and applies none; other commands want them applied, as the server has them', async () => {
    const fresh = await ownDatabase('cli_status');
    const freshEnv = { ...env, ...fresh.env };
    const names = MIGRATIONS.map((migration) => migration.name);
    try {
      for (let run = 0; run < 2; run++) {
        const status = await runCli(['migrations:status'], freshEnv);
        expect([status.code, status.stderr]).toEqual([0, '']);
        const lines = status.stdout.trimEnd().split('\n');
        expect(lines.slice(0, names.length)).toEqual(names.map((name) => `[ ] ${name}`));
        expect(lines.at(-1)).toBe(`0 applied, ${names.length} pending: ${MIGRATE_HINT}.`);
      }
      // DB_MIGRATIONS_RUN=false (the default with DATABASE_URL): the server would not migrate, and the CLI refuses to act on an old schema.
      const refused = await runCli(['users:list'], { ...freshEnv, DB_MIGRATIONS_RUN: 'false' });
      expect(outcome(refused)).toEqual([1, '', `The database lacks ${names.length} migration(s) of this version (migrations:status lists them): ${MIGRATE_HINT}.\n`]);
      // DB_MIGRATIONS_RUN=true (the default on the embedded database): applied first, as the server's start does.
      expect(outcome(await runCli(['users:list'], freshEnv))).toEqual([0, '0 accounts.\n', '']);
      const after = await runCli(['migrations:status'], freshEnv);
      expect(after.stdout).toBe([...names.map((name) => `[X] ${name}`), `${names.length} applied, none pending.`, ''].join('\n'));
    } finally {
      await fresh.drop();
    }
  }, 180_000);

  it('housekeeping runs the retention job once and prints what it deleted, table by table', async () => {
    const user = await withApp((t) => signup(t.http));
    // Its sign-up's events, made older than the 90 days security events are kept by default.
    const aged = await withApp(async (t) => {
      const rows = await t.db.query(`UPDATE security_events SET created_at = now() - interval '91 days' WHERE user_id = $1 RETURNING id`, [user.userId]);
      return (rows[0] as unknown[]).length;
    });
    expect(aged).toBeGreaterThan(0);
    const run = await cli(['housekeeping']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const lines = run.stdout.trimEnd().split('\n');
    const counts = Object.fromEntries(lines.slice(0, -1).map((line) => line.split(/ +/)).map(([table, count]) => [table, Number(count)]));
    expect(Object.keys(counts)).toEqual(['refresh_tokens', 'sessions', 'mfa_challenges', 'oauth_flows', 'account_tokens', 'mail_outbox', 'security_events']);
    expect(counts.security_events).toBe(aged);
    const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
    expect(lines.at(-1)).toBe(`Deleted ${total} row${total === 1 ? '' : 's'}.`);
    await withApp(async (t) => {
      expect(await t.db.query('SELECT id FROM security_events WHERE user_id = $1', [user.userId])).toEqual([]);
    });
  }, 120_000);

  it('will not open an embedded database that another process has open, which would corrupt it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cli-busy-'));
    const embedded = { ...env, DATABASE_URL: undefined, DATA_DIR: folder };
    try {
      const t = await startApp(embedded);
      try {
        const run = await runCli(['users:list'], embedded);
        expect(outcome(run)).toEqual([
          1,
          '',
          `The embedded database in DATA_DIR (${folder}) is open in another process, most likely the server: stop it first, since only one process may use it at a time ` +
            `(if none is running, a crash left ${join(folder, 'postmaster.pid')} behind: remove it).\n`,
        ]);
      } finally {
        await t.close();
      }
      // Closed cleanly, the folder is free again.
      expect(outcome(await runCli(['users:list'], embedded))).toEqual([0, '0 accounts.\n', '']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);

  it('createsuperuser asks for the password twice on a terminal, showing none of it', async () => {
    const email = uniqueEmail('typed');
    const secret = 'quiet-meadow-copper-77';
    const mismatch = await runInTerminal(['createsuperuser', '--email', email], env, [['Password: ', secret], ['Password (again): ', `${secret}!`]]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stdout.trimEnd().split(/\r?\n/).at(-1)).toBe('The two password fields didn’t match.');

    const typed = await runInTerminal(['createsuperuser', '--email', email], env, [['Password: ', secret], ['Password (again): ', secret]]);
    expect(typed.code).toBe(0);
    expect(typed.stdout.split(/\r?\n/).filter(Boolean)).toEqual(['Password: ', 'Password (again): ', `Superuser ${email} created.`]);
    expect(typed.stdout + mismatch.stdout).not.toContain('quiet');
    await withApp(async (t) => {
      expect((await t.http.post('/api/login/').send({ email, password: secret })).status).toBe(200);
    });
  }, 120_000);

  it("leaves queued mail to the server's outbox worker and exits", async () => {
    const sink = await SmtpSink.reserve();
    const mail = { SMTP_URL: sink.url, MAIL_RETRY_BASE_MS: '10' };
    // Queued while SMTP is down, so it is still waiting when the CLI runs.
    const user = await withApp(async (t) => {
      const user = await signup(t.http);
      expect((await t.http.post('/api/auth/password/reset/').send({ email: user.email })).status).toBe(200);
      return user;
    }, mail);
    await sink.listen();
    try {
      const listed = await cli(['users:list', '--search', user.email], mail);
      expect([listed.code, listed.stdout.trimEnd().split('\n').at(-1)]).toEqual([0, '1 account.']);
      expect(sink.to(user.email)).toEqual([]);
      // The server's worker does deliver it: the CLI had something it could have sent.
      await withApp(() => sink.waitFor(user.email, /Reset your password/), mail);
    } finally {
      await sink.stop();
    }
  }, 120_000);
});
