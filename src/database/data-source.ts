import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { DatabaseConfig } from '../config/database.config.js';
import { ENTITIES, MIGRATIONS } from './entities.js';

/** A DataSource that owns the embedded PGlite instance behind its single connection. */
class EmbeddedDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    private readonly pglite: PGlite,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    if (this.isInitialized) await super.destroy();
    if (!this.pglite.closed) await this.pglite.close();
  }
}

const common = {
  type: 'postgres',
  driver: pg,
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsTableName: 'typeorm_migrations',
  migrationsTransactionMode: 'each',
  synchronize: false,
  logging: false,
} as const;

export async function createDataSource(config: DatabaseConfig): Promise<DataSource> {
  if (config.url === undefined) {
    if (!config.dataDir.startsWith('memory://')) mkdirSync(config.dataDir, { recursive: true });
    // shared_buffers: PGlite's default of 128 MB is a server's cache. For one process's own
    // database 16 MB is plenty, and it keeps about 100 MB of WebAssembly memory out of the RSS
    // and a third of the start-up time away (PGlite writes it to postgresql.conf in DATA_DIR).
    const pglite = await PGlite.create(config.dataDir, { extensions: { citext }, postgresqlconf: 'shared_buffers=16MB\n' });
    // PGlite is one connection: pool size 1, through PGlite's own node-postgres adapter.
    const options: DataSourceOptions = { ...common, poolSize: 1, extra: createPgConfig(pglite), migrationsRun: false };
    return new EmbeddedDataSource(options, pglite);
  }
  return new DataSource({
    ...common,
    url: config.url,
    poolSize: config.poolSize,
    connectTimeoutMS: config.connectTimeoutMs,
    extra: {
      statement_timeout: config.statementTimeoutMs,
      application_name: 'nest-auth-service',
    },
  });
}

/** Connects and, when configured, applies pending migrations. */
export async function openDataSource(config: DatabaseConfig): Promise<DataSource> {
  const dataSource = await createDataSource(config);
  await dataSource.initialize();
  if (config.migrationsRun) await dataSource.runMigrations();
  return dataSource;
}
