import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { PASSWORD, signup, uniqueEmail } from './factories/users.js';
import { trimPooledAbove, welch } from './factories/welch.js';
import { compareInterleaved, describeComparison, distinctAnswers, INVALID_LOGIN, PAIRS, T_LIMIT } from './factories/timing.js';

// Reset and resend timing (SECURITY.md 17) is measured in enumeration-timing-mail.e2e-spec.ts.

describe('Welch t statistic (test helper)', () => {
  it('matches a hand-computed value', () => {
    // means 3 and 6, variances 2.5 and 10, n = 5 each: t = -3 / sqrt(0.5 + 2) = -1.8974
    const result = welch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(result.t).toBeCloseTo(-3 / Math.sqrt(2.5), 10);
    expect(result.meanA).toBe(3);
    expect(result.meanB).toBe(6);
  });

  it('finds a 1 ms offset in 500 pairs of 25 ms ± 2 ms noise, and none between two draws of the same noise', () => {
    // A deterministic generator so the check never flakes: Box–Muller on a small LCG.
    let state = 12345;
    const uniform = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state + 0.5) / 2 ** 32;
    };
    const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const sample = (offset: number) => Array.from({ length: PAIRS }, () => 25 + offset + 2 * normal());
    expect(Math.abs(welch(sample(1), sample(0)).t)).toBeGreaterThan(T_LIMIT);
    expect(Math.abs(welch(sample(0), sample(0)).t)).toBeLessThan(T_LIMIT);
  });

  it('trims both samples at one pooled threshold', () => {
    const { a, b, threshold } = trimPooledAbove([1, 2, 3, 100], [1, 2, 3, 4], 0.9);
    expect(threshold).toBeGreaterThan(4);
    expect(a).toEqual([1, 2, 3]);
    expect(b).toEqual([1, 2, 3, 4]);
  });
});

describe('login timing does not reveal whether an account exists (SECURITY.md 4)', () => {
  let t: TestApp;
  let known: string;
  beforeAll(async () => {
    // Throttling would turn hundreds of wrong passwords into 429s; its own suite covers it.
    // (The config caps these at 1000 / 10000 / 100000; one run sends about 520 per account.)
    t = await startApp({
      LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1000',
      LOGIN_THROTTLE_ACCOUNT_FREE: '10000',
      LOGIN_THROTTLE_IP_FREE: '100000',
      ACCOUNT_EMAIL_VERIFICATION: 'none',
    });
    ({ email: known } = await signup(t.http));
    // The "existing" side really is an account with an argon2 hash that a right password opens.
    expect((await t.http.post('/api/login/').send({ email: known, password: PASSWORD })).status).toBe(200);
  });
  afterAll(() => t.close());

  const wrongPassword = () => t.http.post('/api/login/').send({ email: known, password: 'not-the-password-9' });
  // A fresh address each time, the same shape and length as the known one, as an enumerator would probe.
  const unknownEmail = () => t.http.post('/api/login/').send({ email: uniqueEmail(), password: 'not-the-password-9' });

  it(
    `takes the same time to refuse an unknown email as a wrong password (Welch |t| < ${T_LIMIT} over ${PAIRS} pairs)`,
    async () => {
      const result = await compareInterleaved(wrongPassword, unknownEmail);
      console.log(describeComparison('login wrong password vs unknown email', result));
      expect(distinctAnswers(result.a, result.b)).toEqual([{ status: 401, body: INVALID_LOGIN }]);
      expect(Math.abs(result.stats.t)).toBeLessThan(T_LIMIT);
    },
    180_000,
  );

  it(
    'would notice a login that skips the argon2 verification (the measurement is not vacuous)',
    async () => {
      // A number as the password is refused with 400 before any hashing: the ~25 ms of one
      // argon2id verification is exactly what a missing dummy verification would save.
      const noHash = () => t.http.post('/api/login/').send({ email: uniqueEmail(), password: 12345678 });
      const result = await compareInterleaved(wrongPassword, noHash, 100);
      console.log(describeComparison('control: wrong password vs no hashing', result));
      expect(distinctAnswers(result.b)).toEqual([{ status: 400, body: { password: expect.any(Array) } }]);
      expect(Math.abs(result.stats.t)).toBeGreaterThan(T_LIMIT * 4);
    },
    60_000,
  );
});
