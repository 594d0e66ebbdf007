import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { MetricsConfig } from '../../config/metrics.config.js';
import { MetricsExposition } from './metrics-exposition.service.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsServer } from './metrics-server.service.js';
import { MetricsService } from './metrics.service.js';
import { StateMetrics } from './state-metrics.service.js';

/**
 * The counters (MetricsService) are always there for the code that counts, global like the
 * config; what reads them out is mounted only with METRICS_ENABLED: GET /metrics on the public
 * port, or the listener of METRICS_PORT instead. The HTTP timing hook is installed by createApp.
 */
@Global()
@Module({})
export class MetricsModule {
  static register(config: MetricsConfig): DynamicModule {
    const providers: Provider[] = [MetricsService];
    if (config.enabled) providers.push(StateMetrics, MetricsExposition);
    if (config.enabled && config.port !== null) providers.push(MetricsServer);
    return {
      module: MetricsModule,
      providers,
      controllers: config.enabled && config.port === null ? [MetricsController] : [],
      exports: [MetricsService],
    };
  }

  /** The counters alone, read by nobody: for a process that serves no metrics (the CLI). */
  static unexposed(): DynamicModule {
    return MetricsModule.register({ enabled: false, token: null, port: null });
  }
}
