import { Body, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query, Req } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/app.config.js';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import { NotFoundError, ValidationFailedError } from '../../common/errors/app-error.js';
import { clientContext } from '../../common/http/client-context.js';
import { pageOf, pageRequest, type Page } from '../../common/http/pagination.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import type { AdminActor } from '../audit/security-events.service.js';
import type { AdminChanges } from '../users/users.service.js';
import { LAST_SUPERUSER } from '../users/users.service.js';
import { AdminController } from './admin-controller.decorator.js';
import { toAdminUserDetailResponse, toAdminUserResponse } from './admin.mapper.js';
import { AdminUsersService } from './admin-users.service.js';
import {
  AdminActionResponse,
  AdminLogoutResponse,
  AdminUserDetailResponse,
  AdminUserPage,
  AdminUserPatchDto,
  AdminUserQueryDto,
  AdminUserResponse,
} from './dto/admin-user.dto.js';

/** An id that is not a UUID names no account: 404, as DRF answers a lookup that finds nothing. */
const UserId = () => new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError() });

const NOT_FOUND = { description: 'No account with this id', errors: [new NotFoundError()] };
const LAST_SUPERUSER_ERROR = { description: 'The last active superuser cannot be deactivated, demoted or deleted', errors: [ValidationFailedError.field('non_field_errors', LAST_SUPERUSER)] };

function actor(principal: AuthPrincipal, request: FastifyRequest): AdminActor {
  return { user: principal.user, client: clientContext(request) };
}

function changes(dto: AdminUserPatchDto): AdminChanges {
  const result: AdminChanges = {};
  if (dto.first_name !== undefined) result.firstName = dto.first_name;
  if (dto.last_name !== undefined) result.lastName = dto.last_name;
  if (dto.phone !== undefined) result.phone = dto.phone;
  if (dto.email_verified !== undefined) result.emailVerified = dto.email_verified;
  if (dto.is_active !== undefined) result.isActive = dto.is_active;
  if (dto.is_staff !== undefined) result.isStaff = dto.is_staff;
  if (dto.is_superuser !== undefined) result.isSuperuser = dto.is_superuser;
  return result;
}

@AdminController('users')
export class AdminUsersController {
  constructor(
    private readonly admin: AdminUsersService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Accounts, searched, filtered, ordered and paginated', description: 'DRF page-number pagination. `search` is a case-insensitive prefix of the address, first, last or full name, or phone.' })
  @ApiOkResponse({ type: AdminUserPage })
  @ApiErrors(400, { description: 'A page past the last, or not a positive number', errors: [new NotFoundError('Invalid page.')] })
  async list(@Query() query: AdminUserQueryDto, @Req() request: FastifyRequest): Promise<Page<AdminUserResponse>> {
    const asked = pageRequest(query.page, query.page_size);
    const { count, users } = await this.admin.list({
      search: query.search?.trim() || undefined,
      isActive: query.is_active,
      isStaff: query.is_staff,
      emailVerified: query.email_verified,
      ordering: query.ordering ?? '-date_joined',
      offset: asked.offset,
      limit: asked.size,
    });
    return pageOf(request, this.app.publicUrl, asked, count, users.map(toAdminUserResponse));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One account with its live sessions, linked providers, MFA state and last 50 events' })
  @ApiOkResponse({ type: AdminUserDetailResponse })
  @ApiErrors(NOT_FOUND)
  async detail(@Param('id', UserId()) id: string): Promise<AdminUserDetailResponse> {
    return toAdminUserDetailResponse(await this.admin.detail(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change an account',
    description: 'Any subset of the fields. `is_active: false` ends every session at once. `is_staff` and `is_superuser`, and any change to another staff account, need a superuser. Audited with the change.',
  })
  @ApiOkResponse({ type: AdminUserResponse })
  @ApiErrors(400, LAST_SUPERUSER_ERROR, NOT_FOUND)
  async update(@CurrentUser() principal: AuthPrincipal, @Param('id', UserId()) id: string, @Body() dto: AdminUserPatchDto, @Req() request: FastifyRequest): Promise<AdminUserResponse> {
    return toAdminUserResponse(await this.admin.update(actor(principal, request), id, changes(dto)));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an account', description: 'Its sessions, tokens and own events go with it; the deletion stays in the audit log.' })
  @ApiNoContentResponse()
  @ApiErrors(LAST_SUPERUSER_ERROR, NOT_FOUND)
  async remove(@CurrentUser() principal: AuthPrincipal, @Param('id', UserId()) id: string, @Req() request: FastifyRequest): Promise<void> {
    await this.admin.delete(actor(principal, request), id);
  }

  @Post(':id/logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every session of the account', description: 'Its access and refresh tokens are refused from now on, on every instance.' })
  @ApiOkResponse({ type: AdminLogoutResponse })
  @ApiErrors(NOT_FOUND)
  async logout(@CurrentUser() principal: AuthPrincipal, @Param('id', UserId()) id: string, @Req() request: FastifyRequest): Promise<AdminLogoutResponse> {
    const ended = await this.admin.endSessions(actor(principal, request), id);
    return { detail: 'Every session of the account has ended.', sessions_ended: ended };
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear the login, re-authentication and MFA throttles of the account', description: 'Per-address budgets (an address trying many accounts) are kept.' })
  @ApiOkResponse({ type: AdminActionResponse })
  @ApiErrors(NOT_FOUND, 503)
  async unlock(@CurrentUser() principal: AuthPrincipal, @Param('id', UserId()) id: string, @Req() request: FastifyRequest): Promise<AdminActionResponse> {
    await this.admin.unlock(actor(principal, request), id);
    return { detail: 'The account can sign in again.' };
  }

  @Post(':id/password-reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the account the password reset mail', description: 'The same mail and link as "forgot password".' })
  @ApiOkResponse({ type: AdminActionResponse })
  @ApiErrors(400, NOT_FOUND, 503)
  async passwordReset(@CurrentUser() principal: AuthPrincipal, @Param('id', UserId()) id: string, @Req() request: FastifyRequest): Promise<AdminActionResponse> {
    await this.admin.sendPasswordReset(actor(principal, request), id);
    return { detail: 'Password reset e-mail has been sent.' };
  }

  @Post(':id/mfa/reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn MFA off', description: 'After an identity check done elsewhere: removes the authenticator secret and recovery codes, and tells the user by mail.' })
  @ApiOkResponse({ type: AdminActionResponse })
  @ApiErrors(400, NOT_FOUND)
  async resetMfa(@CurrentUser() principal: AuthPrincipal, @Param('id', UserId()) id: string, @Req() request: FastifyRequest): Promise<AdminActionResponse> {
    await this.admin.resetMfa(actor(principal, request), id);
    return { detail: 'MFA is off for this account.' };
  }
}
