/**
 * Small, dependency-free statistics for timing tests: Welch's unequal-variances t statistic
 * and a symmetric outlier trim. Pure functions, no I/O.
 */

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of an empty sample');
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Unbiased sample variance (n - 1 in the denominator). */
export function variance(values: readonly number[]): number {
  if (values.length < 2) throw new Error('variance needs at least two values');
  const m = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - m) ** 2;
  return squares / (values.length - 1);
}

/**
 * The value at quantile `q` (0..1) of a sample, by linear interpolation between the two
 * nearest order statistics (the "type 7" definition used by R and NumPy by default).
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile must be within 0..1, got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export interface WelchResult {
  /** (mean(a) - mean(b)) / sqrt(var(a)/n(a) + var(b)/n(b)). */
  t: number;
  /** Welch–Satterthwaite degrees of freedom, for the record. */
  df: number;
  meanA: number;
  meanB: number;
  sdA: number;
  sdB: number;
  nA: number;
  nB: number;
}

/**
 * Welch's t statistic for two independent samples with possibly different variances.
 * Two samples that are both constant and equal give t = 0; constant but different give ±Infinity.
 */
export function welch(a: readonly number[], b: readonly number[]): WelchResult {
  const meanA = mean(a);
  const meanB = mean(b);
  const varA = variance(a);
  const varB = variance(b);
  const seA = varA / a.length;
  const seB = varB / b.length;
  const standardError = Math.sqrt(seA + seB);
  const difference = meanA - meanB;
  let t: number;
  if (standardError > 0) t = difference / standardError;
  else t = difference === 0 ? 0 : Math.sign(difference) * Infinity;
  const dfDenominator = (seA ** 2) / (a.length - 1) + (seB ** 2) / (b.length - 1);
  const df = dfDenominator > 0 ? (seA + seB) ** 2 / dfDenominator : a.length + b.length - 2;
  return { t, df, meanA, meanB, sdA: Math.sqrt(varA), sdB: Math.sqrt(varB), nA: a.length, nB: b.length };
}

/**
 * Drops every value above the pooled sample's `q` quantile from both samples, with one
 * threshold for both, so the trim cannot by itself create or hide a difference between them:
 * it only removes the rare long stalls (GC, scheduler) that a shared machine adds at random.
 */
export function trimPooledAbove(a: readonly number[], b: readonly number[], q: number): { a: number[]; b: number[]; threshold: number } {
  const threshold = quantile([...a, ...b], q);
  return { a: a.filter((value) => value <= threshold), b: b.filter((value) => value <= threshold), threshold };
}
