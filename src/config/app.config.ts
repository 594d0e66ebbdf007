import { isIP } from 'node:net';
import { configArea, bool, ConfigError, int, list, oneOf, str, url, type Env } from './env.js';

/**
 * TRUST_PROXY: how X-Forwarded-For is believed. 0 (default): never. A number n: the n proxies
 * nearest to us are trusted (only safe when every request comes through them). A list of
 * addresses or CIDR ranges: only those peers may set the header.
 */
function trustProxy(env: Env): number | string[] {
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

export function loadAppConfig(env: Env = process.env) {
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
  };
}

export type AppConfig = ReturnType<typeof loadAppConfig>;
export const appConfig = configArea<AppConfig>('app');
