import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { Clock } from '../src/common/clock.js';
import { HousekeepingService, type HousekeepingReport } from '../src/modules/ops/housekeeping.service.js';
import { startApp, type TestApp } from './setup/test-app.js';
import { ownSchema, type OwnSchema } from './factories/own-schema.js';
import { bearer, login, signup, type SignedUp } from './factories/users.js';
import { decodePayload } from './factories/jwt.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const BATCH = 100;

/** Every table housekeeping deletes from, and users, which it never touches. */
const TABLES = ['sessions', 'outstanding_tokens', 'blacklisted_tokens', 'mfa_challenges', 'oauth_flows', 'account_tokens', 'mail_outbox', 'security_events', 'users'] as const;
type Sizes = Record<(typeof TABLES)[number], number>;

/**
 * Retention (issue 14, point 4). A first churn of logins, refreshes, logouts, MFA tickets, reset
 * and verification mail and redirect sign-ins is made to have happened long ago (every timestamp
 * moved back); a second one is today's. Housekeeping must take the tables back to exactly
 * today's rows, leave every spent refresh token that still verifies able to expose a replay,
 * and, as the housekeeping clock moves past each lifetime and retention period, empty each
 * table in its turn, never deleting mail still to be sent.
 */
describe('data retention', () => {
  let t: TestApp;
  let schema: OwnSchema;
  let housekeeping: HousekeepingService;
  let users: SignedUp[];
  let mfaUser: SignedUp & { secret: string };

  beforeAll(async () => {
    schema = await ownSchema('retention');
    t = await startApp({
      ...schema.env,
      HOUSEKEEPING_BATCH_SIZE: String(BATCH),
      SESSION_RETENTION_DAYS: '30',
      MAIL_RETENTION_DAYS: '14',
      AUDIT_RETENTION_DAYS: '90',
      // Any replay of a spent token is theft here, however soon it comes.
      REFRESH_REUSE_GRACE_SECONDS: '0',
      MAIL_POLL_INTERVAL_MS: '50',
      GOOGLE_OAUTH_CLIENT_ID: 'retention-client',
      GOOGLE_OAUTH_CLIENT_SECRET: 'retention-secret',
    });
    housekeeping = t.app.get(HousekeepingService);
    users = await Promise.all(Array.from({ length: 4 }, () => signup(t.http)));
    const enrolling = await signup(t.http);
    // MFA asks for a verified address; how it got verified is not this test's business.
    await t.db.query('UPDATE users SET email_verified = true WHERE id = $1', [enrolling.userId]);
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(enrolling.access));
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 }).generate();
    expect((await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(enrolling.access)).send({ code })).status).toBe(200);
    mfaUser = { ...enrolling, secret: setup.body.secret };
  });
  afterAll(async () => {
    await t?.close();
    await schema?.drop();
  });

  async function sizes(): Promise<Sizes> {
    const counts = await Promise.all(TABLES.map(async (table) => [table, Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n)] as const));
    return Object.fromEntries(counts) as Sizes;
  }

  async function housekeepingAt(now: Date): Promise<HousekeepingReport> {
    jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(now);
    const report = await housekeeping.run();
    expect(report).not.toBeNull();
    return report!;
  }

  /** Waits (polling) until the outbox worker has finished every mail but those still retrying. */
  async function outboxDrained(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const [{ n }] = await t.db.query(`SELECT count(*) AS n FROM mail_outbox WHERE coalesce(sent_at, skipped_at, failed_at) IS NULL AND attempts = 0`);
      if (Number(n) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the outbox did not drain');
  }

  /**
   * Sign-ins and their aftermath, over HTTP: per user `logins` sessions of `refreshes` rotations
   * each, every other one logged out; MFA tickets; reset and verification requests (their mail
   * sent, or skipped over the per-address limit); redirect sign-ins started and abandoned.
   * Returns the spent refresh tokens of the sessions left open.
   */
  async function churn(logins: number, refreshes: number): Promise<{ spent: string; access: string }[]> {
    const open: { spent: string; access: string }[] = [];
    await Promise.all(
      users.map(async (user) => {
        for (let i = 0; i < logins; i++) {
          let pair = await login(t.http, user.email);
          let spent = '';
          for (let r = 0; r < refreshes; r++) {
            const response = await t.http.post('/api/token/refresh/').send({ refresh: pair.refresh });
            expect(response.status).toBe(200);
            spent = pair.refresh;
            pair = response.body;
          }
          if (i % 2 === 1) expect((await t.http.post('/api/auth/logout/').send({ refresh: pair.refresh })).status).toBe(200);
          else open.push({ spent, access: pair.access });
        }
        for (let i = 0; i < 3; i++) {
          expect((await t.http.post('/api/auth/password/reset/').send({ email: user.email })).status).toBe(200);
          expect((await t.http.post('/api/auth/registration/resend-email/').send({ email: user.email })).status).toBe(200);
        }
      }),
    );
    for (let i = 0; i < 3; i++) {
      const ticket = await t.http.post('/api/login/').send({ email: mfaUser.email, password: mfaUser.password });
      expect(ticket.body.mfa_token).toEqual(expect.any(String));
    }
    for (let i = 0; i < 5; i++) expect((await t.http.get('/api/auth/google/redirect/?next=/home')).status).toBe(302);
    await outboxDrained();
    return open;
  }

  /** Moves every timestamp of every row back by `days`: what is in the tables now happened that long ago. */
  async function happenedDaysAgo(days: number): Promise<void> {
    for (const table of TABLES.filter((name) => name !== 'users')) {
      const columns: { name: string }[] = await t.db.query(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'timestamp with time zone'`,
        [table],
      );
      await t.db.query(`UPDATE ${table} SET ${columns.map(({ name }) => `${name} = ${name} - make_interval(days => ${days})`).join(', ')}`);
    }
  }

  it('takes every table back to its live rows, keeps spent refresh tokens until they expire, and empties each table once its period has passed', async () => {
    // Long ago: 1,000 sign-ins each refreshed twice, from a bulk load (rows as the service
    // writes them), then 16 over HTTP refreshed 15 times each.
    await t.db.query(
      `WITH s AS (
         INSERT INTO sessions (id, user_id, ip, user_agent, created_at, last_used_at, expires_at)
         SELECT gen_random_uuid(), u.id, '203.0.113.9', 'bulk', now(), now(), now() + interval '1 day' FROM users u, generate_series(1, 200)
         RETURNING id, user_id, expires_at),
       o AS (
         INSERT INTO outstanding_tokens (id, jti, session_id, user_id, expires_at)
         SELECT gen_random_uuid(), gen_random_uuid(), id, user_id, expires_at FROM s, generate_series(1, 3)
         RETURNING id, session_id),
       b AS (
         INSERT INTO blacklisted_tokens (id, token_id)
         SELECT gen_random_uuid(), id FROM (SELECT id, row_number() OVER (PARTITION BY session_id) AS n FROM o) spent WHERE n < 3)
       INSERT INTO security_events (id, user_id, event, ip, session_id) SELECT gen_random_uuid(), user_id, 'login_succeeded', '203.0.113.9', id FROM s`,
    );
    await churn(4, 15);
    // A mail given up on, and an operator's action: finished records like any other.
    await t.db.query(
      `INSERT INTO mail_outbox (id, to_address, kind, params, resolved_at, attempts, failed_at, last_error)
       VALUES (gen_random_uuid(), $1, 'password_reset', '{}', now(), 50, now(), 'Connection refused')`,
      [users[0].email],
    );
    await t.db.query(
      `INSERT INTO security_events (id, event, actor_id, target_id, details) VALUES (gen_random_uuid(), 'admin_user_changed', $1, $2, '{"is_active": [true, false]}')`,
      [mfaUser.userId, users[1].userId],
    );
    const history = await sizes();
    expect(history.outstanding_tokens).toBeGreaterThan(3000);
    expect(history.blacklisted_tokens).toBeGreaterThan(2000);
    await happenedDaysAgo(400);

    // A mail that has been failing for weeks and is still being retried.
    await t.db.query(
      `INSERT INTO mail_outbox (id, to_address, kind, params, resolved_at, created_at, attempts, next_attempt_at, last_error)
       VALUES (gen_random_uuid(), $1, 'password_reset', '{}', now() - interval '20 days', now() - interval '20 days', 40, now() + interval '10 minutes', 'Connection refused')`,
      [users[0].email],
    );
    const before = await sizes();

    // Today.
    const open = await churn(2, 10);
    const today = await sizes();
    const live = Object.fromEntries(TABLES.map((table) => [table, today[table] - before[table]])) as Sizes;
    const steady: Sizes = { ...live, mail_outbox: live.mail_outbox + 1, users: today.users };

    const report = await housekeepingAt(new Date());
    expect(await sizes()).toEqual(steady);
    // One summary line per run, counts only.
    const summary = t.logs.filter((line) => line.includes('housekeeping: deleted'));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toContain(`${before.outstanding_tokens} refresh_tokens`);
    for (const user of users) expect(summary[0]).not.toContain(user.email);
    expect(summary[0]).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    // Bounded: no statement deleted more than a batch, and the history took many.
    for (const counts of Object.values(report.batches)) expect(Math.max(...counts)).toBeLessThanOrEqual(BATCH);
    expect(report.batches.refresh_tokens.length).toBeGreaterThanOrEqual(Math.ceil(before.outstanding_tokens / BATCH));
    expect(report.batches.refresh_tokens.reduce((sum, n) => sum + n, 0)).toBe(before.outstanding_tokens);

    // A stolen spent token replayed after housekeeping, while it still verifies: theft, the session ends.
    const { spent, access } = open[0];
    const sid = decodePayload(spent).sid;
    expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(200);
    expect((await t.http.post('/api/token/refresh/').send({ refresh: spent })).status).toBe(401);
    expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(401);
    expect(await t.db.query(`SELECT revoke_reason FROM sessions WHERE id = $1`, [sid])).toEqual([{ revoke_reason: 'refresh_reuse' }]);
    expect(await t.db.query(`SELECT event FROM security_events WHERE session_id = $1 AND event = 'refresh_reuse'`, [sid])).toHaveLength(1);
    const afterReplay = await sizes();

    // An hour on: MFA tickets (5 min), redirect flows (10 min) and reset links (1 h) are gone;
    // verification links (3 days) and every refresh token (1 day) stay.
    const start = Date.now();
    await housekeepingAt(new Date(start + HOUR + 60_000));
    const [{ n: verifyLinks }] = await t.db.query(`SELECT count(*) AS n FROM account_tokens WHERE purpose = 'verify_email'`);
    expect(Number(verifyLinks)).toBeGreaterThan(0);
    expect(await sizes()).toEqual({ ...afterReplay, mfa_challenges: 0, oauth_flows: 0, account_tokens: Number(verifyLinks) });

    // A day and the clock-skew margin on: no refresh token verifies any more, and none is left.
    await housekeepingAt(new Date(start + DAY + 6 * 60_000));
    expect(await sizes()).toEqual({ ...afterReplay, mfa_challenges: 0, oauth_flows: 0, account_tokens: Number(verifyLinks), outstanding_tokens: 0, blacklisted_tokens: 0 });

    // Past the mail retention: finished mail goes, the mail still retrying stays.
    await housekeepingAt(new Date(start + 15 * DAY));
    const afterMail = await sizes();
    expect(afterMail).toMatchObject({ account_tokens: 0, mail_outbox: 1, sessions: afterReplay.sessions, security_events: afterReplay.security_events });
    expect(await t.db.query(`SELECT attempts, sent_at FROM mail_outbox`)).toEqual([{ attempts: 40, sent_at: null }]);

    // Past the session retention, then the audit retention.
    await housekeepingAt(new Date(start + 31 * DAY));
    expect(await sizes()).toEqual({ ...afterMail, sessions: 0 });
    await housekeepingAt(new Date(start + 91 * DAY));
    expect(await sizes()).toEqual({ ...afterMail, sessions: 0, security_events: 0 });
    // Users are never housekeeping's to delete.
    expect((await sizes()).users).toBe(today.users);
  });

  // PGlite is PostgreSQL in single-user mode, without autovacuum: deleted rows would keep their
  // room for good, and the files would grow as if nothing were deleted. PostgreSQL's autovacuum
  // does it there, at its own pace.
  it('vacuums what it emptied on the embedded database, so new rows reuse the room of deleted ones', async () => {
    const embedded = !process.env.DATABASE_URL;
    const heapBytes = async () => Number((await t.db.query(`SELECT pg_relation_size('security_events') AS n`))[0].n);
    const yearOld = () =>
      t.db.query(`INSERT INTO security_events (id, event, ip, created_at) SELECT gen_random_uuid(), 'login_failed', '203.0.113.9', now() - interval '1 year' FROM generate_series(1, 5000)`);
    await yearOld();
    const full = await heapBytes();
    const report = await housekeepingAt(new Date());
    expect(report.batches.security_events.reduce((sum, n) => sum + n, 0)).toBe(5000);
    expect(report.vacuumed).toEqual(embedded ? ['security_events'] : []);
    if (embedded) {
      await yearOld();
      expect(await heapBytes()).toBeLessThanOrEqual(full);
    }
  });
});
