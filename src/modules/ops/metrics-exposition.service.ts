import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Registry } from 'prom-client';
import { sameSecret } from '../../common/crypto.js';
import { metricsConfig } from '../../config/metrics.config.js';
import { MetricsService } from './metrics.service.js';
import { processMetrics } from './process-metrics.js';
import { StateMetrics } from './state-metrics.service.js';

const BEARER = /^bearer\s+(.+)$/i;

/** What GET /metrics answers, on the public port (MetricsController) or on METRICS_PORT (MetricsServer). */
@Injectable()
export class MetricsExposition {
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;

  constructor(
    private readonly metrics: MetricsService,
    private readonly state: StateMetrics,
    @Inject(metricsConfig.KEY) private readonly config: ConfigType<typeof metricsConfig>,
  ) {}

  /** Without METRICS_TOKEN anyone may read; with it, only `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time. */
  allows(authorization: string | undefined): boolean {
    if (this.config.token === null) return true;
    const presented = BEARER.exec(authorization ?? '')?.[1]?.trim();
    return presented !== undefined && sameSecret(presented, this.config.token);
  }

  /** This instance's metrics in the Prometheus text format, then the process's. */
  async scrape(): Promise<string> {
    await this.state.refresh();
    const [own, process] = await Promise.all([this.metrics.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }
}
