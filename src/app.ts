import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { loadConfig } from './config/load-config.js';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter.js';
import { frameworkErrors, installHttpHooks, requestId } from './common/http/fastify-hooks.js';
import { createLogger, PinoLoggerService } from './common/logging/logger.js';
import { DrfValidationPipe } from './common/validation/validation.pipe.js';
import { PendingMigrationsError, pendingMigrations } from './database/migrations.js';
import { ShutdownState } from './modules/health/shutdown-state.js';
import { installHttpMetrics } from './modules/ops/http-metrics.js';
import { MetricsService } from './modules/ops/metrics.service.js';
import { setupSwagger } from './swagger.js';

/**
 * Fastify refuses a bare hop count (it fails closed), so a count becomes the equivalent
 * proxy-addr function: the nearest `hops` addresses are proxies, the next is the client.
 */
function proxyTrust(setting: number | string[]): false | string[] | ((address: string, hop: number) => boolean) {
  if (Array.isArray(setting)) return setting;
  return setting > 0 ? (_address, hop) => hop < setting : false;
}

const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export interface CreateAppOptions {
  /** Where logs go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
}

/** Builds the configured, initialised application without listening; main.ts and the tests share it. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const loaded = loadConfig();
  const config = loaded.config.app;
  const logger = createLogger(config, { destination: options.logDestination });
  for (const warning of loaded.warnings) logger.warn(warning);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.bodyLimit,
    trustProxy: proxyTrust(config.trustProxy),
    routerOptions: { ignoreTrailingSlash: true },
    genReqId: requestId,
    frameworkErrors,
  });
  const nestLogger = new PinoLoggerService(logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(loaded.config), adapter, { logger: nestLogger, abortOnError: false, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  installHttpHooks(fastify, config.jsonMaxDepth);
  const shutdown = app.get(ShutdownState);
  // Once shutdown begins, each answer closes its connection: a keep-alive connection whose
  // request was in flight when the server closed would hold it open for the keep-alive timeout.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (shutdown.stopping) reply.header('connection', 'close');
    done(null, payload);
  });
  if (loaded.config.metrics.enabled) installHttpMetrics(fastify, app.get(MetricsService));
  await app.register(fastifyCookie);
  // Security headers on every answer. The CSP is set per route in the HTTP hooks: none at all
  // for JSON, none for Swagger UI's own page.
  await app.register(fastifyHelmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  const cookies = loaded.config.cookie;
  if (cookies.corsOrigins.length) {
    app.enableCors({
      origin: cookies.corsOrigins,
      credentials: true,
      // Every method of the API: @fastify/cors allows only GET, HEAD and POST unless told.
      methods: CORS_METHODS,
      allowedHeaders: ['Authorization', 'Content-Type', cookies.csrfHeaderName, 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
      maxAge: 600,
      // A plain OPTIONS request from an allowed page is answered too, not only a preflight.
      strictPreflight: false,
    });
    logger.info({ corsOrigins: cookies.corsOrigins }, `CORS: pages on ${cookies.corsOrigins.join(', ')} may call this service with credentials (from ${cookies.corsSource})`);
  } else {
    logger.info(`CORS: off, no page on another origin may call this service; ${cookies.corsSource}`);
  }
  app.useGlobalPipes(new DrfValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  // No enableShutdownHooks(): Nest would end the process by raising the signal again (status
  // 143); server.ts closes the application on SIGTERM/SIGINT within SHUTDOWN_GRACE_SECONDS.
  if (config.swaggerEnabled) setupSwagger(app, loaded.config.social);
  try {
    // Before init, whose hooks start the outbox worker and the rest on the schema they expect.
    if (!loaded.config.database.migrationsRun) {
      const pending = await pendingMigrations(app.get(DataSource));
      if (pending.length) throw new PendingMigrationsError(pending);
    }
    await app.init();
  } catch (error) {
    // A start refused (pending migrations, or at bootstrap: ADMIN_BOOTSTRAP_PASSWORD, say) still
    // closes what it opened: the embedded database's folder is left as after a clean stop, free for the CLI.
    await app.close();
    throw error;
  }
  return app;
}
