import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../../common/errors/app-error.js';
import { clientContext } from '../../common/http/client-context.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import { SessionResponse } from './dto/token-responses.js';
import type { Session } from './session.entity.js';
import { SessionsService } from './sessions.service.js';

function toSessionResponse(session: Session, currentSessionId: string): SessionResponse {
  return {
    id: session.id,
    created: session.createdAt.toISOString(),
    last_used: session.lastUsedAt.toISOString(),
    ip: session.ip,
    user_agent: session.userAgent,
    current: session.id === currentSessionId,
  };
}

@ApiTags('sessions')
@ApiBearerAuth()
@Controller('api/auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ summary: 'Live sessions of the signed-in user', description: 'Newest first.' })
  @ApiOkResponse({ type: SessionResponse, isArray: true })
  @ApiErrors(401)
  async list(@CurrentUser() principal: AuthPrincipal): Promise<SessionResponse[]> {
    const sessions = await this.sessions.list(principal.user.id);
    return sessions.map((session) => toSessionResponse(session, principal.session.id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End one session', description: 'Its refresh token and every access token of it stop working at once.' })
  @ApiNoContentResponse({ description: 'Ended' })
  @ApiErrors(401, 404)
  async end(
    @CurrentUser() principal: AuthPrincipal,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError() })) id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.sessions.endOne(principal.user.id, id, clientContext(request));
  }
}
