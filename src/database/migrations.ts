import { MigrationExecutor, type DataSource, type QueryRunner } from 'typeorm';
import { withAdvisoryLock } from './advisory-lock.js';

/**
 * pg_advisory_lock key of every migration run and revert ("authmigr"); the housekeeping run has
 * another (0x61757468686b6570), so neither waits for the other.
 */
export const MIGRATIONS_LOCK_KEY = 0x6175_7468_6d69_6772n;

/** How an operator applies pending migrations, in the words every refusal uses. */
export const MIGRATE_COMMAND = '`npm run migration:run` (in the image or a production install: `node dist/src/database/migrate.js run`)';

/** The start is refused: the database lacks migrations of this version and the server was not told to apply them. */
export class PendingMigrationsError extends Error {
  constructor(readonly pending: string[]) {
    const shown = pending.length > 3 ? `${pending.slice(0, 3).join(', ')} and ${pending.length - 3} more` : pending.join(', ');
    super(`The database lacks ${pending.length} migration${pending.length === 1 ? '' : 's'} of this version (${shown}): apply them with ${MIGRATE_COMMAND}, or set DB_MIGRATIONS_RUN=true to apply them at start.`);
    this.name = 'PendingMigrationsError';
  }
}

/** TypeORM's executor on the locked connection, in the data source's transaction mode (each migration in its own transaction). */
function executor(dataSource: DataSource, runner: QueryRunner | undefined): MigrationExecutor {
  const migrations = new MigrationExecutor(dataSource, runner);
  migrations.transaction = dataSource.options.migrationsTransactionMode ?? 'all';
  return migrations;
}

/**
 * Applies the pending migrations holding the migrations advisory lock. Of several processes
 * starting together on one database, the first takes the lock and migrates; the others wait for
 * it, then find nothing pending and go on. Without the lock each would create the same tables
 * and types at once, and all but one fail (`duplicate key value violates unique constraint
 * "pg_type_typname_nsp_index"`). The migrations run on the connection that holds the lock, so a
 * pool of one connection is enough; on the embedded database the process is alone anyway.
 * Returns the names of the migrations this process applied.
 */
export async function applyMigrations(dataSource: DataSource, embedded: boolean, onWait?: () => void): Promise<string[]> {
  const outcome = await withAdvisoryLock(dataSource, embedded, MIGRATIONS_LOCK_KEY, (runner) => executor(dataSource, runner).executePendingMigrations(), {
    wait: { onWait },
  });
  return outcome.ran ? outcome.result.map((migration) => migration.name) : [];
}

/** Reverts the most recent migration, under the same lock: never while another process migrates. */
export async function revertLastMigration(dataSource: DataSource, embedded: boolean, onWait?: () => void): Promise<void> {
  await withAdvisoryLock(dataSource, embedded, MIGRATIONS_LOCK_KEY, (runner) => executor(dataSource, runner).undoLastMigration(), { wait: { onWait } });
}

/**
 * The migrations of this version the database lacks, by name, in order. Migrations the database
 * has that this version does not know (a newer version's) are not pending: during a rolling
 * deploy the old instances serve on the new schema.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  return (await new MigrationExecutor(dataSource).getPendingMigrations()).map((migration) => migration.name);
}
