import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSecurityEvents1795451335450 implements MigrationInterface {
  name = 'CreateSecurityEvents1795451335450';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE security_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        event varchar(40) NOT NULL,
        ip varchar(64),
        user_agent varchar(512),
        session_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ix_security_events_user_created ON security_events (user_id, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE security_events`);
  }
}
