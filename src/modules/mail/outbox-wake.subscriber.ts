import { Injectable } from '@nestjs/common';
import { DataSource, type EntitySubscriberInterface, type InsertEvent, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { OutboxMail } from './outbox-mail.entity.js';
import { OutboxWorker } from './outbox.worker.js';

/** Set on a transaction's query runner once it has queued mail. */
const MAIL_QUEUED = Symbol('mailQueued');

type Marked = QueryRunner & { data: { [MAIL_QUEUED]?: boolean } };

/**
 * Wakes the outbox worker when queued mail becomes visible: at once for a row written outside a
 * transaction, and after COMMIT for one written inside (never before: the worker would find
 * nothing, and a mail whose transaction rolls back must never be sent). Hanging it off the
 * commit means no caller has to remember to wake the worker.
 */
@Injectable()
export class OutboxWakeSubscriber implements EntitySubscriberInterface<OutboxMail> {
  constructor(
    dataSource: DataSource,
    private readonly worker: OutboxWorker,
  ) {
    dataSource.subscribers.push(this);
  }

  listenTo(): typeof OutboxMail {
    return OutboxMail;
  }

  afterInsert(event: InsertEvent<OutboxMail>): void {
    const runner = event.queryRunner as Marked;
    if (runner.isTransactionActive) runner.data[MAIL_QUEUED] = true;
    else this.worker.wake();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner as Marked;
    // A released savepoint is not the commit: the outer transaction is still open.
    if (runner.isTransactionActive || !runner.data[MAIL_QUEUED]) return;
    delete runner.data[MAIL_QUEUED];
    this.worker.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner as Marked;
    if (!runner.isTransactionActive) delete runner.data[MAIL_QUEUED];
  }
}
