import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './env.js';
import { loadMetricsConfig } from './metrics.config.js';

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const token = 'f3a9c2e17b5d4a8e9c0b1d2e3f4a5b6c';

describe('metrics configuration', () => {
  it('serves /metrics on the public port, unprotected, outside production by default', () => {
    expect(loadMetricsConfig({})).toEqual({ enabled: true, token: null, port: null });
  });

  it('refuses production with the metrics on the public port and no token, naming the variables', () => {
    const error = errorOf(() => loadMetricsConfig({ NODE_ENV: 'production' }));
    expect(error.variable).toBe('METRICS_ENABLED');
    expect(error.message).toMatch(/METRICS_TOKEN/);
    expect(error.message).toMatch(/METRICS_PORT/);
  });

  it('starts in production with a token, a port of its own, or the metrics off', () => {
    expect(loadMetricsConfig({ NODE_ENV: 'production', METRICS_TOKEN: token })).toEqual({ enabled: true, token, port: null });
    expect(loadMetricsConfig({ NODE_ENV: 'production', METRICS_PORT: '9464' })).toEqual({ enabled: true, token: null, port: 9464 });
    expect(loadMetricsConfig({ NODE_ENV: 'production', METRICS_ENABLED: 'false' })).toEqual({ enabled: false, token: null, port: null });
  });

  it('refuses a short token, a placeholder in production, and the public port as the metrics port', () => {
    expect(errorOf(() => loadMetricsConfig({ METRICS_TOKEN: 'short' })).variable).toBe('METRICS_TOKEN');
    expect(errorOf(() => loadMetricsConfig({ NODE_ENV: 'production', METRICS_TOKEN: 'change-me-change-me-change-me' })).message).toMatch(/placeholder/);
    expect(errorOf(() => loadMetricsConfig({ METRICS_PORT: '8000' })).variable).toBe('METRICS_PORT');
    expect(errorOf(() => loadMetricsConfig({ PORT: '9000', METRICS_PORT: '9000' })).variable).toBe('METRICS_PORT');
    expect(errorOf(() => loadMetricsConfig({ METRICS_PORT: 'x' })).variable).toBe('METRICS_PORT');
    expect(loadMetricsConfig({ PORT: '9000', METRICS_PORT: '8000' }).port).toBe(8000);
  });
});
