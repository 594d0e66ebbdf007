import { existsSync } from 'node:fs';
import { loadDatabaseConfig } from '../config/database.config.js';
import { ConfigError } from '../config/env.js';
import { createDataSource } from './data-source.js';

/**
 * `npm run migration:run` / `migration:revert`: applies or reverts migrations on the configured
 * database. Plain TypeORM, outside Nest: no transaction context is involved, each migration runs
 * in its own transaction (migrationsTransactionMode 'each').
 */
async function main(command: string | undefined): Promise<void> {
  // Same as the server: a .env in the working directory counts, so DATABASE_URL there is honoured.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const dataSource = await createDataSource(loadDatabaseConfig());
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const applied = await dataSource.runMigrations();
      console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'No pending migrations.');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration();
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
