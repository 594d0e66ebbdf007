import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import { SECURITY_EVENTS } from './security-event.entity.js';
import { SecurityEventsService } from './security-events.service.js';

class SecurityEventResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: SECURITY_EVENTS, example: 'login_succeeded' })
  event: string;

  @ApiProperty({ format: 'date-time' })
  created: string;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0' })
  user_agent: string | null;
}

@ApiTags('sessions')
@ApiBearerAuth()
@Controller('api/auth/events')
export class AuditController {
  constructor(private readonly events: SecurityEventsService) {}

  @Get()
  @ApiOperation({ summary: 'Recent security events of the signed-in user', description: 'Sign-ins, failed sign-ins, logouts, password changes and resets, refresh-token reuse; newest first, at most 50.' })
  @ApiOkResponse({ type: SecurityEventResponse, isArray: true })
  @ApiErrors(401, 403)
  async list(@CurrentUser() principal: AuthPrincipal): Promise<SecurityEventResponse[]> {
    const events = await this.events.recent(principal.user.id);
    return events.map((e) => ({ id: e.id, event: e.event, created: e.createdAt.toISOString(), ip: e.ip, user_agent: e.userAgent }));
  }
}
