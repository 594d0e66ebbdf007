import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Redis } from 'ioredis';
import { redisConfig } from '../config/redis.config.js';

export const REDIS = Symbol('REDIS');

/**
 * The shared Redis client, or null when REDIS_URL is unset (single-instance mode).
 * Commands fail fast while disconnected instead of queueing, so callers can fail closed.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [redisConfig.KEY],
      useFactory: (config: ConfigType<typeof redisConfig>): Redis | null => {
        if (!config.url) return null;
        const logger = new Logger('Redis');
        const client = new Redis(config.url, {
          keyPrefix: config.keyPrefix,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: config.commandTimeoutMs,
          connectTimeout: 2000,
          retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        });
        let down = false;
        client.on('error', (error: Error) => {
          if (!down) logger.error({ err: { message: error.message } }, 'Redis unavailable');
          down = true;
        });
        client.on('ready', () => {
          if (down) logger.log('Redis connection restored');
          down = false;
        });
        return client;
      },
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.redis) this.redis.disconnect();
  }
}
