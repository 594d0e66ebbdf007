import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { createLogger, PinoLoggerService } from '../common/logging/logger.js';
import type { Config } from '../config/load-config.js';
import { CliModule } from './cli.module.js';
import { Refusal } from './command.js';
import { MIGRATE_HINT, migrationState, refuseOpenEmbedded } from './database-state.js';

/**
 * The service's providers over the configured database, for one command: a Nest application
 * context (no HTTP server), closed afterwards so the process exits. Pending migrations are
 * applied when the server would apply them at start (DB_MIGRATIONS_RUN: by default on the
 * embedded database only); otherwise the command is refused, as its queries could fail halfway.
 */
export async function withServices<T>(config: Config, use: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  refuseOpenEmbedded(config.database);
  // stdout is the command's output; only errors are logged, to stderr (the audit log has the rest).
  const level = ['fatal', 'silent'].includes(config.app.logLevel) ? config.app.logLevel : 'error';
  const logger = createLogger({ ...config.app, logLevel: level }, { destination: pino.destination({ fd: 2, sync: true }) });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: new PinoLoggerService(logger), abortOnError: false });
  try {
    const { pending } = await migrationState(app.get(DataSource));
    if (pending.length) throw new Refusal(`The database lacks ${pending.length} migration(s) of this version (migrations:status lists them): ${MIGRATE_HINT}.`);
    return await use(app);
  } finally {
    await app.close();
  }
}
