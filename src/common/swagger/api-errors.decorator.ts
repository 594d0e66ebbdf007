import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import {
  type AppError,
  NotAuthenticatedError,
  NotFoundError,
  ParseError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  ThrottledError,
  TokenNotValidError,
  UnsupportedMediaTypeError,
  UserInactiveError,
  ValidationFailedError,
} from '../errors/app-error.js';
import { MESSAGES } from '../validation/messages.js';
import { ErrorResponse } from './error.response.js';

/** One documented status: the examples are the bodies these errors render, so they cannot drift from them. */
export interface ErrorDoc {
  description: string;
  errors: AppError[];
}

const VALIDATION_SCHEMA = {
  type: 'object',
  description: 'Field name → messages (DRF shape); errors tied to no field are under non_field_errors.',
  additionalProperties: { type: 'array', items: { type: 'string' } },
};

const DEFAULTS: Record<number, ErrorDoc> = {
  400: {
    description: 'Invalid input: a map of field → messages, or a body that is not JSON',
    errors: [ValidationFailedError.field('non_field_errors', MESSAGES.notObject('list')), new ParseError()],
  },
  401: {
    description: 'Missing, invalid, expired or revoked credentials (with `WWW-Authenticate: Bearer`)',
    errors: [new NotAuthenticatedError(), new TokenNotValidError()],
  },
  403: { description: 'Forbidden', errors: [new UserInactiveError()] },
  404: { description: 'Not found', errors: [new NotFoundError()] },
  413: { description: 'Body larger than BODY_LIMIT', errors: [new PayloadTooLargeError()] },
  415: { description: 'Body is not application/json', errors: [new UnsupportedMediaTypeError()] },
  429: { description: 'Too many requests (with `Retry-After` in seconds)', errors: [new ThrottledError(60)] },
  503: { description: 'A backing service (database, Redis) is unreachable', errors: [new ServiceUnavailableError()] },
};

function exampleName(error: AppError): string {
  return error instanceof ValidationFailedError ? Object.keys(error.fields).join('_') : error.code;
}

function response({ description, errors }: ErrorDoc) {
  const status = errors[0].status;
  if (errors.some((error) => error.status !== status)) throw new Error(`ApiErrors: mixed statuses in "${description}"`);
  const detail = { $ref: getSchemaPath(ErrorResponse) };
  const shapes = [...new Set(errors.map((error) => error instanceof ValidationFailedError))];
  const schema = shapes.length === 2 ? { oneOf: [VALIDATION_SCHEMA, detail] } : shapes[0] ? VALIDATION_SCHEMA : detail;
  const examples = Object.fromEntries(errors.map((error) => [exampleName(error), { value: error.body() }]));
  return ApiResponse({ status, description, content: { 'application/json': { schema, examples } } });
}

/**
 * Documents the error responses of an endpoint. A number takes the default errors of that
 * status; an ErrorDoc lists the errors the endpoint really raises.
 */
export function ApiErrors(...entries: (number | ErrorDoc)[]) {
  return applyDecorators(ApiExtraModels(ErrorResponse), ...entries.map((entry) => response(typeof entry === 'number' ? DEFAULTS[entry] : entry)));
}
