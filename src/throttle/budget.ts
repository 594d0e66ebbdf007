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

/** Redis glob metacharacters taken literally (KEYS/SCAN MATCH patterns). */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Deletes every key of the limiter that starts with `prefix`: an operator's unlock, which must
 * clear counters whose full key it cannot know (the addresses an account was tried from). In
 * Redis a SCAN (the client's REDIS_KEY_PREFIX is not applied to its pattern, so it is added
 * here); in this process the limiter's own map. Returns how many were deleted.
 */
export async function deletePrefixed(limiter: RateLimiterAbstract, redis: Redis | null, prefix: string): Promise<number> {
  const wanted = limiter.getKey(prefix);
  const keys: string[] = [];
  if (redis) {
    const base = redis.options.keyPrefix ?? '';
    const stream = redis.scanStream({ match: `${escapeGlob(base + wanted)}*`, count: 500 });
    for await (const batch of stream as AsyncIterable<string[]>) keys.push(...batch.map((key) => key.slice(base.length)));
  } else {
    const storage = (limiter as unknown as { _memoryStorage?: { _storage?: unknown } })._memoryStorage?._storage;
    // A private field of rate-limiter-flexible's memory store; throttle-unlock tests fail loudly if it moves.
    if (!(storage instanceof Map)) throw new Error('rate-limiter-flexible: the memory store has no key map to unlock from');
    keys.push(...[...(storage.keys() as Iterable<string>)].filter((key) => key.startsWith(wanted)));
  }
  await Promise.all(keys.map((key) => limiter.delete(limiter.parseKey(key))));
  return keys.length;
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
  private readonly blocked: () => void;

  /** `blocked` is told of every refusal (the throttle-blocks metric). */
  constructor(redis: Redis | null, name: string, points: number, durationSeconds: number, options: { blockSeconds?: number; blocked: () => void }) {
    this.limiter = newLimiter(redis, name, points, durationSeconds, options.blockSeconds ?? 0);
    this.blocked = options.blocked;
  }

  async take(key: string): Promise<Verdict> {
    const verdict = await takePoint(this.limiter, key);
    if (!verdict.allowed) this.blocked();
    return verdict;
  }

  /** The guarded work succeeded and should not count against the key (e.g. a right code). */
  async giveBack(key: string): Promise<void> {
    await fromStore(this.limiter.reward(key, 1));
  }

  /** An operator's unlock: the key starts afresh. */
  async clear(key: string): Promise<void> {
    await fromStore(this.limiter.delete(key));
  }
}
