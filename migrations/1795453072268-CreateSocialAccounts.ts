import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSocialAccounts1795453072268 implements MigrationInterface {
  name = 'CreateSocialAccounts1795453072268';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE social_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        provider varchar(20) NOT NULL,
        uid varchar(255) NOT NULL,
        email citext,
        date_joined timestamptz NOT NULL DEFAULT now(),
        last_login timestamptz,
        CONSTRAINT uq_social_accounts_provider_uid UNIQUE (provider, uid)
      )`);
    await queryRunner.query(`CREATE INDEX ix_social_accounts_user_id ON social_accounts (user_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE social_accounts`);
  }
}
