import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.js';

/** A fixed 256-bit test secret, so two apps in one test can verify each other's tokens. */
export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

/**
 * The settings every test app starts with, in this process or as its own (spawn-instance.ts);
 * a test's own settings go on top.
 */
export function testEnv(): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: 'memory://',
    DB_MIGRATIONS_RUN: 'true',
    SWAGGER_ENABLED: 'true',
    // Each app gets its own Redis namespace, so counters and revocations of one test never leak into another.
    REDIS_KEY_PREFIX: `test:${randomUUID()}:`,
    // Every test request comes from 127.0.0.1; the per-IP budget has its own test (rate-limit.e2e-spec.ts).
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    // A spawned server deletes on a schedule only where a test asks (retention tests); elsewhere it would
    // delete expired rows of the shared database at a moment no test chose.
    HOUSEKEEPING_ENABLED: 'false',
  };
}

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  db: DataSource;
  /** Every log line the app wrote, for redaction checks. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Starts the real application over HTTP: on an in-memory PGlite by default, or on the
 * PostgreSQL / Redis named by DATABASE_URL / REDIS_URL when they are set.
 */
export async function startApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const saved = { ...process.env };
  const logs: string[] = [];
  Object.assign(process.env, testEnv());
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  let app: NestFastifyApplication;
  try {
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        logs.push(String(chunk));
        callback();
      },
    });
    app = await createApp({ logDestination: destination as never });
    await app.getHttpAdapter().getInstance().ready();
  } finally {
    process.env = saved;
  }
  return {
    app,
    http: request(app.getHttpServer()),
    db: app.get(DataSource),
    logs,
    close: () => app.close(),
  };
}
