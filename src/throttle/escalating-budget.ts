import type { Redis } from 'ioredis';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { deletePrefixed, fromStore, newLimiter, takePoint, type Verdict } from './budget.js';

export interface EscalatingPolicy {
  /** Attempts per key in the window before delays start. */
  free: number;
  windowSeconds: number;
  maxDelaySeconds: number;
  /** Told of every refusal (the throttle-blocks metric). */
  blocked: () => void;
}

/** An attempt let through: what to undo if it ends up not being checked after all. */
export interface Reservation {
  key: string;
  /** It went through the delay gate, which it has closed for the next delay. */
  gated: boolean;
}

/**
 * `free` attempts per key and window; from the last free one on, each attempt lets one more
 * through only after a doubling delay (1 s, 2 s, 4 s … up to `maxDelaySeconds`), so a stranger
 * cannot lock an owner out for long (OWASP Authentication cheat sheet). Both the count and the
 * delay gate are single atomic store operations taken before the password is checked, so a
 * burst of any size gets `free` attempts at most (SECURITY.md 31).
 */
export class EscalatingBudget {
  private readonly counter: RateLimiterAbstract;
  private readonly gate: RateLimiterAbstract;

  constructor(
    private readonly redis: Redis | null,
    name: string,
    private readonly policy: EscalatingPolicy,
  ) {
    this.counter = newLimiter(redis, `${name}:count`, policy.free, policy.windowSeconds);
    // One point per delay; each closing sets its own duration (customDuration).
    this.gate = newLimiter(redis, `${name}:gate`, 1, 1);
  }

  async reserve(key: string): Promise<{ reservation: Reservation } | { refused: Extract<Verdict, { allowed: false }> }> {
    const { consumedPoints } = await fromStore(this.counter.penalty(key, 1));
    const over = consumedPoints - this.policy.free;
    if (over < 0) return { reservation: { key, gated: false } };
    const delaySeconds = Math.min(2 ** Math.min(over, 30), this.policy.maxDelaySeconds);
    const verdict = await takePoint(this.gate, key, { customDuration: delaySeconds });
    if (verdict.allowed) return { reservation: { key, gated: true } };
    // A refused attempt is not checked, so it does not count (nor lengthen the next delay).
    await fromStore(this.counter.reward(key, 1));
    this.policy.blocked();
    return { refused: verdict };
  }

  /** The attempt was refused by another budget before it was checked: hand back what it took. */
  async undo({ key, gated }: Reservation): Promise<void> {
    await fromStore(this.counter.reward(key, 1));
    if (gated) await fromStore(this.gate.delete(key));
  }

  /** The right password: the key starts afresh. */
  async clear(key: string): Promise<void> {
    await fromStore(Promise.all([this.counter.delete(key), this.gate.delete(key)]));
  }

  /** An operator's unlock: every key starting with `prefix` starts afresh. */
  async clearPrefixed(prefix: string): Promise<void> {
    await fromStore(Promise.all([deletePrefixed(this.counter, this.redis, prefix), deletePrefixed(this.gate, this.redis, prefix)]));
  }
}
