import { spawn } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { LAST_SUPERUSER } from '../src/modules/users/users.service.js';
import { runCli, type CliRun } from './setup/cli-process.js';
import { ownDatabase, type OwnDatabase } from './setup/own-database.js';
import { buildService, freePort } from './setup/spawn-instance.js';
import { startApp, testEnv, type TestApp } from './setup/test-app.js';
import { bearer, login, signup, uniqueEmail } from './factories/users.js';

type Env = Record<string, string | undefined>;

const SECRET = 'copper-lantern-meadow-58';
const CREATED = /Created the superuser (\S+) \(ADMIN_BOOTSTRAP_EMAIL\): the database had none/;

const outcome = (run: CliRun) => [run.code, run.stdout, run.stderr];
const created = (t: TestApp) => t.logs.filter((line) => CREATED.test(line));

/** `node dist/src/main.js` until it exits on its own (a start that fails); killed after a minute, so a start that succeeds fails the test. */
async function failedStart(env: Env): Promise<CliRun> {
  const merged: Env = { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(await freePort()) };
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: merged as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: CliRun = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (run.stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (run.stderr += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  run.code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return run;
}

/**
 * ADMIN_BOOTSTRAP_EMAIL/PASSWORD, each case on an empty database of its own: the server's first
 * start makes that superuser while there is none.
 */
describe('the superuser bootstrap at start', () => {
  let database: OwnDatabase | undefined;
  let env: Env;
  const email = uniqueEmail('boot');

  beforeAll(() => buildService());
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  async function freshDatabase(): Promise<void> {
    database = await ownDatabase('bootstrap');
    env = { ...testEnv(), ...database.env, ACCOUNT_EMAIL_VERIFICATION: 'none', ADMIN_BOOTSTRAP_EMAIL: email, ADMIN_BOOTSTRAP_PASSWORD: SECRET };
  }

  it('creates the superuser at the first start and says so, never the password; later starts do nothing; the CLI never does it', async () => {
    await freshDatabase();
    // Not even a command on the empty database: the CLI does what it is told and nothing else.
    expect(outcome(await runCli(['users:list'], env))).toEqual([0, '0 accounts.\n', '']);

    const first = await startApp(env);
    try {
      expect(created(first).map((line) => JSON.parse(line).email)).toEqual([email]);
      expect(first.logs.join('')).not.toContain(SECRET);
      const { access } = await login(first.http, email, SECRET);
      const listed = await first.http.get('/api/admin/users/').set(...bearer(access));
      expect(listed.body.results).toEqual([expect.objectContaining({ email, is_staff: true, is_superuser: true, email_verified: true })]);
      const events = await first.http.get('/api/admin/events/?type=admin_superuser_created').set(...bearer(access));
      expect(events.body.results.map((event: any) => [event.actor, event.details])).toEqual([[null, { via: 'bootstrap', email }]]);
    } finally {
      await first.close();
    }

    // There is a superuser now, so another address in the settings changes nothing either.
    const other = uniqueEmail('boot-later');
    const later = await startApp({ ...env, ADMIN_BOOTSTRAP_EMAIL: other });
    try {
      expect(created(later)).toEqual([]);
      expect((await later.http.post('/api/login/').send({ email: other, password: SECRET })).status).toBe(401);
      const [{ count }] = await later.db.query(`SELECT count(*)::int AS count FROM users WHERE is_superuser`);
      expect(count).toBe(1);
    } finally {
      await later.close();
    }

    // The only superuser is the last one: the CLI's commands keep it, as the admin API does.
    for (const args of [['users:deactivate', email], ['users:set-staff', email, 'false'], ['users:set-superuser', email, 'false']]) {
      expect(outcome(await runCli(args, env))).toEqual([1, '', `${LAST_SUPERUSER}\n`]);
    }
  }, 180_000);

  it('stops the start in one line naming ADMIN_BOOTSTRAP_PASSWORD when the password policy refuses it, and creates nothing', async () => {
    await freshDatabase();
    const weak = email.split('@')[0];
    const run = await failedStart({ ...env, ADMIN_BOOTSTRAP_PASSWORD: weak });
    expect([run.code, run.stderr]).toEqual([1, 'Invalid configuration: ADMIN_BOOTSTRAP_PASSWORD is refused by the password policy: The password is too similar to the email.\n']);
    expect(run.stdout).not.toContain(weak);
    expect(outcome(await runCli(['users:list'], env))).toEqual([0, '0 accounts.\n', '']);
  }, 120_000);

  it('never promotes an account that already holds the address; the start goes on and the log says why', async () => {
    await freshDatabase();
    const plain: Env = { ...env, ADMIN_BOOTSTRAP_EMAIL: undefined, ADMIN_BOOTSTRAP_PASSWORD: undefined };
    // Whoever signed up with the address before the operator's first start.
    const squatter = await (async () => {
      const t = await startApp(plain);
      try {
        return await signup(t.http, { email });
      } finally {
        await t.close();
      }
    })();

    const t = await startApp(env);
    try {
      expect(created(t)).toEqual([]);
      const errors = t.logs.map((line) => JSON.parse(line)).filter((entry) => entry.level === 50);
      expect(errors.map((entry) => entry.msg)).toEqual([
        `ADMIN_BOOTSTRAP_EMAIL (${email}) belongs to an existing account that is not a superuser: it was not promoted and no superuser was created. ` +
          'Promote it knowingly (cli users:set-superuser <email> true) or create one (cli createsuperuser --email <email>).',
      ]);
      expect((await t.http.get('/health/ready')).status).toBe(200);
      expect((await t.http.get('/api/admin/users/').set(...bearer(squatter.access))).status).toBe(403);
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM users WHERE is_staff OR is_superuser`);
      expect(count).toBe(0);
    } finally {
      await t.close();
    }
  }, 120_000);
});
