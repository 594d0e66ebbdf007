import { Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DataSource } from 'typeorm';
import { databaseConfig } from '../config/database.config.js';
import { dataSourceOptions, openDataSource, type AppDataSourceOptions } from './data-source.js';

/**
 * The TypeORM DataSource (embedded PGlite by default, PostgreSQL with DATABASE_URL) with the
 * entities each module registers, and the transaction context: inside
 * TransactionHost.withTransaction every repository's `txHost.tx` is that transaction's
 * EntityManager, found through the async context (nestjs-cls), so no EntityManager is passed
 * by hand and nothing falls back to the global manager mid-transaction (which would wait
 * forever for the embedded database's one connection). Outside a transaction `tx` is the
 * global manager.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      // No retries: a database that is not there stops the start at once, naming DATABASE_URL (start-errors.ts).
      useFactory: (config: ConfigType<typeof databaseConfig>) => ({ ...dataSourceOptions(config), autoLoadEntities: true, toRetry: () => false }),
      // Initialised (and migrated when DB_MIGRATIONS_RUN says so) here, not by @nestjs/typeorm.
      dataSourceFactory: (options) => openDataSource(options as AppDataSourceOptions, new Logger('Database')),
    }),
    // registerPlugins, not forRoot: forRoot always installs a global guard and a global interceptor
    // (no-ops unless mounted), and a global interceptor puts every request of the service through
    // an RxJS pipeline (a third of /health/live's throughput). No request needs a CLS context of
    // its own: TransactionHost.withTransaction opens one when none is active.
    ClsModule.registerPlugins([new ClsPluginTransactional({ adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }) })]),
  ],
})
export class DatabaseModule {}
