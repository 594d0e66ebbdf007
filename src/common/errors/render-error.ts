import { HttpException } from '@nestjs/common';
import { AppError, ServiceUnavailableError } from './app-error.js';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Unexpected failures are logged with the request id; client errors are not. */
  unexpected: boolean;
}

const HTTP_CODES: Record<number, [string, string]> = {
  400: ['parse_error', 'JSON parse error.'],
  401: ['not_authenticated', 'Authentication credentials were not provided.'],
  403: ['permission_denied', 'You do not have permission to perform this action.'],
  404: ['not_found', 'Not found.'],
  405: ['method_not_allowed', 'Method not allowed.'],
  406: ['not_acceptable', 'Could not satisfy the request Accept header.'],
  413: ['payload_too_large', 'Request body is too large.'],
  415: ['unsupported_media_type', 'Unsupported media type in request. Use application/json.'],
  429: ['throttled', 'Request was throttled.'],
};

/** Fastify's own request errors (body parsing, limits) that are the client's fault. */
const FASTIFY_CLIENT_ERRORS: Record<string, number> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 400,
  FST_ERR_CTP_EMPTY_JSON_BODY: 400,
  FST_ERR_CTP_INVALID_JSON_BODY: 400,
  FST_ERR_BAD_URL: 400,
};

/** Errors that mean a backing service (PostgreSQL, Redis) is unreachable, not that the request is bad. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '53300', // too_many_connections
]);

function isUnavailable(error: unknown): boolean {
  for (let current = error as any, depth = 0; current && depth < 4; current = current.cause ?? current.driverError, depth++) {
    if (UNAVAILABLE_CODES.has(current.code)) return true;
    const message = String(current.message ?? '');
    if (/Connection terminated|timeout exceeded when trying to connect|Connection is closed|connect ECONNREFUSED/i.test(message)) {
      return true;
    }
  }
  return false;
}

function statusBody(status: number, detail?: string): Record<string, unknown> {
  const [code, fallback] = HTTP_CODES[status] ?? ['error', 'Request failed.'];
  return { detail: detail ?? fallback, code };
}

export function renderError(error: unknown): RenderedError {
  if (error instanceof AppError) {
    return { status: error.status, headers: error.headers, body: error.body(), unexpected: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status < 500) return { status, headers: {}, body: statusBody(status), unexpected: false };
  }
  const fastifyStatus = FASTIFY_CLIENT_ERRORS[(error as { code?: string })?.code ?? ''];
  if (fastifyStatus) {
    return { status: fastifyStatus, headers: {}, body: statusBody(fastifyStatus), unexpected: false };
  }
  if (error instanceof SyntaxError || (error as { statusCode?: number })?.statusCode === 400) {
    return { status: 400, headers: {}, body: statusBody(400, 'JSON parse error.'), unexpected: false };
  }
  if (isUnavailable(error)) {
    const unavailable = new ServiceUnavailableError();
    return { status: 503, headers: unavailable.headers, body: unavailable.body(), unexpected: true };
  }
  return { status: 500, headers: {}, body: { detail: 'Internal server error.', code: 'server_error' }, unexpected: true };
}
