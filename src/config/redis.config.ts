import { configArea, int, str, url, type Env } from './env.js';
import { defineSettings } from './settings.js';

export const redisSettings = defineSettings('Redis', {
  REDIS_URL: 'Redis connection string. Unset: throttle counters live in the memory of this one process (correct for a single instance only). Set it when more than one instance runs; while Redis is down, throttled endpoints answer 503. Revocation never depends on Redis',
  REDIS_KEY_PREFIX: 'prefix of every key the service writes to Redis',
  REDIS_COMMAND_TIMEOUT_MS: 'time limit of one Redis command, ms',
});

export function loadRedisConfig(source: Env = process.env) {
  const env = redisSettings.read(source);
  return {
    /** When unset, throttle counters are kept in this process only (single instance). */
    url: url(env, 'REDIS_URL', undefined, ['redis:', 'rediss:']),
    keyPrefix: str(env, 'REDIS_KEY_PREFIX', 'auth:'),
    commandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 500, 50, 10000),
  };
}

export type RedisConfig = ReturnType<typeof loadRedisConfig>;
export const redisConfig = configArea<RedisConfig>('redis');
