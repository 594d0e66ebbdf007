import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnInstance, type Instance } from './setup/spawn-instance.js';
import { SmtpSink } from './setup/smtp-sink.js';
import { signup, uniqueEmail } from './factories/users.js';
import { compareInterleaved, describeComparison, distinctAnswers, PAIRS, RESEND_SENT, RESET_SENT, T_LIMIT } from './factories/timing.js';

/*
 * SECURITY.md 17, measured the way an attacker measures it: from another process, over TCP.
 * The service runs as its own process (on the embedded PGlite by default, on PostgreSQL and
 * Redis when DATABASE_URL and REDIS_URL are set) and delivers to a real SMTP sink here.
 *
 * Before answering, every request records the same outbox row, known address or not; the
 * outbox worker then looks the address up and, for a known one, issues the token and delivers.
 * A client inside the service's own process would read each answer only once the service's
 * event loop is free, so it would count that work done after answering as part of the answer. A remote client cannot see
 * that work in the answer; the shuffled order of compareInterleaved() spreads whatever delay it
 * leaves for later requests over both groups alike.
 */
describe('reset and resend timing do not reveal whether an account exists (SECURITY.md 17)', () => {
  let sink: SmtpSink;
  let service: Instance;
  let known: string;
  beforeAll(async () => {
    sink = await SmtpSink.start();
    // Optional verification so that a resend for an unverified account has work to do; the
    // per-address mail limit at its maximum so that every known-address request really sends a
    // mail (past the limit the service silently stops sending, which answers alike too).
    service = await spawnInstance({
      SMTP_URL: sink.url,
      ACCOUNT_EMAIL_VERIFICATION: 'optional',
      ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR: '1000',
    });
    ({ email: known } = await signup(service.http));
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await sink?.stop();
  });

  it(
    `answers a reset request for an unknown email exactly as for a known one, in the same time (Welch |t| < ${T_LIMIT} over ${PAIRS} pairs)`,
    async () => {
      const result = await compareInterleaved(
        () => service.http.post('/api/auth/password/reset/').send({ email: known }),
        () => service.http.post('/api/auth/password/reset/').send({ email: uniqueEmail() }),
      );
      console.log(describeComparison('reset known vs unknown email', result));
      expect(distinctAnswers(result.a, result.b)).toEqual([{ status: 200, body: RESET_SENT }]);
      // The known side did real work while answering alike: every request (warm-up included) mailed a link.
      await sink.waitFor(known, /Reset your password/, PAIRS, 30_000);
      expect(Math.abs(result.stats.t)).toBeLessThan(T_LIMIT);
    },
    150_000,
  );

  it(
    `answers a verification resend for an unknown email exactly as for a known one, in the same time (Welch |t| < ${T_LIMIT} over ${PAIRS} pairs)`,
    async () => {
      const result = await compareInterleaved(
        () => service.http.post('/api/auth/registration/resend-email/').send({ email: known }),
        () => service.http.post('/api/auth/registration/resend-email/').send({ email: uniqueEmail() }),
      );
      console.log(describeComparison('resend known vs unknown email', result));
      expect(distinctAnswers(result.a, result.b)).toEqual([{ status: 200, body: RESEND_SENT }]);
      // Limit 1000 an hour: the signup mail, 500+ resets above and the resends share it, so most resends mail too.
      await sink.waitFor(known, /Confirm your e-mail address/, 100, 30_000);
      expect(Math.abs(result.stats.t)).toBeLessThan(T_LIMIT);
    },
    150_000,
  );
});
