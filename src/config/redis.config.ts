import { configArea, int, str, url, type Env } from './env.js';

export function loadRedisConfig(env: Env = process.env) {
  return {
    /** When unset, throttle counters are kept in this process only (single instance). */
    url: url(env, 'REDIS_URL', undefined, ['redis:', 'rediss:']),
    keyPrefix: str(env, 'REDIS_KEY_PREFIX', 'auth:'),
    commandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 500, 50, 10000),
  };
}

export type RedisConfig = ReturnType<typeof loadRedisConfig>;
export const redisConfig = configArea<RedisConfig>('redis');
