import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import { ErrorResponse } from './error.response.js';

type ErrorExample = { description: string; examples: Record<string, unknown> };

const VALIDATION_SCHEMA = {
  type: 'object',
  description: 'Field name → messages (DRF shape); errors tied to no field are under non_field_errors.',
  additionalProperties: { type: 'array', items: { type: 'string' } },
};

const ERRORS: Record<number, ErrorExample> = {
  400: {
    description: 'Invalid input',
    examples: {
      fields: { email: ['A user with this email already exists.'], password: ['This password is too short. It must contain at least 8 characters.'] },
    },
  },
  401: {
    description: 'Missing, invalid, expired or revoked credentials (with `WWW-Authenticate: Bearer`)',
    examples: {
      not_authenticated: { detail: 'Authentication credentials were not provided.', code: 'not_authenticated' },
      token_not_valid: { detail: 'Given token not valid for any token type', code: 'token_not_valid' },
    },
  },
  403: { description: 'Forbidden', examples: { user_inactive: { detail: 'User account is disabled.', code: 'user_inactive' } } },
  404: { description: 'Not found', examples: { not_found: { detail: 'Not found.', code: 'not_found' } } },
  413: { description: 'Body larger than BODY_LIMIT', examples: { payload_too_large: { detail: 'Request body is too large.', code: 'payload_too_large' } } },
  415: {
    description: 'Body is not application/json',
    examples: { unsupported_media_type: { detail: 'Unsupported media type in request. Use application/json.', code: 'unsupported_media_type' } },
  },
  429: {
    description: 'Too many requests (with `Retry-After` in seconds)',
    examples: { throttled: { detail: 'Request was throttled. Expected available in 60 seconds.', code: 'throttled' } },
  },
  503: {
    description: 'A backing service (database, Redis) is unreachable',
    examples: { service_unavailable: { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' } },
  },
};

function toExamples(examples: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }]));
}

/**
 * Documents the error responses of an endpoint with the exact bodies of API.md.
 * `overrides` replace the default examples for one status (e.g. login's 401).
 */
export function ApiErrors(...statuses: (number | { status: number; description?: string; examples: Record<string, unknown> })[]) {
  return applyDecorators(
    ApiExtraModels(ErrorResponse),
    ...statuses.map((entry) => {
      const { status, description, examples } = typeof entry === 'number' ? { status: entry, ...ERRORS[entry] } : { ...ERRORS[entry.status], ...entry };
      const schema = status === 400 ? VALIDATION_SCHEMA : { $ref: getSchemaPath(ErrorResponse) };
      return ApiResponse({ status, description, content: { 'application/json': { schema, examples: toExamples(examples!) } } });
    }),
  );
}
