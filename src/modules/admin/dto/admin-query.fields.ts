import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { MESSAGES } from '../../../common/validation/messages.js';

/** A query-string boolean as django-filter reads one: true/false (or 1/0); anything else is 400. */
export function QueryBoolean() {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value)),
    IsBoolean({ message: MESSAGES.boolean }),
  );
}

/** `page` and `page_size`, read as DRF does (common/http/pagination.ts). */
export function QueryPageField() {
  return applyDecorators(IsOptional(), IsString({ message: MESSAGES.notString }), MaxLength(12, { message: MESSAGES.maxLength(12) }));
}
