import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { PROCESS_ROLE, type ProcessRole } from '../../common/process-role.js';
import { mailConfig } from '../../config/mail.config.js';
import { MetricsService } from '../ops/metrics.service.js';
import { MailComposers, type MailParams, type MailRecipient } from './mail-composer.js';
import { MailTransport } from './mail-transport.js';

interface ClaimedRow {
  id: string;
  kind: string;
  to_address: string;
  params: MailParams;
  resolved: boolean;
  attempts: number;
  created_at: Date;
}

/** An SMTP answer may quote the message: keep no link or token-like string of it in the database. */
function scrub(message: string): string {
  return message.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[link]').replace(/[A-Za-z0-9_-]{32,}/g, '[redacted]').slice(0, 500);
}

/**
 * Delivers the outbox with retry and exponential backoff. Each mail is composed just before it
 * is sent (MailComposers), so its secrets exist only in memory; a request row is first resolved
 * to its recipient, once, or ends with no mail. Rows are claimed with
 * FOR UPDATE SKIP LOCKED and a lease, so several instances never send the same mail at once,
 * and SMTP is talked to outside any transaction (the embedded database has one connection).
 * Delivery is at least once: a crash between the SMTP answer and the sent mark resends.
 * A shutdown lets the mail being sent finish and starts no other: the rest of its batch is handed
 * back at once rather than left to its lease.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('MailOutbox');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly transport: MailTransport,
    private readonly composers: MailComposers,
    private readonly metrics: MetricsService,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {}

  onApplicationBootstrap(): void {
    // The CLI only queues mail (if a command does): the server's worker delivers it.
    if (this.role !== 'server') {
      this.stopped = true;
      return;
    }
    this.timer = setInterval(() => this.wake(), this.config.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** First of the shutdown hooks: no new mail from now on, while the HTTP server drains. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Before the database pool closes (TypeORM's module is global, so it closes last): the mail being sent is marked. */
  async onApplicationShutdown(): Promise<void> {
    this.beforeApplicationShutdown();
    await this.running;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Its own context, outside any transaction: a wake comes from whatever committed mail, and a
    // composer's queries must not follow that request's (finished) transaction.
    this.running = this.txHost.withoutTransaction(() => this.drain()).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const batch = await this.claim();
        for (const [index, row] of batch.entries()) {
          if (this.stopped) return await this.release(batch.slice(index));
          await this.deliver(row);
        }
        if (batch.length < 20 || this.stopped) return;
      }
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'outbox pass failed; will retry');
    }
  }

  private async claim(): Promise<ClaimedRow[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = now() + ($1 || ' milliseconds')::interval
       WHERE id IN (
         SELECT id FROM mail_outbox
         WHERE sent_at IS NULL AND failed_at IS NULL AND skipped_at IS NULL AND next_attempt_at <= now()
         ORDER BY created_at LIMIT 20 FOR UPDATE SKIP LOCKED)
       RETURNING id, kind, to_address, params, resolved_at IS NOT NULL AS resolved, attempts, created_at`,
      [String(this.config.leaseMs)],
    )) as [ClaimedRow[], number];
    // RETURNING keeps no order: deliver oldest first, so a per-address mail limit serves requests in the order they came.
    return rows.sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime());
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    try {
      const composer = this.composers.get(row.kind);
      let recipient: MailRecipient | null = { to: row.to_address, params: row.params };
      if (!row.resolved) {
        recipient = composer.resolve ? await composer.resolve(row.to_address) : recipient;
        if (!recipient) return await this.skip(row.id);
        await this.dataSource.query(`UPDATE mail_outbox SET to_address = $2, params = $3, resolved_at = now() WHERE id = $1`, [row.id, recipient.to, JSON.stringify(recipient.params)]);
      }
      const mail = await composer.compose(recipient);
      if (!mail) return await this.skip(row.id);
      await this.transport.send({ to: recipient.to, ...mail });
      await this.dataSource.query(`UPDATE mail_outbox SET sent_at = now(), last_error = NULL WHERE id = $1`, [row.id]);
      this.metrics.mailDelivery('sent');
    } catch (error) {
      const message = scrub(String((error as Error).message ?? error));
      const delay = Math.min(this.config.retryBaseMs * 2 ** (row.attempts - 1), this.config.retryMaxDelayMs);
      const giveUp = row.attempts >= this.config.maxAttempts;
      await this.dataSource.query(
        `UPDATE mail_outbox SET last_error = $2, next_attempt_at = now() + ($3 || ' milliseconds')::interval, failed_at = CASE WHEN $4 THEN now() END WHERE id = $1`,
        [row.id, message, String(delay), giveUp],
      );
      this.logger.warn({ mailId: row.id, attempts: row.attempts, retryInMs: giveUp ? null : delay, err: { message } }, giveUp ? 'mail given up' : 'mail delivery failed; retrying');
      this.metrics.mailDelivery(giveUp ? 'given_up' : 'failed');
    }
  }

  /** Claimed but not started (the worker is stopping): due again now, the attempt not counted. */
  private async release(rows: ClaimedRow[]): Promise<void> {
    await this.dataSource.query(`UPDATE mail_outbox SET attempts = attempts - 1, next_attempt_at = now() WHERE id = ANY($1::uuid[])`, [rows.map((row) => row.id)]);
  }

  /** Done with no mail: nobody to send it to, or nothing left to send. */
  private async skip(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE mail_outbox SET skipped_at = now(), resolved_at = coalesce(resolved_at, now()), last_error = NULL WHERE id = $1`, [id]);
    this.metrics.mailDelivery('skipped');
  }
}
