import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Redis } from 'ioredis';
import { accountConfig } from '../config/account.config.js';
import { mfaConfig } from '../config/mfa.config.js';
import { throttleConfig } from '../config/throttle.config.js';
import { REDIS } from '../redis/redis.module.js';
import { MetricsService } from '../modules/ops/metrics.service.js';
import { Budget } from './budget.js';
import { EscalatingBudget } from './escalating-budget.js';

const MFA_WINDOW_SECONDS = 15 * 60;

/**
 * Every throttle of the service, by name, in one place. Each reserves its attempt atomically
 * before the work it guards (SECURITY.md 31), in this process or in Redis when configured.
 * Account-based keys are `emailKey(email)` (SECURITY.md 32), so every spelling of one address
 * draws on one budget.
 */
@Injectable()
export class ThrottlePolicies {
  /**
   * Password checks, at login and at every re-entry of the password (change, account deletion,
   * MFA disable; SECURITY.md 25 and 33): per account+IP, per account and per IP.
   */
  readonly passwordAccountIp: EscalatingBudget;
  readonly passwordAccount: EscalatingBudget;
  readonly passwordIp: EscalatingBudget;

  /** Second-factor codes per user: MFA_MAX_FAILURES wrong ones in 15 minutes, then 15 minutes' wait. */
  readonly mfaCodes: Budget;

  /** Requests per client IP and minute to each open endpoint that writes or mails (PUBLIC_RATE_LIMIT_PER_MINUTE). */
  readonly publicPerIp: Budget;

  /** Mails of one kind to one address per hour (ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR). */
  readonly mailsPerAddress: Budget;

  constructor(
    @Inject(REDIS) redis: Redis | null,
    @Inject(throttleConfig.KEY) throttle: ConfigType<typeof throttleConfig>,
    @Inject(mfaConfig.KEY) mfa: ConfigType<typeof mfaConfig>,
    @Inject(accountConfig.KEY) account: ConfigType<typeof accountConfig>,
    metrics: MetricsService,
  ) {
    // Each budget's name is its store prefix and its `policy` label on auth_throttle_blocks_total.
    const password = (name: string, free: number) =>
      new EscalatingBudget(redis, name, { free, windowSeconds: throttle.windowSeconds, maxDelaySeconds: throttle.maxDelaySeconds, blocked: metrics.throttled(name) });
    const budget = (name: string, points: number, durationSeconds: number, blockSeconds = 0) =>
      new Budget(redis, name, points, durationSeconds, { blockSeconds, blocked: metrics.throttled(name) });
    this.passwordAccountIp = password('password-account-ip', throttle.accountIpFree);
    this.passwordAccount = password('password-account', throttle.accountFree);
    this.passwordIp = password('password-ip', throttle.ipFree);
    this.mfaCodes = budget('mfa-codes', mfa.maxFailures, MFA_WINDOW_SECONDS, MFA_WINDOW_SECONDS);
    this.publicPerIp = budget('public-per-ip', throttle.publicPerMinute, 60);
    this.mailsPerAddress = budget('mails-per-address', account.mailsPerAddressPerHour, 3600);
  }
}
