import { isIP } from 'node:net';
import { configArea, bool, ConfigError, int, list, oneOf, str, url, type Env } from './env.js';
import { defineSettings, type SettingsEnv } from './settings.js';

export const appSettings = defineSettings('App', {
  NODE_ENV: 'the environment. `production` requires `JWT_SECRET` (HS256) and `MFA_ENCRYPTION_KEY`, refuses placeholder secrets and `AUTH_DEV_UI`; `test` makes `LOG_LEVEL` default to `silent`',
  HOST: 'interface to listen on (`0.0.0.0`: all interfaces)',
  PORT: 'TCP port',
  PUBLIC_URL: {
    doc: "this service's public URL: the social redirect flow's callback is `PUBLIC_URL/api/auth/{provider}/callback/`, and the start-up line prints the Swagger URL from it",
    default: '`http://localhost:$PORT`',
  },
  LOG_LEVEL: { doc: 'least severe log level written', default: '`info` (`silent` when `NODE_ENV=test`)' },
  LOG_PRETTY: {
    doc: "human-readable logs through pino-pretty, a devDependency (when it cannot be loaded the logs stay JSON, with one warning). Unset: human-readable in development when stdout is a terminal, JSON lines in production and when piped. Nest's module and route lines are logged at `debug`",
    values: '`true`/`false`',
  },
  BODY_LIMIT: 'largest request body in bytes; larger bodies get 413',
  JSON_MAX_DEPTH: 'deepest JSON nesting accepted; deeper bodies get 400',
  TRUST_PROXY: {
    doc: 'whose `X-Forwarded-For` to believe for the client IP (sessions list, throttling): `0` nobody; a number, that many proxies in front of the service (only safe when every request passes through them); or a comma-separated list of proxy addresses / CIDR ranges allowed to set the header, e.g. `10.0.0.0/8,127.0.0.1`',
    values: '0–10, or a list of IPs/CIDR ranges',
  },
  SWAGGER_ENABLED: 'serve Swagger UI at `/api/docs/` and the OpenAPI document at `/api/docs-json` and `/api/docs-yaml`',
  FRONTEND_BASE_URL: "the web frontend's URL: the base of every link in a mail and where the social redirect flow lands; in development its origin is also allowed by CORS",
  AUTH_DEV_UI: 'serve the developer test page at `/api/auth/ui/` for trying every flow by hand; refused in production',
  SHUTDOWN_GRACE_SECONDS: 'on SIGTERM or SIGINT, how long the server waits for requests in flight and the mail being sent before it exits anyway (with status 1), seconds. Keep it below the time the orchestrator allows before it kills the process (Kubernetes `terminationGracePeriodSeconds`, 30 s by default; `docker stop` waits 10 s unless told `--time`)',
});

/**
 * TRUST_PROXY: how X-Forwarded-For is believed. 0 (default): never. A number n: the n proxies
 * nearest to us are trusted (only safe when every request comes through them). A list of
 * addresses or CIDR ranges: only those peers may set the header.
 */
function trustProxy(env: SettingsEnv<'TRUST_PROXY'>): number | string[] {
  const value = env.TRUST_PROXY?.trim() ?? '';
  if (value === '' || /^\d+$/.test(value)) return int(env, 'TRUST_PROXY', 0, 0, 10);
  const entries = list(env, 'TRUST_PROXY');
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address);
    if (!family || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)))) {
      throw new ConfigError('TRUST_PROXY', `must be a hop count or a list of IP addresses/CIDR ranges, got "${entry}"`);
    }
  }
  return entries;
}

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadAppConfig(source: Env = process.env) {
  const env = appSettings.read(source);
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
  const devUi = bool(env, 'AUTH_DEV_UI', false);
  if (devUi && nodeEnv === 'production') throw new ConfigError('AUTH_DEV_UI', 'must not be enabled in production');
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    host: str(env, 'HOST', '0.0.0.0'),
    port: int(env, 'PORT', 8000, 0, 65535),
    publicUrl: url(env, 'PUBLIC_URL', undefined, ['http:', 'https:']),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    /** Unset: human-readable only in development on a terminal (common/logging/logger.ts). */
    logPretty: str(env, 'LOG_PRETTY') === undefined ? undefined : bool(env, 'LOG_PRETTY', false),
    bodyLimit: int(env, 'BODY_LIMIT', 64 * 1024, 1024, 10 * 1024 * 1024),
    jsonMaxDepth: int(env, 'JSON_MAX_DEPTH', 20, 2, 200),
    trustProxy: trustProxy(env),
    swaggerEnabled: bool(env, 'SWAGGER_ENABLED', true),
    frontendBaseUrl: url(env, 'FRONTEND_BASE_URL', 'http://localhost:3000', ['http:', 'https:']),
    /** Serve the developer test page at /api/auth/ui/ (refused in production). */
    devUi,
    /** How long a shutdown waits for requests in flight and the mail being sent. */
    shutdownGraceSeconds: int(env, 'SHUTDOWN_GRACE_SECONDS', 25, 1, 3600),
  };
}

export type AppConfig = ReturnType<typeof loadAppConfig>;
export const appConfig = configArea<AppConfig>('app');
