import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators (issue 13): superusers; sessions that record whether they were opened with a second
 * factor (ADMIN_REQUIRE_MFA asks it of the session, not only of the account); the audit log's
 * actor, target and change for admin actions; and the indexes the admin user list needs at
 * 100,000 users: a case-insensitive prefix search on address, names and phone (text_pattern_ops,
 * so LIKE 'x%' uses them whatever the database's collation) and each ordering with its tie-breaker.
 *
 * An admin event keeps its target in target_id, which has no foreign key, so it outlives the
 * account it was about (a deletion stays on record); the user's own events (user_id) still go
 * with the account.
 */
export class AddOperators1795989900752 implements MigrationInterface {
  name = 'AddOperators1795989900752';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN is_superuser boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE users ADD CONSTRAINT ck_users_superuser_is_staff CHECK (NOT is_superuser OR is_staff)`);
    await queryRunner.query(`CREATE INDEX ix_users_search_email ON users (email_key text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX ix_users_search_first_name ON users (lower(first_name) text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX ix_users_search_last_name ON users (lower(last_name) text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX ix_users_search_full_name ON users (lower(first_name || ' ' || last_name) text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX ix_users_search_phone ON users (phone text_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX ix_users_date_joined ON users (date_joined, id)`);
    await queryRunner.query(`CREATE INDEX ix_users_last_login ON users (last_login, id)`);
    await queryRunner.query(`CREATE INDEX ix_users_last_login_desc ON users (last_login DESC NULLS LAST, id DESC)`);
    await queryRunner.query(`CREATE INDEX ix_users_superusers ON users (id) WHERE is_superuser AND is_active`);

    await queryRunner.query(`ALTER TABLE sessions ADD COLUMN second_factor boolean NOT NULL DEFAULT false`);

    await queryRunner.query(`ALTER TABLE security_events ADD COLUMN actor_id uuid`);
    await queryRunner.query(`ALTER TABLE security_events ADD COLUMN target_id uuid`);
    await queryRunner.query(`ALTER TABLE security_events ADD COLUMN details jsonb`);
    await queryRunner.query(`CREATE INDEX ix_security_events_created ON security_events (created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX ix_security_events_target_created ON security_events (target_id, created_at DESC) WHERE target_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX ix_security_events_actor_created ON security_events (actor_id, created_at DESC) WHERE actor_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX ix_security_events_event_created ON security_events (event, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of ['ix_security_events_event_created', 'ix_security_events_actor_created', 'ix_security_events_target_created', 'ix_security_events_created']) {
      await queryRunner.query(`DROP INDEX ${index}`);
    }
    await queryRunner.query(`ALTER TABLE security_events DROP COLUMN details, DROP COLUMN target_id, DROP COLUMN actor_id`);
    await queryRunner.query(`ALTER TABLE sessions DROP COLUMN second_factor`);
    for (const index of ['ix_users_superusers', 'ix_users_last_login_desc', 'ix_users_last_login', 'ix_users_date_joined', 'ix_users_search_phone', 'ix_users_search_full_name', 'ix_users_search_last_name', 'ix_users_search_first_name', 'ix_users_search_email']) {
      await queryRunner.query(`DROP INDEX ${index}`);
    }
    await queryRunner.query(`ALTER TABLE users DROP CONSTRAINT ck_users_superuser_is_staff`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN is_superuser`);
  }
}
