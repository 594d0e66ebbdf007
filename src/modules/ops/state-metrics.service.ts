import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { REDIS } from '../../redis/redis.module.js';
import { MetricsService } from './metrics.service.js';

/** A scrape must answer even when the database does not: its gauges then read NaN. */
const QUERY_TIMEOUT_MS = 2000;

/**
 * One statement, on indexes: the outbox's pending rows (ix_mail_outbox_due's condition) and the
 * revocation set. The revocation set is the sessions that were revoked (logout, reuse, password
 * change, deactivation …) but whose refresh lifetime has not run out: their tokens still carry
 * valid signatures, and only the session check on every request refuses them. Spent refresh
 * tokens are not counted: each rotation spends one, so their number follows traffic, not revocation.
 */
const STATE_SQL = `
  SELECT o.pending, coalesce(extract(epoch FROM now() - o.oldest), 0)::float8 AS oldest_seconds,
         (SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL AND expires_at > now())::int AS revoked_sessions
  FROM (SELECT count(*)::int AS pending, min(created_at) AS oldest FROM mail_outbox
        WHERE sent_at IS NULL AND skipped_at IS NULL AND failed_at IS NULL) o`;

interface StateRow {
  pending: number;
  oldest_seconds: number;
  revoked_sessions: number;
}

/**
 * Gauges read when Prometheus scrapes, not kept up to date on every change: the outbox, the
 * revocation set and the database pool; and the errors of the shared Redis client.
 */
@Injectable()
export class StateMetrics {
  private readonly logger = new Logger('Metrics');
  private readonly outboxPending: Gauge;
  private readonly outboxOldest: Gauge;
  private readonly revokedSessions: Gauge;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) redis: Redis | null,
    metrics: MetricsService,
  ) {
    const gauge = (name: string, help: string, collect?: (this: Gauge) => void) => new Gauge({ name, help, registers: [metrics.registry], collect });
    this.outboxPending = gauge('auth_mail_outbox_pending', 'Mails in the outbox not yet sent, skipped or given up.');
    this.outboxOldest = gauge('auth_mail_outbox_oldest_pending_age_seconds', 'Age of the oldest pending mail in the outbox; 0 when none is pending.');
    this.revokedSessions = gauge('auth_revoked_sessions_unexpired', 'The revocation set: revoked sessions whose refresh lifetime has not ended.');
    // The embedded database is one connection in a pool of one, read the same way.
    const pool = () => (this.dataSource.driver as PostgresDriver).master as Pool | undefined;
    gauge('auth_db_pool_in_use_connections', 'Database connections checked out of the pool.', function () {
      const p = pool();
      if (p) this.set(p.totalCount - p.idleCount);
    });
    gauge('auth_db_pool_waiting_requests', 'Queries waiting for a database connection.', function () {
      const p = pool();
      if (p) this.set(p.waitingCount);
    });
    gauge('auth_db_pool_max_connections', 'Size of the database pool.', function () {
      const p = pool();
      if (p) this.set(p.options.max ?? 0);
    });
    redis?.on('error', () => metrics.redisError());
  }

  /** Reads the database's gauges for the scrape about to be written. */
  async refresh(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${QUERY_TIMEOUT_MS} ms`)), QUERY_TIMEOUT_MS);
      });
      const [row] = (await Promise.race([this.dataSource.query(STATE_SQL), timeout])) as StateRow[];
      this.outboxPending.set(row.pending);
      this.outboxOldest.set(row.oldest_seconds);
      this.revokedSessions.set(row.revoked_sessions);
    } catch (error) {
      // Unknown rather than stale or 0 (prom-client has no way to leave out a gauge without labels).
      for (const unknown of [this.outboxPending, this.outboxOldest, this.revokedSessions]) unknown.set(Number.NaN);
      this.logger.warn({ err: { message: (error as Error).message } }, 'metrics: the database gauges could not be read');
    } finally {
      clearTimeout(timer);
    }
  }
}
