import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseConfig } from '../../config/database.config.js';
import { createDataSource } from '../../database/data-source.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import type { Command } from '../command.js';
import { embeddedFolder, MIGRATE_HINT, migrationState, refuseOpenEmbedded, type MigrationState } from '../database-state.js';

/** Read without Nest, whose data source would apply what this command only reports (DB_MIGRATIONS_RUN). */
async function state(config: DatabaseConfig): Promise<MigrationState> {
  const dataSource = await createDataSource(config);
  try {
    await dataSource.initialize();
    return await migrationState(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

export const migrationsStatusCommand: Command = {
  name: 'migrations:status',
  usage: '',
  summary: 'list the applied and the pending migrations; applies none',
  args: 0,
  async run({ config }) {
    refuseOpenEmbedded(config.database);
    const folder = embeddedFolder(config.database);
    // An embedded database that does not exist yet is not created just to be found empty.
    const missing = folder !== undefined && !existsSync(join(folder, 'PG_VERSION'));
    const { applied, pending, unknown } = missing ? { applied: [], pending: MIGRATIONS.map((migration) => migration.name), unknown: [] } : await state(config.database);
    const lines = [...applied.map((name) => `[X] ${name}`), ...pending.map((name) => `[ ] ${name}`), ...unknown.map((name) => `[?] ${name} (applied, but unknown to this version)`)];
    if (missing) lines.push(`There is no database in DATA_DIR (${folder}) yet.`);
    lines.push(pending.length ? `${applied.length} applied, ${pending.length} pending: ${MIGRATE_HINT}.` : `${applied.length} applied, none pending.`);
    console.log(lines.join('\n'));
  },
};
