import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ServiceUnavailableError } from '../common/errors/app-error.js';
import { REDIS } from '../redis/redis.module.js';

/**
 * Failure counters and blocks, shared through Redis when configured, else kept in this process.
 * A Redis error is a 503, never "not blocked" (SECURITY.md 28).
 */
@Injectable()
export class RateLimitStore {
  private readonly counters = new Map<string, { count: number; expiresAt: number }>();
  private readonly blocks = new Map<string, number>();

  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  /** Milliseconds until the longest block among `keys` ends; 0 when none is blocked. */
  async blockedFor(keys: string[]): Promise<number> {
    if (!this.redis) {
      const now = Date.now();
      return Math.max(0, ...keys.map((key) => (this.blocks.get(key) ?? 0) - now));
    }
    try {
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.pttl(`block:${key}`);
      const results = (await pipeline.exec()) ?? [];
      return Math.max(0, ...results.map(([error, ttl]) => {
        if (error) throw error;
        return Number(ttl);
      }));
    } catch {
      throw new ServiceUnavailableError();
    }
  }

  /** Adds one to each counter (each lives `windowMs` from its first hit) and returns the new counts. */
  async increment(keys: string[], windowMs: number): Promise<number[]> {
    if (!this.redis) {
      const now = Date.now();
      this.sweep(now);
      return keys.map((key) => {
        const current = this.counters.get(key);
        const next = current && current.expiresAt > now ? { count: current.count + 1, expiresAt: current.expiresAt } : { count: 1, expiresAt: now + windowMs };
        this.counters.set(key, next);
        return next.count;
      });
    }
    try {
      const pipeline = this.redis.multi();
      for (const key of keys) {
        pipeline.incr(`count:${key}`);
        pipeline.pexpire(`count:${key}`, windowMs, 'NX');
      }
      const results = (await pipeline.exec()) ?? [];
      return keys.map((_key, index) => Number(results[index * 2][1]));
    } catch {
      throw new ServiceUnavailableError();
    }
  }

  async block(key: string, ms: number): Promise<void> {
    if (!this.redis) {
      this.blocks.set(key, Math.max(this.blocks.get(key) ?? 0, Date.now() + ms));
      return;
    }
    try {
      // Like the in-memory store, a new block never shortens a longer one already running.
      await this.redis.multi().set(`block:${key}`, '1', 'PX', ms, 'NX').pexpire(`block:${key}`, ms, 'GT').exec();
    } catch {
      throw new ServiceUnavailableError();
    }
  }

  async reset(keys: string[]): Promise<void> {
    if (!this.redis) {
      for (const key of keys) {
        this.counters.delete(key);
        this.blocks.delete(key);
      }
      return;
    }
    try {
      await this.redis.del(...keys.flatMap((key) => [`count:${key}`, `block:${key}`]));
    } catch {
      throw new ServiceUnavailableError();
    }
  }

  private sweep(now: number): void {
    if (this.counters.size < 50_000) return;
    for (const [key, value] of this.counters) if (value.expiresAt <= now) this.counters.delete(key);
    for (const [key, until] of this.blocks) if (until <= now) this.blocks.delete(key);
  }
}
