import { HttpException } from '@nestjs/common';
import {
  AppError,
  InternalServerError,
  NotAuthenticatedError,
  NotFoundError,
  ParseError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RequestFailedError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  UriTooLongError,
} from './app-error.js';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Unexpected failures are logged with the request id; client errors are not. */
  unexpected: boolean;
}

/**
 * Framework exceptions as the contract's errors: Nest's HttpExceptions by status (unknown route,
 * a guard saying no, a pipe refusing, a body over BODY_LIMIT), Fastify's own errors by their code.
 */
const HTTP_STATUS_ERRORS: Record<number, () => AppError> = {
  400: () => new ParseError(),
  401: () => new NotAuthenticatedError(),
  403: () => new PermissionDeniedError(),
  404: () => new NotFoundError(),
  413: () => new PayloadTooLargeError(),
  415: () => new UnsupportedMediaTypeError(),
};

const FASTIFY_CLIENT_ERRORS: Record<string, () => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new PayloadTooLargeError(),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new UnsupportedMediaTypeError(),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new ParseError(),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new ParseError(),
  FST_ERR_BAD_URL: () => new ParseError(),
  FST_ERR_MAX_PARAM_LENGTH: () => new UriTooLongError(),
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

function known(error: AppError): RenderedError {
  return { status: error.status, headers: error.headers, body: error.body(), unexpected: false };
}

export function renderError(error: unknown): RenderedError {
  if (error instanceof AppError) return known(error);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status < 500) return known(HTTP_STATUS_ERRORS[status]?.() ?? new RequestFailedError(status));
  }
  const fastifyError = FASTIFY_CLIENT_ERRORS[(error as { code?: string })?.code ?? ''];
  if (fastifyError) return known(fastifyError());
  if (error instanceof SyntaxError || (error as { statusCode?: number })?.statusCode === 400) return known(new ParseError());
  if (isUnavailable(error)) return { ...known(new ServiceUnavailableError()), unexpected: true };
  return { ...known(new InternalServerError()), unexpected: true };
}
