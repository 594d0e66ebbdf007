import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { mailConfig } from '../../config/mail.config.js';
import { MailTransport } from './mail-transport.js';

/** While a mail is being sent, other instances leave it alone for this long. */
const LEASE_MS = 60_000;

interface ClaimedRow {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  attempts: number;
}

/**
 * Delivers the outbox with retry and exponential backoff. Rows are claimed with
 * FOR UPDATE SKIP LOCKED and a lease, so several instances never send the same mail at once,
 * and SMTP is talked to outside any transaction (the embedded database has one connection).
 * Delivery is at least once: a crash between the SMTP answer and the sent mark resends.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MailOutbox');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), this.config.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
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
        for (const row of batch) await this.deliver(row);
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
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
         ORDER BY created_at LIMIT 20 FOR UPDATE SKIP LOCKED)
       RETURNING id, to_address, subject, text_body, html_body, attempts`,
      [String(LEASE_MS)],
    )) as [ClaimedRow[], number];
    return rows;
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    try {
      await this.transport.send({ to: row.to_address, subject: row.subject, text: row.text_body, html: row.html_body });
      await this.dataSource.query(`UPDATE mail_outbox SET sent_at = now(), last_error = NULL WHERE id = $1`, [row.id]);
    } catch (error) {
      const message = String((error as Error).message ?? error).slice(0, 500);
      const delay = Math.min(this.config.retryBaseMs * 2 ** (row.attempts - 1), this.config.retryMaxDelayMs);
      const giveUp = row.attempts >= this.config.maxAttempts;
      await this.dataSource.query(
        `UPDATE mail_outbox SET last_error = $2, next_attempt_at = now() + ($3 || ' milliseconds')::interval, failed_at = CASE WHEN $4 THEN now() END WHERE id = $1`,
        [row.id, message, String(delay), giveUp],
      );
      this.logger.warn({ mailId: row.id, attempts: row.attempts, retryInMs: giveUp ? null : delay, err: { message } }, giveUp ? 'mail given up' : 'mail delivery failed; retrying');
    }
  }
}

