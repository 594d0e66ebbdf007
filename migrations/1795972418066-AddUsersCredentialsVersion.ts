import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A counter that every change of an account's credentials bumps (password change and reset, an
 * address claim). A sign-in that read the account before such a change cannot open a session
 * after it (SECURITY.md 15, 34): the session is written only while the counter is unchanged.
 */
export class AddUsersCredentialsVersion1795972418066 implements MigrationInterface {
  name = 'AddUsersCredentialsVersion1795972418066';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN credentials_version integer NOT NULL DEFAULT 0`);
    // An MFA ticket is earned with the credentials of its time, and completes only while they hold.
    await queryRunner.query(`ALTER TABLE mfa_challenges ADD COLUMN credentials_version integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mfa_challenges DROP COLUMN credentials_version`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN credentials_version`);
  }
}
