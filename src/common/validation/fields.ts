import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { hasValidEmailKey, normalizeEmail } from '../../modules/users/email.js';
import { MESSAGES } from './messages.js';

/**
 * Field decorators with DRF messages. Credentials must be plain strings: objects such as
 * {"$ne": null}, arrays and numbers are refused with 400 (SECURITY.md 5).
 */
export function RequiredString(maxLength: number, { allowBlank = false } = {}) {
  return applyDecorators(
    IsDefined({ message: MESSAGES.required }),
    IsString({ message: MESSAGES.notString }),
    ...(allowBlank ? [] : [IsNotEmpty({ message: MESSAGES.blank })]),
    MaxLength(maxLength, { message: MESSAGES.maxLength(maxLength) }),
  );
}

export function OptionalString(maxLength: number) {
  return applyDecorators(
    IsOptional(),
    IsString({ message: MESSAGES.notString }),
    MaxLength(maxLength, { message: MESSAGES.maxLength(maxLength) }),
  );
}

export function RequiredEmail() {
  return applyDecorators(
    IsDefined({ message: MESSAGES.required }),
    IsString({ message: MESSAGES.notString }),
    IsNotEmpty({ message: MESSAGES.blank }),
    MaxLength(254, { message: MESSAGES.maxLength(254) }),
    // Validated in the form it is stored (NFKC, trimmed, domain lowercased)...
    IsEmail({}, { message: MESSAGES.email }),
    // ...and as the account key it becomes (SECURITY.md 32): NBSP inside is a space there.
    ValidateBy({ name: 'hasValidEmailKey', validator: { validate: (value) => typeof value === 'string' && hasValidEmailKey(value) } }, { message: MESSAGES.email }),
    Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value)),
  );
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** Phone: E.164 after spaces, dashes, dots and brackets are removed; null or "" clears it. */
export function PhoneField({ required }: { required: boolean }) {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? (value.trim() === '' ? null : value.replace(/[\s().-]/g, '')) : value)),
    required ? ValidateIf((_object, value) => value !== null) : IsOptional(),
    ...(required ? [IsDefined({ message: MESSAGES.required })] : []),
    IsString({ message: MESSAGES.notString }),
    Matches(E164, { message: MESSAGES.phone }),
  );
}

export function OptionalBoolean() {
  return applyDecorators(IsOptional(), IsBoolean({ message: MESSAGES.boolean }));
}

/** Absent is fine, null is not: for a partial update of a column that holds no null (DRF's "may not be null"). */
const AbsentOrSet = () => applyDecorators(ValidateIf((_object, value) => value !== undefined), IsDefined({ message: MESSAGES.notNull }));

export function PatchString(maxLength: number) {
  return applyDecorators(AbsentOrSet(), IsString({ message: MESSAGES.notString }), MaxLength(maxLength, { message: MESSAGES.maxLength(maxLength) }));
}

export function PatchBoolean() {
  return applyDecorators(AbsentOrSet(), IsBoolean({ message: MESSAGES.boolean }));
}
