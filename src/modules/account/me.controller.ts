import { Body, Controller, Delete, Get, HttpCode, Patch, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import { clientContext } from '../../common/http/client-context.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import { PatchProfileDto, UpdateProfileDto } from '../users/dto/update-profile.dto.js';
import { UserResponse } from '../users/dto/user.response.js';
import { toUserResponse } from '../users/user.mapper.js';
import { UsersService } from '../users/users.service.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { DeleteAccountDto } from './dto/delete-account.dto.js';

/**
 * /api/me/: the signed-in user's own account, every method of it. The OpenAPI operation ids are
 * those the methods had in their two controllers before, so clients generated from the document
 * keep their names.
 */
@ApiTags('account')
@ApiBearerAuth()
@Controller('api/me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly deletion: AccountDeletionService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'UsersController_me', summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(401, 403)
  me(@CurrentUser() principal: AuthPrincipal): UserResponse {
    return toUserResponse(principal.user);
  }

  @Put()
  @ApiOperation({ operationId: 'UsersController_replace', summary: 'Replace the profile (first_name, last_name, phone)', description: 'Other fields, such as email or is_staff, are ignored.' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 401, 403)
  async replace(@CurrentUser() principal: AuthPrincipal, @Body() dto: UpdateProfileDto): Promise<UserResponse> {
    return toUserResponse(await this.users.updateProfile(principal.user, dto));
  }

  @Patch()
  @ApiOperation({ operationId: 'UsersController_update', summary: 'Update some profile fields', description: 'Other fields, such as email or is_staff, are ignored.' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 401, 403)
  async update(@CurrentUser() principal: AuthPrincipal, @Body() dto: PatchProfileDto): Promise<UserResponse> {
    return toUserResponse(await this.users.updateProfile(principal.user, dto));
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ operationId: 'AccountController_remove', summary: 'Delete the account', description: 'Requires `password` when the account has one; wrong passwords draw on the login failure budget (429 once it is spent). The user, its sessions and tokens are removed.' })
  @ApiBody({ type: DeleteAccountDto, required: false })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 401, 429)
  async remove(@CurrentUser() principal: AuthPrincipal, @Body() dto: DeleteAccountDto, @Req() request: FastifyRequest): Promise<void> {
    await this.deletion.delete(principal.user, dto.password, clientContext(request), principal.session.id);
  }
}
