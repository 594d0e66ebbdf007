import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMfaTables1795452491495 implements MigrationInterface {
  name = 'CreateMfaTables1795452491495';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mfa_totp (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        secret_encrypted text NOT NULL,
        confirmed_at timestamptz,
        last_used_step bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE mfa_recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_hash char(64) NOT NULL,
        used_at timestamptz,
        CONSTRAINT uq_mfa_recovery_codes_hash UNIQUE (user_id, code_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE mfa_challenges (
        jti uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mfa_challenges`);
    await queryRunner.query(`DROP TABLE mfa_recovery_codes`);
    await queryRunner.query(`DROP TABLE mfa_totp`);
  }
}
