import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ServiceUnavailableError } from '../common/errors/app-error.js';

/** The store's answer to one attempt: let through, or refused until `retryAfterMs` has passed. */
export type Verdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * One limiter of rate-limiter-flexible: in this process, or in Redis (atomic Lua, under
 * REDIS_KEY_PREFIX through the shared client) when configured. No insurance limiter: while Redis
 * is unreachable every check is a 503, never a pass (SECURITY.md 28).
 */
export function newLimiter(redis: Redis | null, name: string, points: number, durationSeconds: number, blockSeconds = 0): RateLimiterAbstract {
  const options = { keyPrefix: `throttle:${name}`, points, duration: durationSeconds, blockDuration: blockSeconds };
  return redis ? new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true }) : new RateLimiterMemory(options);
}

/** Runs one store operation; any store failure becomes a 503. */
export async function fromStore<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch {
    throw new ServiceUnavailableError();
  }
}

/** Takes one point; a refusal carries the wait, a store failure is a 503. */
export async function takePoint(limiter: RateLimiterAbstract, key: string, options?: { customDuration: number }): Promise<Verdict> {
  try {
    await limiter.consume(key, 1, options);
    return { allowed: true };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(error.msBeforeNext, 1) };
    throw new ServiceUnavailableError();
  }
}

/**
 * A fixed number of attempts per key and window. The point is taken before the work it guards,
 * in one atomic store operation, so a parallel burst cannot get more than `points` through.
 */
export class Budget {
  private readonly limiter: RateLimiterAbstract;

  constructor(redis: Redis | null, name: string, points: number, durationSeconds: number, blockSeconds = 0) {
    this.limiter = newLimiter(redis, name, points, durationSeconds, blockSeconds);
  }

  take(key: string): Promise<Verdict> {
    return takePoint(this.limiter, key);
  }

  /** The guarded work succeeded and should not count against the key (e.g. a right code). */
  async giveBack(key: string): Promise<void> {
    await fromStore(this.limiter.reward(key, 1));
  }
}
