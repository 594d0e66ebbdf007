import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

/**
 * Work done after the response is sent, so an answer takes the same time whether or not the
 * work applies (an unknown email answers as fast as a known one, SECURITY.md 17).
 * Shutdown waits for what is still running.
 */
@Injectable()
export class BackgroundTasks implements OnApplicationShutdown {
  private readonly logger = new Logger('Background');
  private readonly pending = new Set<Promise<void>>();

  run(name: string, task: () => Promise<void>): void {
    const promise = Promise.resolve()
      .then(task)
      .catch((error: Error) => this.logger.error({ task: name, err: { message: error.message } }, 'background task failed'))
      .finally(() => this.pending.delete(promise));
    this.pending.add(promise);
  }

  /** Resolves once everything started so far has finished. */
  async idle(): Promise<void> {
    await Promise.all(this.pending);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.idle();
  }
}
