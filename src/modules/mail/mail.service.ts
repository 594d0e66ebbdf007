import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ServiceUnavailableError } from '../../common/errors/app-error.js';
import type { MailParams } from './mail-composer.js';
import { OutboxMail } from './outbox-mail.entity.js';
import { OutboxWorker } from './outbox.worker.js';

/**
 * Puts mail in the outbox; the worker composes and delivers it afterwards. A row names the kind,
 * the recipient and non-secret parameters, never a body (SECURITY.md 35).
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');

  constructor(
    private readonly dataSource: DataSource,
    private readonly worker: OutboxWorker,
  ) {}

  /** Queues a mail to a known recipient inside the caller's transaction, so it exists exactly when the change that caused it was committed. */
  async enqueue(em: EntityManager, to: string, kind: string, params: MailParams = {}): Promise<void> {
    await em.insert(OutboxMail, { id: randomUUID(), toAddress: to, kind, params, resolvedAt: () => 'now()' });
  }

  /**
   * Records, durably and before the caller answers, a request for a `kind` mail to whoever owns
   * `address`, if anyone: the worker resolves it, so a known and an unknown address cost the
   * request the same (SECURITY.md 17). 503 when it cannot be recorded: never a 200 for a
   * request that is lost.
   */
  async request(kind: string, address: string): Promise<void> {
    try {
      await this.dataSource.manager.insert(OutboxMail, { id: randomUUID(), toAddress: address, kind, params: {} });
    } catch (error) {
      this.logger.warn({ kind, err: { message: (error as Error).message } }, 'mail request not recorded');
      throw new ServiceUnavailableError();
    }
    this.worker.wake();
  }

  /** Call once the transaction that queued mail has committed, to send it without waiting for the next poll. */
  flush(): void {
    this.worker.wake();
  }
}
