import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { appConfig, type AppConfig } from './config/app.config.js';
import { adminConfig, type AdminConfig } from './config/admin.config.js';
import { databaseConfig, type DatabaseConfig } from './config/database.config.js';
import { ConfigError } from './config/env.js';
import { mailConfig, type MailConfig } from './config/mail.config.js';
import { HousekeepingScheduler } from './modules/ops/housekeeping.scheduler.js';
import { createApp } from './app.js';
import { startLine } from './common/logging/start-line.js';
import { settingError } from './start-errors.js';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await createApp();
  const config = app.get<AppConfig>(appConfig.KEY);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const fastify = app.getHttpAdapter().getInstance();
  const { port } = fastify.server.address() as AddressInfo;
  const line = startLine(config, app.get<DatabaseConfig>(databaseConfig.KEY), app.get<MailConfig>(mailConfig.KEY), port, app.get<AdminConfig>(adminConfig.KEY).ui);
  // Only the server deletes on a schedule; the CLI and the tests run housekeeping when they ask.
  app.get(HousekeepingScheduler).start();
  fastify.log.info({ start: line.fields }, line.message);
}

bootstrap().catch((error: unknown) => {
  const setting = error instanceof ConfigError ? error : settingError(error);
  if (setting) {
    console.error(`Invalid configuration: ${setting.message}`);
  } else {
    console.error('Failed to start:', error);
  }
  process.exit(1);
});
