import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions.js';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { DatabaseConfig } from '../config/database.config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { applyMigrations } from './migrations.js';

/**
 * Opens the embedded database in `dataDir` (created if missing), or from the tarball
 * `loadDataDir` (dumpDataDir's output, which PGlite writes into `dataDir` first).
 */
export function openEmbedded(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // shared_buffers: PGlite's default of 128 MB is a server's cache. For one process's own
  // database 16 MB is plenty, and it keeps about 100 MB of WebAssembly memory out of the RSS
  // and a third of the start-up time away (PGlite writes it to postgresql.conf in DATA_DIR).
  return PGlite.create(dataDir, { extensions: { citext }, postgresqlconf: 'shared_buffers=16MB\n', loadDataDir });
}

/** A gzipped tarball of the data folder of an open embedded database (what PGlite's loadDataDir takes back). */
export async function dumpEmbedded(pglite: PGlite): Promise<Buffer> {
  return Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
}

/** A DataSource that owns the embedded PGlite instance behind its single connection. */
export class EmbeddedDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    private readonly pglite: PGlite,
  ) {
    super(options);
  }

  /**
   * A copy of the data folder taken with no transaction open: the pool's one connection is held
   * for the copy (waiting for a transaction in flight to end first, and keeping the next one
   * from starting), after a CHECKPOINT, so the copy's data files hold every committed row and
   * it opens without WAL replay. Requests wait for the length of the copy.
   */
  async dumpDataDir(): Promise<Buffer> {
    const runner = this.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('CHECKPOINT');
      return await dumpEmbedded(this.pglite);
    } finally {
      await runner.release();
    }
  }

  override async destroy(): Promise<void> {
    if (this.isInitialized) await super.destroy();
    if (!this.pglite.closed) await this.pglite.close();
  }
}

/**
 * TypeORM's options, plus the folder of the embedded database when there is no DATABASE_URL, and
 * whether the server applies pending migrations at start (DB_MIGRATIONS_RUN).
 */
export type AppDataSourceOptions = PostgresDataSourceOptions & { embeddedDataDir?: string; migrateAtStart?: boolean };

/**
 * The options for the configured database: PostgreSQL with DATABASE_URL, else the embedded
 * PGlite. Entities are not named here: TypeOrmModule adds those the modules registered
 * (autoLoadEntities); the migration CLI needs none.
 */
export function dataSourceOptions(config: DatabaseConfig): AppDataSourceOptions {
  const common = {
    type: 'postgres',
    driver: pg,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    // Never by TypeORM's initialize(), which takes no lock: applyMigrations() does it, holding one.
    migrationsRun: false,
    // Extensions are created by the migrations, under that lock; TypeORM would create citext at
    // every start, racing the other replicas starting with it.
    installExtensions: false,
    synchronize: false,
    logging: false,
  } as const;
  // PGlite is one connection: pool size 1, through PGlite's own node-postgres adapter.
  if (config.url === undefined) return { ...common, poolSize: 1, embeddedDataDir: config.dataDir, migrateAtStart: config.migrationsRun };
  return {
    ...common,
    migrateAtStart: config.migrationsRun,
    url: config.url,
    poolSize: config.poolSize,
    connectTimeoutMS: config.connectTimeoutMs,
    extra: {
      statement_timeout: config.statementTimeoutMs,
      application_name: 'nest-auth-service',
    },
  };
}

/** Builds the DataSource of dataSourceOptions(): for the embedded database, starts PGlite first. */
export async function dataSourceFactory(options: AppDataSourceOptions): Promise<DataSource> {
  const { embeddedDataDir, migrateAtStart: _migrateAtStart, ...typeorm } = options;
  if (embeddedDataDir === undefined) return new DataSource(typeorm);
  const pglite = await openEmbedded(embeddedDataDir);
  return new EmbeddedDataSource({ ...typeorm, extra: createPgConfig(pglite) }, pglite);
}

/**
 * The server's DataSource, initialised, with the pending migrations applied first when
 * DB_MIGRATIONS_RUN says so (under the migrations lock: several replicas may start at once).
 * Whatever fails, what was opened is closed again: the embedded database's folder is left as
 * after a clean stop.
 */
export async function openDataSource(options: AppDataSourceOptions, log: { log(message: string): void }): Promise<DataSource> {
  const dataSource = await dataSourceFactory(options);
  try {
    await dataSource.initialize();
    if (options.migrateAtStart) {
      const applied = await applyMigrations(dataSource, options.embeddedDataDir !== undefined, () => log.log('migrations: another process is applying them; waiting for it'));
      if (applied.length) log.log(`migrations: applied ${applied.length} (${applied.join(', ')})`);
    }
    return dataSource;
  } catch (error) {
    // A failed initialize() has closed its pool already; the embedded database still has PGlite to close.
    if (dataSource.isInitialized || dataSource instanceof EmbeddedDataSource) await dataSource.destroy();
    throw error;
  }
}

/** The configured database with its migrations and no entities, not yet initialised, migrating nothing on its own: the migration CLI and tests. */
export function createDataSource(config: DatabaseConfig): Promise<DataSource> {
  return dataSourceFactory(dataSourceOptions(config));
}
