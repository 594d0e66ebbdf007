import { ConfigError } from './config/env.js';

interface SystemError {
  code?: string;
  syscall?: string;
  port?: number;
  hostname?: string;
}

/** PostgreSQL answers that mean the URL's user, password or database is wrong. */
const POSTGRES_REFUSALS = new Set(['28P01', '28000', '3D000']);

/** Where DATABASE_URL points, without its password. */
function databaseTarget(): { host: string; port: number; shown: string } | undefined {
  const value = process.env.DATABASE_URL?.trim();
  if (!value) return undefined;
  const url = new URL(value);
  return { host: url.hostname, port: Number(url.port || 5432), shown: `${url.host}${url.pathname}` };
}

/**
 * A start failure caused by a setting this machine cannot honour, turned into that setting's
 * ConfigError so server.ts says it in one line instead of a stack trace.
 */
export function settingError(error: unknown): ConfigError | undefined {
  const { code, syscall, port, hostname } = (error ?? {}) as SystemError;
  if (syscall === 'listen' && (code === 'EADDRINUSE' || code === 'EACCES')) {
    return new ConfigError('PORT', code === 'EADDRINUSE' ? 'is already in use on this host' : 'needs privileges this process does not have');
  }
  if (syscall === 'listen') return new ConfigError('HOST', `cannot be listened on (${code})`);
  const database = databaseTarget();
  if (!database) return undefined;
  const unreachable = (syscall === 'connect' && port === database.port) || (syscall === 'getaddrinfo' && hostname === database.host);
  if (unreachable || POSTGRES_REFUSALS.has(code ?? '')) {
    return new ConfigError('DATABASE_URL', `names a database this service cannot use (${database.shown}): ${error instanceof Error ? error.message : code}`);
  }
  return undefined;
}
