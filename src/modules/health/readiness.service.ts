import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { mailConfig } from '../../config/mail.config.js';
import { MIGRATE_COMMAND, pendingMigrations } from '../../database/migrations.js';
import { REDIS } from '../../redis/redis.module.js';
import { MailService } from '../mail/mail.service.js';
import { Recent } from './recent.js';
import { ShutdownState } from './shutdown-state.js';

export type CheckState = 'ok' | 'unavailable' | 'pending' | 'stalled' | 'unknown' | 'stopping';

export interface Readiness {
  /** `ok` and `degraded` answer 200; `unavailable` answers 503. */
  status: 'ok' | 'degraded' | 'unavailable';
  checks: Record<string, CheckState>;
}

/** How long the migrations and outbox answers are reused: probes come every few seconds, from every load balancer. */
const REUSE_MS = 2000;

async function probe<T>(check: () => Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What `/health/ready` answers. Unavailable (503) while this instance cannot serve: the database
 * or Redis (when configured) does not answer, migrations of this version are missing (its
 * queries would fail), or it is shutting down. The outbox is reported, not counted: mail that
 * has stopped leaving is `degraded` (200), since the outbox and the SMTP server are shared by
 * every instance, so each would report the same, and taking them all out of the load balancer
 * would stop sign-ins too while fixing no mail. Alert on it (the check, or the outbox metrics).
 */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Health');
  private readonly pending = new Recent(REUSE_MS, () => pendingMigrations(this.dataSource));
  private readonly outboxAge = new Recent(REUSE_MS, () => this.mail.oldestPendingAgeSeconds());
  private reported = { pending: '', stalled: false };

  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly mail: MailService,
    private readonly shutdown: ShutdownState,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
  ) {}

  async check(): Promise<Readiness> {
    if (this.shutdown.stopping) return { status: 'unavailable', checks: { server: 'stopping' } };
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1'), 1500),
      this.redis ? probe(() => this.redis!.ping(), 1000) : Promise.resolve(null),
    ]);
    const checks: Record<string, CheckState> = { database: database ? 'ok' : 'unavailable' };
    if (redis !== null) checks.redis = redis ? 'ok' : 'unavailable';
    if (database) {
      const [pending, age] = await Promise.all([probe(() => this.pending.get(), 1500), probe(() => this.outboxAge.get(), 1500)]);
      checks.migrations = pending === undefined ? 'unknown' : pending.length ? 'pending' : 'ok';
      checks.outbox = age === undefined ? 'unknown' : age >= this.config.stallSeconds ? 'stalled' : 'ok';
      this.report(pending, age);
    } else {
      checks.migrations = checks.outbox = 'unknown';
    }
    const failing = [checks.database, checks.redis, checks.migrations].some((state) => state !== undefined && state !== 'ok');
    return { status: failing ? 'unavailable' : checks.outbox === 'ok' ? 'ok' : 'degraded', checks };
  }

  /** One log line when an answer turns, not one per probe; an answer not known this time changes nothing. */
  private report(pending: string[] | undefined, age: number | undefined): void {
    if (pending !== undefined && pending.join(', ') !== this.reported.pending) {
      this.reported.pending = pending.join(', ');
      if (pending.length) this.logger.warn({ pending }, `not ready: migrations of this version are not applied (${this.reported.pending}); apply them with ${MIGRATE_COMMAND}`);
      else this.logger.log('ready again: no migration pending');
    }
    if (age !== undefined && (age >= this.config.stallSeconds) !== this.reported.stalled) {
      this.reported.stalled = !this.reported.stalled;
      const seconds = Math.round(age);
      if (this.reported.stalled) this.logger.warn({ oldestPendingSeconds: seconds }, `mail outbox stalled: the oldest mail still to be sent has waited ${seconds} s`);
      else this.logger.log('mail outbox draining again');
    }
  }
}
