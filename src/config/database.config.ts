import { configArea, oneOf, int, str, url, type Env } from './env.js';

export function loadDatabaseConfig(env: Env = process.env) {
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
