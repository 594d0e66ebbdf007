import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BackgroundTasks } from '../../src/common/background-tasks.js';
import { startApp, type TestApp } from '../setup/test-app.js';
import { signup, uniqueEmail } from '../factories/users.js';
import { compareInterleaved, describeComparison, distinctAnswers, PAIRS, RESEND_SENT, RESET_SENT, T_LIMIT } from '../factories/timing.js';

/*
 * Runs on PostgreSQL (test/servers/ joins the run with DATABASE_URL and REDIS_URL) and not on
 * the embedded PGlite: PGlite executes SQL on the main thread, so the work done after answering
 * a reset for a known address (token, outbox row, mail worker) holds the event loop for several
 * milliseconds, and a request sent right after it is measurably slower (|t| 50-80 here). That is
 * a real side channel of the embedded development database, recorded in the README; with
 * PostgreSQL the queries run in the database server and the test holds.
 */
describe('reset and resend timing do not reveal whether an account exists (SECURITY.md 17)', () => {
  let t: TestApp;
  let known: string;
  beforeAll(async () => {
    // Optional verification so that a resend for an unverified account has work to do; the
    // per-address mail limit at its maximum so most known-address requests really queue a mail
    // (past it the app silently stops queuing, which answers alike too). No SMTP_URL: mail is only logged.
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'optional', ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR: '1000' });
    ({ email: known } = await signup(t.http));
  });
  afterAll(() => t.close());

  // The client runs on the app's own event loop, so a response is read only once the loop is
  // free: work the app does after answering (the lookup, token and mail of a known address) is
  // counted here if it holds the loop. That is deliberate. A remote client would not see it in
  // the same response, but it would see it as the delay of its next request: with the embedded
  // database (PGlite runs its queries on the main thread) a request sent right after a reset
  // for a known address waits several milliseconds longer than one sent after an unknown address.

  async function outboxCount(template: string, email: string): Promise<number> {
    await t.app.get(BackgroundTasks).idle();
    const [row] = await t.db.query('SELECT count(*)::int AS n FROM mail_outbox WHERE template = $1 AND to_address = $2', [template, email]);
    return row.n;
  }

  it(
    `answers a reset request for an unknown email exactly as for a known one, in the same time (Welch |t| < ${T_LIMIT} over ${PAIRS} pairs)`,
    async () => {
      const result = await compareInterleaved(
        () => t.http.post('/api/auth/password/reset/').send({ email: known }),
        () => t.http.post('/api/auth/password/reset/').send({ email: uniqueEmail() }),
      );
      console.log(describeComparison('reset known vs unknown email', result));
      expect(distinctAnswers(result.a, result.b)).toEqual([{ status: 200, body: RESET_SENT }]);
      // The known side did real work (a token and a queued mail) while answering alike.
      expect(await outboxCount('password_reset', known)).toBeGreaterThanOrEqual(PAIRS);
      expect(Math.abs(result.stats.t)).toBeLessThan(T_LIMIT);
    },
    120_000,
  );

  it(
    `answers a verification resend for an unknown email exactly as for a known one, in the same time (Welch |t| < ${T_LIMIT} over ${PAIRS} pairs)`,
    async () => {
      const result = await compareInterleaved(
        () => t.http.post('/api/auth/registration/resend-email/').send({ email: known }),
        () => t.http.post('/api/auth/registration/resend-email/').send({ email: uniqueEmail() }),
      );
      console.log(describeComparison('resend known vs unknown email', result));
      expect(distinctAnswers(result.a, result.b)).toEqual([{ status: 200, body: RESEND_SENT }]);
      expect(await outboxCount('verify_email', known)).toBeGreaterThan(1);
      expect(Math.abs(result.stats.t)).toBeLessThan(T_LIMIT);
    },
    120_000,
  );
});
