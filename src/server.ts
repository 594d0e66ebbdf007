import { existsSync } from 'node:fs';
import { appConfig, type AppConfig } from './config/app.config.js';
import { ConfigError } from './config/env.js';
import { createApp } from './app.js';

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await createApp();
  const config = app.get<AppConfig>(appConfig.KEY);
  await app.listen({ port: config.port, host: config.host });
  const base = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
  app.getHttpAdapter().getInstance().log.info(
    { url: base },
    `Auth service listening on ${base}${config.swaggerEnabled ? ` — Swagger UI: ${base}/api/docs/` : ''}`,
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Invalid configuration: ${error.message}`);
  } else {
    console.error('Failed to start:', error);
  }
  process.exit(1);
});
