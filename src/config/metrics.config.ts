import { appSettings } from './app.config.js';
import { PLACEHOLDER } from './signing-keys.js';
import { configArea, bool, ConfigError, int, str, type Env } from './env.js';
import { defineSettings } from './settings.js';

const MIN_TOKEN_LENGTH = 16;

export const metricsSettings = defineSettings('Monitoring', {
  METRICS_ENABLED: 'serve Prometheus metrics at `GET /metrics` (docs/operations.md, Monitoring). In production it needs `METRICS_TOKEN` or `METRICS_PORT`: the service refuses to start with the metrics on the public port unprotected',
  METRICS_TOKEN: {
    doc: 'bearer token the scraper must send (`Authorization: Bearer …`) to read `/metrics`, on whichever port it is served; at least 16 characters, and in production no placeholder. Generate one with `openssl rand -hex 32`',
    default: 'unset: no token asked',
  },
  METRICS_PORT: {
    doc: 'serve `/metrics` on this port alone (on `HOST`), and no longer on `PORT`, where it answers 404; keep the port off the public network. `0` takes any free port (tests)',
    values: '0–65535, not `PORT`',
    default: 'unset: `/metrics` on `PORT`',
  },
});

export function loadMetricsConfig(source: Env = process.env) {
  const env = metricsSettings.read(source, appSettings);
  const production = env.NODE_ENV === 'production';
  const enabled = bool(env, 'METRICS_ENABLED', true);
  const token = str(env, 'METRICS_TOKEN');
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) throw new ConfigError('METRICS_TOKEN', `must be at least ${MIN_TOKEN_LENGTH} characters long`);
  if (token !== undefined && production && PLACEHOLDER.test(token)) {
    throw new ConfigError('METRICS_TOKEN', 'still holds a placeholder value; generate one with `openssl rand -hex 32`');
  }
  const port = str(env, 'METRICS_PORT') === undefined ? undefined : int(env, 'METRICS_PORT', 0, 0, 65535);
  if (port !== undefined && port !== 0 && port === Number(env.PORT?.trim() || 8000)) {
    throw new ConfigError('METRICS_PORT', 'must differ from PORT: it is a listener of its own');
  }
  // The counters are not secret, but route templates, volumes and failure rates tell an attacker
  // how well an attack works; production keeps them off the open public port.
  if (enabled && production && token === undefined && port === undefined) {
    throw new ConfigError('METRICS_ENABLED', 'is on in production without protection: set METRICS_TOKEN (a bearer token for the scraper) or METRICS_PORT (a port kept off the public network), or METRICS_ENABLED=false');
  }
  return {
    enabled,
    token: enabled ? (token ?? null) : null,
    /** A listener of its own for /metrics; null: /metrics on the public port. */
    port: enabled ? (port ?? null) : null,
  };
}

export type MetricsConfig = ReturnType<typeof loadMetricsConfig>;
export const metricsConfig = configArea<MetricsConfig>('metrics');
