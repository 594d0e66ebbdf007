import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MailParams } from './mail-composer.js';

/**
 * A mail to send, written in the same transaction as the change that caused it, or a request
 * for one (a reset or resend for an address, resolved to an account by the worker). It holds the
 * kind, the address and non-secret parameters only: the body, and any link token in it, is
 * composed at delivery and never stored (SECURITY.md 35).
 */
@Entity({ name: 'mail_outbox' })
export class OutboxMail {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'to_address', type: 'varchar', length: 254 })
  toAddress: string;

  /** A template name, or a kind with a registered composer. */
  @Column({ type: 'varchar', length: 64 })
  kind: string;

  @Column({ type: 'jsonb', default: {} })
  params: MailParams;

  /** When the recipient was known: at once for a queued mail, at the worker's first pass for a request. */
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** Done without a mail: no account behind the address, over the mail limit, or the account changed. */
  @Column({ name: 'skipped_at', type: 'timestamptz', nullable: true })
  skippedAt: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;
}
