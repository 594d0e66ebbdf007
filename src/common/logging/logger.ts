import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../../config/app.config.js';

/**
 * Secrets never reach the log: credentials travel in headers and bodies, and neither
 * bodies nor these headers are logged (SECURITY.md 26).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrftoken"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.access',
  '*.refresh',
  '*.token',
];

export function createLogger(config: Pick<AppConfig, 'logLevel' | 'logPretty'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        // The query string is dropped: one-time codes may travel there.
        req: (req) => ({ id: req.id, method: req.method, url: String(req.url).split('?')[0], ip: req.ip }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      ...(config.logPretty && !destination ? { transport: { target: 'pino-pretty' } } : {}),
    },
    destination,
  );
}

/** Nest's logger calls, written through the same pino instance as Fastify's request logs. */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (message !== null && typeof message === 'object') {
      const [msg] = rest.filter((item) => typeof item === 'string' && item !== context) as string[];
      this.logger[level]({ context, ...(message as object) }, msg ?? context ?? '');
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}
