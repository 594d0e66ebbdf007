import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emailKey } from '../src/modules/users/email.js';

const BATCH = 1000;

/**
 * users.email_key = emailKey(email), the one canonical identity of an address (SECURITY.md 32),
 * now the only unique and looked-up column. It is filled by the application's own function, so
 * the database and every throttle agree on it; no SQL could compute it (NFKC, IDNA).
 *
 * users.email becomes plain text: it is the address mail goes to, no longer compared. As
 * citext it kept PostgreSQL's lower() as a second idea of "the same address" for any query
 * that still filtered on it.
 *
 * Accounts created before as two (kfix@ and kfİx@ on a database whose lower() keeps İ, strasse@
 * and straße@, ｋｆｉｘ@ and kfix@) share one key now: the migration stops and names them, since
 * which account keeps the address is the operator's decision. The ALTER TABLE lock makes
 * writers wait until the backfill commits, so no row goes without a key.
 */
export class AddUsersEmailKey1795968695884 implements MigrationInterface {
  name = 'AddUsersEmailKey1795968695884';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN email_key text`);
    const rows: { id: string; email: string }[] = await queryRunner.query(`SELECT id, email FROM users ORDER BY date_joined, id`);
    const keyed = rows.map((row) => ({ ...row, key: emailKey(row.email) }));

    const byKey = new Map<string, string[]>();
    for (const { email, key } of keyed) byKey.set(key, [...(byKey.get(key) ?? []), email]);
    const clashes = [...byKey].filter(([, emails]) => emails.length > 1);
    if (clashes.length) {
      const list = clashes.map(([key, emails]) => `${[...emails].sort().map((email) => JSON.stringify(email)).join(' and ')} (both ${JSON.stringify(key)})`);
      throw new Error(
        `AddUsersEmailKey: ${clashes.length} group(s) of accounts share one canonical email address: ${list.join('; ')}. ` +
          'Change the address of all but one account in each group (or merge them), then run the migration again.',
      );
    }

    for (let start = 0; start < keyed.length; start += BATCH) {
      const batch = keyed.slice(start, start + BATCH);
      await queryRunner.query(`UPDATE users SET email_key = data.key FROM unnest($1::uuid[], $2::text[]) AS data (id, key) WHERE users.id = data.id`, [
        batch.map(({ id }) => id),
        batch.map(({ key }) => key),
      ]);
    }
    await queryRunner.query(`ALTER TABLE users ALTER COLUMN email_key SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE users ADD CONSTRAINT uq_users_email_key UNIQUE (email_key)`);
    await queryRunner.query(`ALTER TABLE users DROP CONSTRAINT uq_users_email`);
    await queryRunner.query(`ALTER TABLE users ALTER COLUMN email TYPE text`);
  }

  /** Fails on uq_users_email when two accounts have addresses lower() equates but keys that differ (kfix@İstanbul.com, kfix@istanbul.com). */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ALTER COLUMN email TYPE citext`);
    await queryRunner.query(`ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email)`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN email_key`);
  }
}
