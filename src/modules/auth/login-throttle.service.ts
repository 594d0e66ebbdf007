import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { throttleConfig } from '../../config/throttle.config.js';
import { ThrottledError } from '../../common/errors/app-error.js';
import { RateLimitStore } from '../../throttle/rate-limit.store.js';

/**
 * Brute-force protection for password login (SECURITY.md 25, OWASP Authentication cheat
 * sheet): failures are counted per account+IP, per account and per IP. Past each key's free
 * allowance every further failure blocks that key for a doubling delay, never for good, so a
 * stranger cannot lock an owner out for long. The check runs before any hashing.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly store: RateLimitStore,
    @Inject(throttleConfig.KEY) private readonly config: ConfigType<typeof throttleConfig>,
  ) {}

  private keys(email: string, ip: string | null): { key: string; free: number }[] {
    const account = email.trim().toLowerCase();
    const address = ip ?? 'unknown';
    return [
      { key: `login:acct-ip:${account}|${address}`, free: this.config.accountIpFree },
      { key: `login:acct:${account}`, free: this.config.accountFree },
      { key: `login:ip:${address}`, free: this.config.ipFree },
    ];
  }

  async assertAllowed(email: string, ip: string | null): Promise<void> {
    const ms = await this.store.blockedFor(this.keys(email, ip).map(({ key }) => key));
    if (ms > 0) throw new ThrottledError(Math.ceil(ms / 1000));
  }

  async recordFailure(email: string, ip: string | null): Promise<void> {
    const keys = this.keys(email, ip);
    const counts = await this.store.increment(keys.map(({ key }) => key), this.config.windowSeconds * 1000);
    for (const [index, { key, free }] of keys.entries()) {
      const over = counts[index] - free;
      if (over > 0) {
        const delaySeconds = Math.min(2 ** Math.min(over - 1, 30), this.config.maxDelaySeconds);
        await this.store.block(key, delaySeconds * 1000);
      }
    }
  }

  /** A correct password clears the account's counters; the IP's stays (one IP, many accounts). */
  async recordSuccess(email: string, ip: string | null): Promise<void> {
    await this.store.reset(this.keys(email, ip).slice(0, 2).map(({ key }) => key));
  }
}
