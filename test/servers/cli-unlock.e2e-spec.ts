import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../setup/cli-process.js';
import { buildService } from '../setup/spawn-instance.js';
import { startApp, testEnv, type TestApp } from '../setup/test-app.js';
import { staffMember } from '../factories/staff.js';
import { bearer, PASSWORD, signup } from '../factories/users.js';

// Runs only with DATABASE_URL and REDIS_URL (see jest.config.js). Without Redis each server counts
// failed logins in its own memory, which no other process can clear; the CLI refuses there
// (test/cli.e2e-spec.ts). With Redis the counters are shared, and the CLI clears them while the
// server runs: PostgreSQL, unlike the embedded database, takes both processes at once.
describe('users:unlock with the throttles in Redis', () => {
  const env = { ...testEnv(), ACCOUNT_EMAIL_VERIFICATION: 'none', LOGIN_THROTTLE_ACCOUNT_IP_FREE: '2', LOGIN_THROTTLE_MAX_DELAY_SECONDS: '600' };
  let t: TestApp;

  beforeAll(async () => {
    buildService();
    t = await startApp(env);
  }, 120_000);
  afterAll(() => t.close());

  it("lets a throttled account sign in again on the running server, on record via the CLI", async () => {
    const user = await signup(t.http);
    // Two free wrong passwords, a third through the (1 s) gate, then the gate is shut.
    for (let attempt = 0; attempt < 3; attempt++) await t.http.post('/api/login/').send({ email: user.email, password: 'wrong-password-123' });
    expect((await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).status).toBe(429);

    const run = await runCli(['users:unlock', user.email], env);
    expect([run.code, run.stdout, run.stderr]).toEqual([0, `${user.email} can sign in again.\n`, '']);
    expect((await t.http.post('/api/login/').send({ email: user.email, password: PASSWORD })).status).toBe(200);

    const admin = await staffMember(t, { superuser: true });
    const events = await t.http.get(`/api/admin/events/?user=${user.userId}&type=admin_throttles_cleared`).set(...bearer(admin.access));
    expect(events.body.results.map((event: any) => [event.actor, event.details])).toEqual([[null, { via: 'cli' }]]);
  }, 120_000);
});
