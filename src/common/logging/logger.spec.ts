import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger, PinoLoggerService, wantsPrettyLogs } from './logger.js';
import { startLine } from './start-line.js';
import { loadConfig } from '../../config/load-config.js';

function capture(): { lines: () => { level: number; msg: string }[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return { stream, lines: () => chunks.map((chunk) => JSON.parse(chunk)) };
}

describe('logging', () => {
  it('is human-readable by default only in development on a terminal; LOG_PRETTY decides when set', () => {
    expect(wantsPrettyLogs({ nodeEnv: 'development', logLevel: 'info', logPretty: undefined }, true)).toBe(true);
    expect(wantsPrettyLogs({ nodeEnv: 'development', logLevel: 'info', logPretty: undefined }, false)).toBe(false);
    expect(wantsPrettyLogs({ nodeEnv: 'production', logLevel: 'info', logPretty: undefined }, true)).toBe(false);
    expect(wantsPrettyLogs({ nodeEnv: 'production', logLevel: 'info', logPretty: true }, false)).toBe(true);
    expect(wantsPrettyLogs({ nodeEnv: 'development', logLevel: 'info', logPretty: false }, true)).toBe(false);
  });

  it('falls back to JSON lines with one warning when pino-pretty cannot be loaded', () => {
    const out = capture();
    const logger = createLogger({ nodeEnv: 'production', logLevel: 'info', logPretty: true }, { destination: out.stream, prettyAvailable: false });
    logger.info('still running');
    expect(out.lines().map((line) => [line.level, line.msg])).toEqual([
      [40, expect.stringMatching(/^LOG_PRETTY: .*pino-pretty.*JSON/)],
      [30, 'still running'],
    ]);
  });

  it("puts Nest's module and route lines at debug, and keeps the service's own at info", () => {
    const out = capture();
    const nest = new PinoLoggerService(createLogger({ nodeEnv: 'development', logLevel: 'info', logPretty: false }, { destination: out.stream }));
    nest.log('Mapped {/api/me, GET} route', 'RouterExplorer');
    nest.log('AuthModule dependencies initialized', 'InstanceLoader');
    nest.log('Outbox worker started', 'Mail');
    expect(out.lines().map((line) => line.msg)).toEqual(['Outbox worker started']);
  });

  it('names the URL, Swagger UI, database, mail mode, developer and admin pages in the start line, never a password', () => {
    const { config } = loadConfig({ JWT_SECRET: 'k'.repeat(40), PORT: '8000', AUTH_DEV_UI: 'true', ADMIN_UI: 'true', DATABASE_URL: 'postgres://app:s3cret@db.internal:5433/auth', SMTP_URL: 'smtp://mailer:pw@smtp.example.test:587' });
    const line = startLine(config.app, config.database, config.mail, 8000, config.admin.ui);
    expect(line.message).toBe(
      'Auth service ready on http://localhost:8000 — Swagger UI: http://localhost:8000/api/docs/ — database: PostgreSQL db.internal:5433/auth — mail: SMTP smtp.example.test:587 — developer page: http://localhost:8000/api/auth/ui/ — admin page: http://localhost:8000/api/admin/ui/',
    );
    expect(JSON.stringify(line)).not.toMatch(/s3cret|pw@/);
    const embedded = loadConfig({ JWT_SECRET: 'k'.repeat(40), DATA_DIR: '/var/lib/auth', SWAGGER_ENABLED: 'false' }).config;
    expect(startLine(embedded.app, embedded.database, embedded.mail, 8000).message).toBe(
      'Auth service ready on http://localhost:8000 — database: embedded PGlite in /var/lib/auth — mail: logged, not sent (no SMTP_URL)',
    );
  });
});
