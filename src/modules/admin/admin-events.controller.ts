import { Get, Inject, Query, Req } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/app.config.js';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../../common/errors/app-error.js';
import { pageOf, pageRequest, type Page } from '../../common/http/pagination.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { AdminController } from './admin-controller.decorator.js';
import { toAdminEventResponse } from './admin.mapper.js';
import { AdminEventPage, AdminEventQueryDto, type AdminEventResponse } from './dto/admin-event.dto.js';

@AdminController('events')
export class AdminEventsController {
  constructor(
    private readonly events: SecurityEventsService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first', description: 'Sign-ins, failures, logouts, credential changes and every admin action (with actor, target and change). DRF page-number pagination.' })
  @ApiOkResponse({ type: AdminEventPage })
  @ApiErrors(400, { description: 'A page past the last, or not a positive number', errors: [new NotFoundError('Invalid page.')] })
  async list(@Query() query: AdminEventQueryDto, @Req() request: FastifyRequest): Promise<Page<AdminEventResponse>> {
    const asked = pageRequest(query.page, query.page_size);
    const { count, events } = await this.events.page({
      user: query.user,
      type: query.type,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      offset: asked.offset,
      limit: asked.size,
    });
    return pageOf(request, this.app.publicUrl, asked, count, events.map(toAdminEventResponse));
  }
}
