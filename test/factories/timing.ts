import { randomInt } from 'node:crypto';
import type { Response } from 'supertest';
import { quantile, trimPooledAbove, welch, type WelchResult } from './welch.js';

/**
 * SECURITY.md 4 and 17, measured: whether an address has an account must not show in the
 * answer or in its timing. Each comparison sends 500 requests of each kind (500 pairs),
 * interleaved at random, and applies Welch's t-test to the wall times; |t| must stay under 4.5.
 */

export const PAIRS = 500;
const WARMUP_REQUESTS = 20;
export const T_LIMIT = 4.5;
/**
 * Shared machines stall now and then (GC, the scheduler, a neighbour's build), and a single
 * 200 ms stall in one group moves its mean and variance far more than any real leak would.
 * So before the test, values above the 99th percentile of the POOLED sample are dropped from
 * both groups with the same threshold: the trim is symmetric and cannot create a difference.
 */
const TRIM_QUANTILE = 0.99;

export const INVALID_LOGIN = { detail: 'Invalid email or password.', code: 'authentication_failed' };
export const RESET_SENT = { detail: 'Password reset e-mail has been sent.' };
export const RESEND_SENT = { detail: 'Verification e-mail sent.' };

export type Probe = () => PromiseLike<Response>;

export interface Observation {
  ms: number;
  status: number;
  body: unknown;
}

export interface Comparison {
  a: Observation[];
  b: Observation[];
  stats: WelchResult;
  threshold: number;
}

export async function observe(probe: Probe): Promise<Observation> {
  const started = process.hrtime.bigint();
  const response = await probe();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, status: response.status, body: response.body };
}

/**
 * Warms up, then sends `pairs` requests of each kind in one random interleaving (a shuffled
 * sequence of `pairs` a's and `pairs` b's), so drift over the run and whatever a request
 * leaves running after it has answered fall on both groups alike.
 *
 * Why not fixed pairs: within a pair the first request is always followed by the other kind,
 * so the background work of a known address (token, outbox insert, mail worker) slows mostly
 * the unknown requests after it. Random pair order still puts 3/4 of the requests following
 * an `a` in group `b`; an a-b-b-a pattern balances the request just before but puts every `a`
 * two requests after a `b`. Both showed here as a steady 1-2 ms bias against the unknown side.
 * In a shuffled sequence the kind of the previous requests is (nearly) independent of the
 * kind of the current one, so only a difference in the answer itself remains.
 *
 * Returns every observation and Welch's t over the symmetrically trimmed times.
 */
export async function compareInterleaved(a: Probe, b: Probe, pairs = PAIRS): Promise<Comparison> {
  for (let i = 0; i < WARMUP_REQUESTS / 2; i++) {
    await a();
    await b();
  }
  const order: ('a' | 'b')[] = [...Array<'a'>(pairs).fill('a'), ...Array<'b'>(pairs).fill('b')];
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const observed: Comparison = { a: [], b: [], stats: undefined as never, threshold: 0 };
  for (const kind of order) {
    if (kind === 'a') observed.a.push(await observe(a));
    else observed.b.push(await observe(b));
  }
  const trimmed = trimPooledAbove(observed.a.map((o) => o.ms), observed.b.map((o) => o.ms), TRIM_QUANTILE);
  observed.stats = welch(trimmed.a, trimmed.b);
  observed.threshold = trimmed.threshold;
  return observed;
}

export function describeComparison(label: string, { stats, threshold, a, b }: Comparison): string {
  const median = (values: Observation[]) => quantile(values.map((o) => o.ms), 0.5).toFixed(2);
  return (
    `${label}: t = ${stats.t.toFixed(2)} (df ${stats.df.toFixed(0)}); ` +
    `mean ${stats.meanA.toFixed(3)} vs ${stats.meanB.toFixed(3)} ms, sd ${stats.sdA.toFixed(3)} vs ${stats.sdB.toFixed(3)}, ` +
    `median ${median(a)} vs ${median(b)} ms; kept ${stats.nA}/${a.length} vs ${stats.nB}/${b.length} at or below ${threshold.toFixed(2)} ms`
  );
}

/** Every distinct (status, body) seen across both groups: one answer means nothing told them apart. */
export function distinctAnswers(...groups: Observation[][]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const group of groups) for (const { status, body } of group) seen.set(JSON.stringify([status, body]), { status, body });
  return [...seen.values()];
}
