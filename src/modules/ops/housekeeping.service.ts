import { setImmediate as nextTurn } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { databaseConfig } from '../../config/database.config.js';
import { retentionConfig } from '../../config/retention.config.js';
import { withAdvisoryLock } from '../../database/advisory-lock.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { AccountTokensService } from '../auth/account-tokens.service.js';
import { MfaLoginService } from '../auth/mfa/mfa-login.service.js';
import { MailService } from '../mail/mail.service.js';
import { OauthStateStore } from '../social/oauth-state.store.js';
import { SessionsService } from '../tokens/sessions.service.js';

/** pg_try_advisory_lock key of the housekeeping run ("authhkep"); no other lock of this service uses it. */
export const HOUSEKEEPING_LOCK_KEY = 0x6175_7468_686b_6570n;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one run deleted: per kind of row, the rows of each batch (statement) in order; and the tables it vacuumed. */
export interface HousekeepingReport {
  now: Date;
  batches: Record<string, number[]>;
  vacuumed: string[];
}

interface Task {
  name: string;
  /** Where its deletes land, foreign-key cascades included. */
  tables: string[];
  purge: (limit: number) => Promise<number>;
}

/**
 * Deletes what has outlived its use, table by table, in batches of HOUSEKEEPING_BATCH_SIZE rows;
 * each table's owner decides what is dead (the purge* methods). One instance at a time: the run
 * holds a PostgreSQL advisory lock, and an instance that finds it taken skips its turn. Each
 * batch is one statement that commits on its own, and the event loop turns between batches, so
 * requests waiting for a connection (the embedded database has only one) go first.
 */
@Injectable()
export class HousekeepingService implements OnApplicationShutdown {
  private readonly logger = new Logger('Housekeeping');
  private running?: Promise<HousekeepingReport | null>;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
    private readonly sessions: SessionsService,
    private readonly mfa: MfaLoginService,
    private readonly oauthStates: OauthStateStore,
    private readonly accountTokens: AccountTokensService,
    private readonly mail: MailService,
    private readonly events: SecurityEventsService,
    @Inject(retentionConfig.KEY) private readonly config: ConfigType<typeof retentionConfig>,
    @Inject(databaseConfig.KEY) private readonly database: ConfigType<typeof databaseConfig>,
  ) {}

  /**
   * One run now: the report, or null when another instance holds the lock (or this one is
   * shutting down). A run already going in this process is joined, not doubled.
   */
  run(): Promise<HousekeepingReport | null> {
    if (this.stopping) return Promise.resolve(null);
    this.running ??= this.locked().finally(() => (this.running = undefined));
    return this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    // A run stops after its current batch.
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  private async locked(): Promise<HousekeepingReport | null> {
    // Outside any transaction of a caller: each batch must commit on its own.
    const outcome = await this.txHost.withoutTransaction(() => withAdvisoryLock(this.dataSource, this.database.embedded, HOUSEKEEPING_LOCK_KEY, () => this.purgeAll()));
    if (!outcome.ran) this.logger.debug('housekeeping skipped: another instance is running it');
    return outcome.ran ? outcome.result : null;
  }

  /** In an order that leaves the fewest rows to foreign-key cascades: a session goes after its refresh tokens. */
  private tasks(now: Date): Task[] {
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const tokens = ['outstanding_tokens', 'blacklisted_tokens'];
    return [
      { name: 'refresh_tokens', tables: tokens, purge: (limit) => this.sessions.purgeExpiredRefreshTokens(now, limit) },
      { name: 'sessions', tables: ['sessions', ...tokens], purge: (limit) => this.sessions.purgeEnded(daysAgo(this.config.sessionDays), now, limit) },
      { name: 'mfa_challenges', tables: ['mfa_challenges'], purge: (limit) => this.mfa.purgeExpiredChallenges(now, limit) },
      { name: 'oauth_flows', tables: ['oauth_flows'], purge: (limit) => this.oauthStates.purgeExpired(now, limit) },
      { name: 'account_tokens', tables: ['account_tokens'], purge: (limit) => this.accountTokens.purgeExpired(now, limit) },
      { name: 'mail_outbox', tables: ['mail_outbox'], purge: (limit) => this.mail.purgeFinished(daysAgo(this.config.mailDays), limit) },
      { name: 'security_events', tables: ['security_events'], purge: (limit) => this.events.purgeOlderThan(daysAgo(this.config.auditDays), limit) },
    ];
  }

  private async purgeAll(): Promise<HousekeepingReport> {
    const started = Date.now();
    const now = this.clock.now();
    const report: HousekeepingReport = { now, batches: {}, vacuumed: [] };
    const limit = this.config.batchSize;
    const emptied = new Set<string>();
    for (const task of this.tasks(now)) {
      const batches: number[] = (report.batches[task.name] = []);
      try {
        while (!this.stopping) {
          const deleted = await task.purge(limit);
          batches.push(deleted);
          if (deleted > 0) task.tables.forEach((table) => emptied.add(table));
          if (deleted < limit) break;
          await nextTurn();
        }
      } catch (error) {
        // One table's failure (a statement timeout, say) leaves the others to be done; the next run retries it.
        this.logger.warn({ task: task.name, err: { message: (error as Error).message } }, 'housekeeping: a batch failed');
      }
    }
    if (this.database.embedded) report.vacuumed = await this.vacuum([...emptied]);
    const deleted = Object.fromEntries(Object.entries(report.batches).map(([table, counts]) => [table, counts.reduce((sum, count) => sum + count, 0)]));
    // Counts only: never a row's content.
    this.logger.log({ deleted, ms: Date.now() - started }, `housekeeping: deleted ${Object.entries(deleted).map(([table, count]) => `${count} ${table}`).join(', ')}`);
    return report;
  }

  /**
   * The embedded database runs no autovacuum (PGlite is PostgreSQL in single-user mode): without
   * a VACUUM the space of deleted rows is never reused, and its files grow as if nothing had been
   * deleted. PostgreSQL's autovacuum does this on its own, with its own pacing.
   */
  private async vacuum(tables: string[]): Promise<string[]> {
    const vacuumed: string[] = [];
    for (const table of tables) {
      if (this.stopping) break;
      try {
        await this.dataSource.query(`VACUUM ${table}`);
        vacuumed.push(table);
      } catch (error) {
        this.logger.warn({ table, err: { message: (error as Error).message } }, 'housekeeping: VACUUM failed');
      }
      await nextTurn();
    }
    return vacuumed;
  }
}
