import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBaseLogger } from 'fastify';

/**
 * On SIGTERM or SIGINT the application closes in order: readiness turns 503 and the outbox
 * worker takes no new mail (shutdown hooks); the HTTP server stops accepting connections and
 * waits for the requests in flight; the worker finishes the mail it is sending; the database
 * pool and Redis close. Then the process exits 0. When that takes longer than
 * SHUTDOWN_GRACE_SECONDS it exits 1 anyway, saying so: the orchestrator would kill it soon, and
 * whatever was cut short is then known (a mail cut short mid-send is sent again after its lease).
 * A second signal exits at once.
 */
export function closeOnSignals(app: NestFastifyApplication, graceSeconds: number, log: FastifyBaseLogger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn(`shutdown: ${signal} again; exiting now`);
      process.exit(1);
    }
    closing = true;
    const started = performance.now();
    log.info({ signal, graceSeconds }, `shutdown: ${signal}; finishing the requests in flight and the mail being sent, for at most ${graceSeconds} s`);
    const deadline = setTimeout(() => {
      log.error({ graceSeconds }, `shutdown: not finished within SHUTDOWN_GRACE_SECONDS (${graceSeconds} s); exiting with requests or a mail still in progress`);
      process.exit(1);
    }, graceSeconds * 1000);
    app.close().then(
      () => {
        clearTimeout(deadline);
        log.info({ ms: Math.round(performance.now() - started) }, 'shutdown: done');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: { message: (error as Error).message } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
