import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/app.config.js';
import { ConfigError } from '../../config/env.js';
import { metricsConfig } from '../../config/metrics.config.js';
import { InternalServerError, NotAuthenticatedError, NotFoundError, type AppError } from '../../common/errors/app-error.js';
import { MetricsExposition } from './metrics-exposition.service.js';

/**
 * METRICS_PORT: a listener of its own that serves GET /metrics and nothing else, so the
 * metrics can stay on a network the public never reaches. A bare node:http server: no
 * framework, no hooks, nothing of the API is reachable through it.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private readonly server: Server;

  constructor(
    private readonly exposition: MetricsExposition,
    @Inject(metricsConfig.KEY) private readonly config: ConfigType<typeof metricsConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {
    this.server = createServer((request, response) => void this.answer(request, response));
  }

  /** The port it listens on (METRICS_PORT=0 takes a free one). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', (error: NodeJS.ErrnoException) => {
        reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new ConfigError('METRICS_PORT', `${this.config.port} cannot be listened on (${error.code})`) : error);
      });
      this.server.listen(this.config.port!, this.app.host, resolve);
    });
    this.logger.log(`metrics served on port ${this.port} at /metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server.listening) return;
    // Scrapers keep their connections open: close them too, or close() waits for them.
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const path = (request.url ?? '').split('?')[0].replace(/\/+$/, '');
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) return this.refuse(response, new NotFoundError());
      if (!this.exposition.allows(request.headers.authorization)) return this.refuse(response, new NotAuthenticatedError());
      const body = await this.exposition.scrape();
      response.writeHead(200, { 'content-type': this.exposition.contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error({ err: { message: (error as Error).message } }, 'metrics scrape failed');
      if (response.headersSent) response.end();
      else this.refuse(response, new InternalServerError());
    }
  }

  private refuse(response: ServerResponse, error: AppError): void {
    response.writeHead(error.status, { ...error.headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(error.body()));
  }
}
