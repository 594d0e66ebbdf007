import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ValidationFailedError, type FieldErrors } from '../errors/app-error.js';
import { MESSAGES } from './messages.js';

export function toFieldErrors(errors: ValidationError[], prefix = '', out: FieldErrors = {}): FieldErrors {
  for (const error of errors) {
    const field = prefix + error.property;
    if (error.constraints) out[field] = Object.values(error.constraints).slice(0, 1);
    if (error.children?.length) toFieldErrors(error.children, `${field}.`, out);
  }
  return out;
}

/**
 * DTO validation with DRF's 400 shape. Unknown fields are stripped before any service sees
 * the body, so `is_staff`, `email_verified` or `id` can never be written (SECURITY.md 24).
 */
export class DrfValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidUnknownValues: true,
      transform: true,
      stopAtFirstError: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value === undefined || value === null || value === '') value = {};
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw ValidationFailedError.field('non_field_errors', MESSAGES.notObject(Array.isArray(value) ? 'list' : typeof value));
      }
    }
    return super.transform(value, metadata);
  }
}
