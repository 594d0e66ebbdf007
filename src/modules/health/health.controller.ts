import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/decorators/public.decorator.js';
import { ReadinessService, type Readiness } from './readiness.service.js';

@ApiTags('service')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Touches nothing: a process that answers is alive. Restarting it would not bring a database back. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Readiness: the database, Redis (when configured) and this version\'s migrations; the outbox is reported (`degraded`, still 200); 503 while shutting down',
  })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { database: 'ok', redis: 'ok', migrations: 'ok', outbox: 'ok' } } } })
  @ApiServiceUnavailableResponse({ schema: { example: { status: 'unavailable', checks: { database: 'ok', migrations: 'pending', outbox: 'ok' } } } })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const readiness = await this.readiness.check();
    if (readiness.status === 'unavailable') reply.status(503);
    return readiness;
  }
}
