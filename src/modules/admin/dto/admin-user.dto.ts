import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { OptionalString, PatchBoolean, PatchString, PhoneField } from '../../../common/validation/fields.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../common/http/pagination.js';
import { USER_ORDERINGS, type UserOrdering } from '../../users/users.repository.js';
import { SocialAccountResponse } from '../../social/dto/social.dto.js';
import { UserResponse } from '../../users/dto/user.response.js';
import { AdminEventResponse } from './admin-event.dto.js';
import { QueryBoolean, QueryPageField } from './admin-query.fields.js';

export const ORDERINGS = Object.keys(USER_ORDERINGS).flatMap((field) => [field, `-${field}`]) as UserOrdering[];

export class AdminUserQueryDto {
  @ApiPropertyOptional({ description: 'Prefix of the e-mail address, first name, last name, full name or phone number; any case', example: 'jo' })
  @OptionalString(254)
  search?: string;

  @ApiPropertyOptional({ type: Boolean })
  @QueryBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  @QueryBoolean()
  is_staff?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  @QueryBoolean()
  email_verified?: boolean;

  @ApiPropertyOptional({ enum: ORDERINGS, default: '-date_joined', description: 'Ties are broken by id, so pages never overlap' })
  @IsOptional()
  @IsIn(ORDERINGS, { message: `Unknown ordering; use one of: ${ORDERINGS.join(', ')}.` })
  ordering?: UserOrdering;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1, description: 'Past the last page: 404 "Invalid page."' })
  @QueryPageField()
  page?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @QueryPageField()
  page_size?: string;
}

/** PATCH /api/admin/users/{id}/: any subset. is_staff and is_superuser need a superuser; a superuser must be staff. */
export class AdminUserPatchDto {
  @ApiPropertyOptional({ maxLength: 150 })
  @PatchString(150)
  first_name?: string;

  @ApiPropertyOptional({ maxLength: 150 })
  @PatchString(150)
  last_name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+14155550123', description: 'E.164; null or "" clears it' })
  @PhoneField({ required: false })
  phone?: string | null;

  @ApiPropertyOptional()
  @PatchBoolean()
  email_verified?: boolean;

  @ApiPropertyOptional({ description: 'false ends every session of the account at once' })
  @PatchBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'superuser only' })
  @PatchBoolean()
  is_staff?: boolean;

  @ApiPropertyOptional({ description: 'superuser only; needs is_staff too' })
  @PatchBoolean()
  is_superuser?: boolean;
}

/** The user as the account holder sees it (GET /api/me/), and its roles and state. */
export class AdminUserResponse extends UserResponse {
  @ApiProperty()
  is_active: boolean;

  @ApiProperty()
  is_staff: boolean;

  @ApiProperty({ description: 'always with is_staff' })
  is_superuser: boolean;
}

export class AdminUserPage {
  @ApiProperty({ example: 1 })
  count: number;

  @ApiProperty({ type: String, nullable: true, format: 'uri', example: 'https://auth.example.com/api/admin/users/?page=2' })
  next: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uri', example: null })
  previous: string | null;

  @ApiProperty({ type: AdminUserResponse, isArray: true })
  results: AdminUserResponse[];
}

export class AdminSessionResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  created: string;

  @ApiProperty({ format: 'date-time' })
  last_used: string;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_agent: string | null;

  @ApiProperty({ description: 'opened through the MFA step' })
  second_factor: boolean;
}

export class AdminMfaState {
  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ example: 10 })
  recovery_codes_left: number;
}

export class AdminUserDetailResponse extends AdminUserResponse {
  @ApiProperty({ type: AdminSessionResponse, isArray: true, description: 'live sessions, newest first' })
  sessions: AdminSessionResponse[];

  @ApiProperty({ type: SocialAccountResponse, isArray: true })
  social_accounts: SocialAccountResponse[];

  @ApiProperty({ type: AdminMfaState })
  mfa: AdminMfaState;

  @ApiProperty({ type: AdminEventResponse, isArray: true, description: 'the last 50 events about the account, newest first' })
  events: AdminEventResponse[];
}

export class AdminActionResponse {
  @ApiProperty({ example: 'Done.' })
  detail: string;
}

export class AdminLogoutResponse extends AdminActionResponse {
  @ApiProperty({ example: 2 })
  sessions_ended: number;
}


