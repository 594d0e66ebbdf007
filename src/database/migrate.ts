import { existsSync } from 'node:fs';
import { loadDatabaseConfig } from '../config/database.config.js';
import { ConfigError } from '../config/env.js';
import { createDataSource } from './data-source.js';
import { applyMigrations, revertLastMigration } from './migrations.js';

/**
 * `npm run migration:run` / `migration:revert`: applies or reverts migrations on the configured
 * database. Plain TypeORM, outside Nest: no transaction context is involved, each migration runs
 * in its own transaction (migrationsTransactionMode 'each'). Both hold the migrations advisory
 * lock, as a server migrating at start does, so they never run at once with another migration.
 * Compiled into dist/ with the migrations: production runs it with Node alone.
 */
async function main(command: string | undefined): Promise<void> {
  // Same as the server: a .env in the working directory counts, so DATABASE_URL there is honoured.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadDatabaseConfig();
  const dataSource = await createDataSource(config);
  await dataSource.initialize();
  const onWait = () => console.log('Another process is applying migrations; waiting for it.');
  try {
    if (command === 'run') {
      const applied = await applyMigrations(dataSource, config.embedded, onWait);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
    } else if (command === 'revert') {
      await revertLastMigration(dataSource, config.embedded, onWait);
      console.log('Reverted the last migration.');
    } else {
      throw new Error('usage: migrate.js run|revert');
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Invalid configuration: ${error.message}` : error);
  process.exit(1);
});
