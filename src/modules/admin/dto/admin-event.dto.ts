import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches, ValidateBy } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../common/http/pagination.js';
import { SECURITY_EVENTS, type SecurityEventType } from '../../audit/security-event.entity.js';
import { QueryPageField } from './admin-query.fields.js';

/** RFC 3339: a date (midnight UTC), or a date-time with its offset; no time is read in the server's zone. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i;
const DATE_TIME = 'Enter a valid date/time: a date (2026-11-29) or a date-time with its offset (2026-11-29T12:00:00Z).';

function QueryTime() {
  return applyDecorators(
    IsOptional(),
    Matches(RFC3339, { message: DATE_TIME }),
    ValidateBy({ name: 'isReadableTime', validator: { validate: (value) => typeof value === 'string' && !Number.isNaN(new Date(value).getTime()) } }, { message: DATE_TIME }),
  );
}

export class AdminEventQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'events about this account (its own, and admin actions on it) or done by it as staff' })
  @IsOptional()
  @IsUUID('all', { message: 'Must be a valid UUID.' })
  user?: string;

  @ApiPropertyOptional({ enum: SECURITY_EVENTS })
  @IsOptional()
  @IsIn(SECURITY_EVENTS, { message: 'Unknown event type.' })
  type?: SecurityEventType;

  @ApiPropertyOptional({ format: 'date-time', description: 'from this time on (inclusive): a date, or an RFC 3339 date-time with its offset' })
  @QueryTime()
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'before this time: a date, or an RFC 3339 date-time with its offset' })
  @QueryTime()
  until?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @QueryPageField()
  page?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @QueryPageField()
  page_size?: string;
}

export class AdminEventResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: SECURITY_EVENTS, example: 'admin_user_changed' })
  event: string;

  @ApiProperty({ format: 'date-time' })
  created: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the account the event is about (it may since have been deleted)' })
  user: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the staff member who acted; null for the user itself and for the CLI' })
  actor: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_agent: string | null;

  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, example: { is_active: [true, false] }, description: 'what an admin action changed; `via: "cli"` for the CLI' })
  details: Record<string, unknown> | null;
}

export class AdminEventPage {
  @ApiProperty()
  count: number;

  @ApiProperty({ type: String, nullable: true, format: 'uri' })
  next: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uri' })
  previous: string | null;

  @ApiProperty({ type: AdminEventResponse, isArray: true })
  results: AdminEventResponse[];
}
