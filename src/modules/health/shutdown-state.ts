import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/**
 * Whether the application has begun to shut down: from then on readiness answers 503, so load
 * balancers send no new work, and every answer closes its connection, so a client's keep-alive
 * connection does not hold the server open after its last request (Node keeps an in-flight
 * request's connection open for the keep-alive timeout, 72 s, after the server has closed).
 * Set by the first shutdown hook, before the HTTP server stops accepting.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private began = false;

  get stopping(): boolean {
    return this.began;
  }

  begin(): void {
    this.began = true;
  }

  beforeApplicationShutdown(): void {
    this.begin();
  }
}
