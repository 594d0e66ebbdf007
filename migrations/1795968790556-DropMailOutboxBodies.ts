import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An error text may quote a mail: links and token-like strings go. */
const SCRUBBED_ERROR = `regexp_replace(regexp_replace(last_error, '[a-zA-Z][a-zA-Z0-9+.-]*://[^[:space:]]+', '[link]', 'g'), '[A-Za-z0-9_-]{32,}', '[redacted]', 'g')`;

/**
 * SECURITY.md 35: the outbox keeps no mail body, so no reset token or verification key can be
 * read from the database. A row now holds the kind of mail, the address and non-secret
 * parameters; the worker composes the body (and issues any token) at delivery.
 *
 * Existing rows:
 * - sent, failed and pending notices keep their metadata; the bodies are gone. The table is
 *   rebuilt rather than altered, because a dropped column's data stays in the table's pages.
 * - pending verification and reset mails (their bodies held live links) become requests again:
 *   the worker resolves the address as for a new request (active account, for verification
 *   still unverified, within the per-address mail limit) and mails a link with a fresh token.
 * - every unused reset token and verification key is spent: each one was written into a body,
 *   which backups taken before this migration still hold. A link mailed earlier stops working;
 *   its owner asks for a new one.
 */
export class DropMailOutboxBodies1795968790556 implements MigrationInterface {
  name = 'DropMailOutboxBodies1795968790556';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mail_outbox_next (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        to_address varchar(254) NOT NULL,
        kind varchar(64) NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        skipped_at timestamptz,
        failed_at timestamptz,
        last_error varchar(500)
      )`);
    await queryRunner.query(`
      INSERT INTO mail_outbox_next (id, to_address, kind, resolved_at, created_at, attempts, next_attempt_at, sent_at, failed_at, last_error)
      SELECT id, to_address, template,
             CASE WHEN template IN ('verify_email', 'password_reset') AND sent_at IS NULL AND failed_at IS NULL THEN NULL ELSE created_at END,
             created_at, attempts, next_attempt_at, sent_at, failed_at, ${SCRUBBED_ERROR}
      FROM mail_outbox`);
    await queryRunner.query(`DROP TABLE mail_outbox`);
    await queryRunner.query(`ALTER TABLE mail_outbox_next RENAME TO mail_outbox`);
    await queryRunner.query(`ALTER TABLE mail_outbox RENAME CONSTRAINT mail_outbox_next_pkey TO mail_outbox_pkey`);
    await queryRunner.query(`CREATE INDEX ix_mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND skipped_at IS NULL AND failed_at IS NULL`);
    await queryRunner.query(`UPDATE account_tokens SET used_at = now() WHERE used_at IS NULL`);
  }

  /** The old code cannot compose a mail: what is still pending is marked failed rather than sent empty. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mail_outbox_prev (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        to_address varchar(254) NOT NULL,
        template varchar(64) NOT NULL,
        subject varchar(255) NOT NULL,
        text_body text NOT NULL,
        html_body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        failed_at timestamptz,
        last_error varchar(500)
      )`);
    await queryRunner.query(`
      INSERT INTO mail_outbox_prev (id, to_address, template, subject, text_body, html_body, created_at, attempts, next_attempt_at, sent_at, failed_at, last_error)
      SELECT id, to_address, kind, '', '', '', created_at, attempts, next_attempt_at, sent_at,
             CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN coalesce(skipped_at, now()) ELSE failed_at END,
             CASE WHEN skipped_at IS NOT NULL THEN 'no mail to send'
                  WHEN sent_at IS NULL AND failed_at IS NULL THEN 'not sent: dropped by the downgrade'
                  ELSE last_error END
      FROM mail_outbox`);
    await queryRunner.query(`DROP TABLE mail_outbox`);
    await queryRunner.query(`ALTER TABLE mail_outbox_prev RENAME TO mail_outbox`);
    await queryRunner.query(`ALTER TABLE mail_outbox RENAME CONSTRAINT mail_outbox_prev_pkey TO mail_outbox_pkey`);
    await queryRunner.query(`CREATE INDEX ix_mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL`);
  }
}
