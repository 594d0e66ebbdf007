import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each housekeeping batch finds its rows by the time they died (issue 14, point 4). */
const INDEXES = [
  ['ix_outstanding_tokens_expires_at', 'outstanding_tokens (expires_at)'],
  ['ix_sessions_expires_at', 'sessions (expires_at)'],
  ['ix_mfa_challenges_expires_at', 'mfa_challenges (expires_at)'],
  ['ix_oauth_flows_expires_at', 'oauth_flows (expires_at)'],
  ['ix_account_tokens_expires_at', 'account_tokens (expires_at)'],
  // When a mail finished; NULL (and so never matched) while it is pending or retrying.
  ['ix_mail_outbox_finished', 'mail_outbox ((coalesce(sent_at, skipped_at, failed_at)))'],
];

/**
 * Indexes for the housekeeping job's deletes; security_events already has one on created_at.
 * IF NOT EXISTS: on a database that has grown large, an operator can build them beforehand with
 * CREATE INDEX CONCURRENTLY under these names, without blocking writes, and this migration then
 * has nothing left to do (docs/operations.md, Data retention).
 */
export class AddRetentionIndexes1795992150973 implements MigrationInterface {
  name = 'AddRetentionIndexes1795992150973';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, on] of INDEXES) await queryRunner.query(`CREATE INDEX IF NOT EXISTS ${name} ON ${on}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of [...INDEXES].reverse()) await queryRunner.query(`DROP INDEX IF EXISTS ${name}`);
  }
}
