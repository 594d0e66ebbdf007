import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A browser sign-in's one-time exchange code is earned with the account's credentials of its
 * time, like an MFA ticket: it opens a session only while they hold (SECURITY.md 15, 34). A code
 * pending during the upgrade has no version and is refused; it lives one minute.
 */
export class AddOauthFlowCredentialsVersion1795984090276 implements MigrationInterface {
  name = 'AddOauthFlowCredentialsVersion1795984090276';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE oauth_flows ADD COLUMN credentials_version integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE oauth_flows DROP COLUMN credentials_version`);
  }
}
