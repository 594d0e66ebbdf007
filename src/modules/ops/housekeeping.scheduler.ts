import { randomInt } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { retentionConfig } from '../../config/retention.config.js';
import { HousekeepingService } from './housekeeping.service.js';

/**
 * Runs housekeeping on a timer, in the server process only: server.ts starts it once the server
 * listens, so the CLI and the tests never delete on a schedule of their own. The first run comes
 * 1–10 s after start (replicas that restart often would otherwise never reach an interval), then
 * every HOUSEKEEPING_INTERVAL_SECONDS ±10 %, so replicas started together drift apart; whichever
 * holds the lock runs, the others skip their turn.
 */
@Injectable()
export class HousekeepingScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('Housekeeping');
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly housekeeping: HousekeepingService,
    @Inject(retentionConfig.KEY) private readonly config: ConfigType<typeof retentionConfig>,
  ) {}

  start(): void {
    if (!this.config.enabled) {
      this.logger.log('housekeeping: off on this instance (HOUSEKEEPING_ENABLED=false)');
      return;
    }
    this.schedule(randomInt(1000, 10_000));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.housekeeping
        .run()
        .catch((error: unknown) => this.logger.warn({ err: { message: (error as Error).message } }, 'housekeeping run failed; will retry'))
        .finally(() => {
          const intervalMs = this.config.intervalSeconds * 1000;
          this.schedule(randomInt(Math.floor(intervalMs * 0.9), Math.ceil(intervalMs * 1.1)));
        });
    }, delayMs);
    this.timer.unref();
  }
}
