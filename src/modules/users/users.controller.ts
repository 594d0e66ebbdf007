import { Body, Controller, Get, Patch, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import { PatchProfileDto, UpdateProfileDto } from './dto/update-profile.dto.js';
import { UserResponse } from './dto/user.response.js';
import { toUserResponse } from './user.mapper.js';
import { UsersService } from './users.service.js';

@ApiTags('account')
@ApiBearerAuth()
@Controller('api/me')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(401, 403)
  me(@CurrentUser() principal: AuthPrincipal): UserResponse {
    return toUserResponse(principal.user);
  }

  @Put()
  @ApiOperation({ summary: 'Replace the profile (first_name, last_name, phone)', description: 'Other fields, such as email or is_staff, are ignored.' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 401, 403)
  async replace(@CurrentUser() principal: AuthPrincipal, @Body() dto: UpdateProfileDto): Promise<UserResponse> {
    return toUserResponse(await this.users.updateProfile(principal.user, dto));
  }

  @Patch()
  @ApiOperation({ summary: 'Update some profile fields', description: 'Other fields, such as email or is_staff, are ignored.' })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 401, 403)
  async update(@CurrentUser() principal: AuthPrincipal, @Body() dto: PatchProfileDto): Promise<UserResponse> {
    return toUserResponse(await this.users.updateProfile(principal.user, dto));
  }
}
