import { configArea, oneOf, int, str, url, type Env } from './env.js';
import { defineSettings } from './settings.js';

export const databaseSettings = defineSettings('Database', {
  DATABASE_URL: 'PostgreSQL connection string; unset uses the embedded PGlite database in `DATA_DIR`. Production should set it',
  DATA_DIR: 'folder of the embedded database (only without `DATABASE_URL`), created if missing; `memory://` keeps it in memory, lost on exit',
  DB_POOL_SIZE: 'PostgreSQL connection pool size (PGlite always uses one connection)',
  DB_CONNECT_TIMEOUT_MS: 'PostgreSQL connect timeout, ms',
  DB_STATEMENT_TIMEOUT_MS: 'PostgreSQL `statement_timeout`, ms',
  DB_MIGRATIONS_RUN: 'apply pending migrations at start: `auto` migrates the embedded database only; with `DATABASE_URL` run `npm run migration:run` instead (or set `true`)',
});

export function loadDatabaseConfig(source: Env = process.env) {
  const env = databaseSettings.read(source);
  const databaseUrl = url(env, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:']);
  const migrationsRun = oneOf(env, 'DB_MIGRATIONS_RUN', ['auto', 'true', 'false'] as const, 'auto');
  return {
    /** PostgreSQL connection string; when unset the embedded PGlite database is used. */
    url: databaseUrl,
    embedded: databaseUrl === undefined,
    /** Folder for the embedded database; `memory://` keeps it in memory. */
    dataDir: str(env, 'DATA_DIR', './data'),
    poolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    connectTimeoutMs: int(env, 'DB_CONNECT_TIMEOUT_MS', 2000, 100, 60000),
    statementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 10000, 100, 600000),
    /** auto: migrate on start for the embedded database only; PostgreSQL uses `npm run migration:run`. */
    migrationsRun: migrationsRun === 'auto' ? databaseUrl === undefined : migrationsRun === 'true',
  };
}

export type DatabaseConfig = ReturnType<typeof loadDatabaseConfig>;
export const databaseConfig = configArea<DatabaseConfig>('database');
