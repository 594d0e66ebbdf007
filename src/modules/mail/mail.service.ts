import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ServiceUnavailableError } from '../../common/errors/app-error.js';
import type { MailParams } from './mail-composer.js';
import { OutboxMail } from './outbox-mail.entity.js';

/**
 * Puts mail in the outbox; the worker composes and delivers it afterwards. A row names the kind,
 * the recipient and non-secret parameters, never a body (SECURITY.md 35). Nobody wakes the
 * worker by hand: OutboxWakeSubscriber does, once the row is committed.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Queues a mail to a known recipient inside the caller's transaction, so it exists exactly when the change that caused it was committed. */
  async enqueue(to: string, kind: string, params: MailParams = {}): Promise<void> {
    await this.txHost.tx.insert(OutboxMail, { id: randomUUID(), toAddress: to, kind, params, resolvedAt: () => 'now()' });
  }

  /**
   * Records, durably and before the caller answers, a request for a `kind` mail to whoever owns
   * `address`, if anyone: the worker resolves it, so a known and an unknown address cost the
   * request the same (SECURITY.md 17). 503 when it cannot be recorded: never a 200 for a
   * request that is lost.
   */
  async request(kind: string, address: string): Promise<void> {
    try {
      await this.txHost.tx.insert(OutboxMail, { id: randomUUID(), toAddress: address, kind, params: {} });
    } catch (error) {
      this.logger.warn({ kind, err: { message: (error as Error).message } }, 'mail request not recorded');
      throw new ServiceUnavailableError();
    }
  }

  /**
   * Housekeeping: deletes up to `limit` rows that finished (sent, skipped, or given up) before
   * `before`. A pending or retrying row has none of the three set, so it is never touched.
   */
  async purgeFinished(before: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.txHost.tx.query(
      // The expression is ix_mail_outbox_finished's.
      `DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox WHERE coalesce(sent_at, skipped_at, failed_at) < $1 LIMIT $2)`,
      [before, limit],
    )) as [unknown, number];
    return deleted;
  }
}
