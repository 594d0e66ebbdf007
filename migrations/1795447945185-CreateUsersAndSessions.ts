import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndSessions1795447945185 implements MigrationInterface {
  name = 'CreateUsersAndSessions1795447945185';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS citext`);
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email citext NOT NULL,
        password_hash text,
        first_name varchar(150) NOT NULL DEFAULT '',
        last_name varchar(150) NOT NULL DEFAULT '',
        phone varchar(20),
        is_active boolean NOT NULL DEFAULT true,
        is_staff boolean NOT NULL DEFAULT false,
        email_verified boolean NOT NULL DEFAULT false,
        mfa_enabled boolean NOT NULL DEFAULT false,
        date_joined timestamptz NOT NULL DEFAULT now(),
        last_login timestamptz,
        CONSTRAINT uq_users_email UNIQUE (email),
        CONSTRAINT uq_users_phone UNIQUE (phone)
      )`);
    await queryRunner.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        ip varchar(64),
        user_agent varchar(512),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoke_reason varchar(32)
      )`);
    await queryRunner.query(`CREATE INDEX ix_sessions_user_id ON sessions (user_id)`);
    await queryRunner.query(`CREATE INDEX ix_sessions_revoked ON sessions (expires_at) WHERE revoked_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE outstanding_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        jti uuid NOT NULL,
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT uq_outstanding_tokens_jti UNIQUE (jti)
      )`);
    await queryRunner.query(`CREATE INDEX ix_outstanding_tokens_session_id ON outstanding_tokens (session_id)`);
    await queryRunner.query(`
      CREATE TABLE blacklisted_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_id uuid NOT NULL REFERENCES outstanding_tokens (id) ON DELETE CASCADE,
        blacklisted_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_blacklisted_tokens_token_id UNIQUE (token_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE blacklisted_tokens`);
    await queryRunner.query(`DROP TABLE outstanding_tokens`);
    await queryRunner.query(`DROP TABLE sessions`);
    await queryRunner.query(`DROP TABLE users`);
  }
}
