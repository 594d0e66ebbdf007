import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A spent refresh token remembers the token that replaced it, so a client whose refresh answer
 * was lost can be handed the same successor again (issue 11, point 14).
 */
export class AddRefreshSuccessor1795968651092 implements MigrationInterface {
  name = 'AddRefreshSuccessor1795968651092';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE blacklisted_tokens ADD COLUMN successor_jti uuid, ADD COLUMN successor_issued_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE blacklisted_tokens DROP COLUMN successor_issued_at, DROP COLUMN successor_jti`);
  }
}
