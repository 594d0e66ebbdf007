import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOauthFlows1795453294684 implements MigrationInterface {
  name = 'CreateOauthFlows1795453294684';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE oauth_flows (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider varchar(20) NOT NULL,
        state_hash char(64) NOT NULL,
        code_verifier varchar(128) NOT NULL,
        next_path varchar(512) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        state_used_at timestamptz,
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        exchange_code_hash char(64),
        exchange_expires_at timestamptz,
        exchanged_at timestamptz,
        CONSTRAINT uq_oauth_flows_state UNIQUE (state_hash),
        CONSTRAINT uq_oauth_flows_exchange UNIQUE (exchange_code_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE oauth_flows`);
  }
}
