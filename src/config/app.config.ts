import { registerAs } from '@nestjs/config';
import { bool, int, oneOf, str, url, type Env } from './env.js';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadAppConfig(env: Env = process.env) {
  const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    host: str(env, 'HOST', '0.0.0.0'),
    port: int(env, 'PORT', 8000, 0, 65535),
    publicUrl: url(env, 'PUBLIC_URL', undefined, ['http:', 'https:']),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    logPretty: bool(env, 'LOG_PRETTY', false),
    bodyLimit: int(env, 'BODY_LIMIT', 64 * 1024, 1024, 10 * 1024 * 1024),
    jsonMaxDepth: int(env, 'JSON_MAX_DEPTH', 20, 2, 200),
    trustProxy: int(env, 'TRUST_PROXY', 0, 0, 10),
    swaggerEnabled: bool(env, 'SWAGGER_ENABLED', true),
    frontendBaseUrl: url(env, 'FRONTEND_BASE_URL', 'http://localhost:3000', ['http:', 'https:']),
  };
}

export type AppConfig = ReturnType<typeof loadAppConfig>;
export const appConfig = registerAs('app', () => loadAppConfig());
