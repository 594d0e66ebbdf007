import { createRequire } from 'node:module';
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

type LogConfig = Pick<AppConfig, 'nodeEnv' | 'logLevel' | 'logPretty'>;

/** LOG_PRETTY when set; otherwise human-readable only in development on a terminal, JSON lines when piped or in production. */
export function wantsPrettyLogs(config: LogConfig, isTTY: boolean): boolean {
  return config.logPretty ?? (config.nodeEnv === 'development' && isTTY);
}

/** pino-pretty is a devDependency: an install without them must still start. */
function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

export interface LoggerOptions {
  /** Where logs go (tests capture them); stdout by default, and then never pretty. */
  destination?: DestinationStream;
  isTTY?: boolean;
  prettyAvailable?: boolean;
}

/** Fastify announces each address it listens on; the start line (server.ts) says it once. */
const FRAMEWORK_INFO = /^Server listening at /;

export function createLogger(config: LogConfig, options: LoggerOptions = {}): Logger {
  const { destination, isTTY = Boolean(process.stdout.isTTY) } = options;
  const pretty = wantsPrettyLogs(config, isTTY);
  const available = pretty && (options.prettyAvailable ?? prettyInstalled());
  const logger = pino(
    {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        // The query string is dropped: one-time codes may travel there.
        req: (req) => ({ id: req.id, method: req.method, url: String(req.url).split('?')[0], ip: req.ip }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      hooks: {
        logMethod(args, method, level) {
          if (level === 30 && typeof args[0] === 'string' && FRAMEWORK_INFO.test(args[0])) return this.debug(args[0]);
          return method.apply(this, args);
        },
      },
      // The start line's fields repeat its message; machines read them from the JSON form.
      ...(available && !destination ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname,start' } } } : {}),
    },
    destination,
  );
  if (pretty && !available) logger.warn('LOG_PRETTY: human-readable logs need pino-pretty (a devDependency), which cannot be loaded here; logging JSON lines instead.');
  return logger;
}

/** Nest's own start-up chatter (each module initialised, each route mapped) is debug, not info. */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Start-up failures Nest logs and then throws to the caller (server.ts says them once, as one line). */
function rethrown(message: unknown, context: unknown): boolean {
  return context === 'ExceptionHandler' || (context === 'NestApplication' && /^Error: listen /.test(String(message)));
}

/** Nest's logger calls, written through the same pino instance as Fastify's request logs. */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write(FRAMEWORK_CONTEXTS.has(rest.at(-1) as string) ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write(rethrown(message, rest.at(-1)) ? 'debug' : 'error', message, rest);
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
