import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationExecutor, type DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/database.config.js';
import { Refusal } from './command.js';

/** Where the embedded database lives on disk; undefined with DATABASE_URL or DATA_DIR=memory://. */
export function embeddedFolder(config: DatabaseConfig): string | undefined {
  return config.embedded && !config.dataDir.startsWith('memory://') ? config.dataDir : undefined;
}

/**
 * PGlite is one process's database and takes no lock of its own: a second process opening the
 * folder while the server has it open would corrupt it. Its postgresql instance keeps a
 * postmaster.pid in the folder while open (removed on a clean close), so that file means "in use".
 */
export function refuseOpenEmbedded(config: DatabaseConfig): void {
  const folder = embeddedFolder(config);
  if (!folder || !existsSync(join(folder, 'postmaster.pid'))) return;
  throw new Refusal(
    `The embedded database in DATA_DIR (${folder}) is open in another process, most likely the server: stop it first, since only one process may use it at a time ` +
      `(if none is running, a crash left ${join(folder, 'postmaster.pid')} behind: remove it).`,
  );
}

/** The migrations this version knows, by name, in order: those the database has and those it lacks; and those it has that this version does not know. */
export interface MigrationState {
  applied: string[];
  pending: string[];
  unknown: string[];
}

export async function migrationState(dataSource: DataSource): Promise<MigrationState> {
  const executed = new Set((await new MigrationExecutor(dataSource).getExecutedMigrations()).map((migration) => migration.name));
  const known = dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
  return {
    applied: known.filter((name) => executed.has(name)),
    pending: known.filter((name) => !executed.has(name)),
    unknown: [...executed].filter((name) => !known.includes(name)),
  };
}

export const MIGRATE_HINT = 'apply them with `npm run migration:run` (in the image: node dist/src/database/migrate.js run), or let the server apply them at start (DB_MIGRATIONS_RUN)';
