import { Controller, Get, Header, Headers, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/decorators/public.decorator.js';
import { NotAuthenticatedError } from '../../common/errors/app-error.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import { MetricsExposition } from './metrics-exposition.service.js';

/** GET /metrics on the public port: mounted only when METRICS_PORT is unset (MetricsModule). */
@ApiTags('service')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly exposition: MetricsExposition) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'The Prometheus text format (docs/operations.md, Monitoring). With METRICS_TOKEN set, send it as `Authorization: Bearer <METRICS_TOKEN>` (not a user token); ' +
      'with METRICS_PORT set this path answers 404 here and is served on that port instead; with METRICS_ENABLED=false, 404.',
  })
  @ApiBearerAuth()
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string', example: '# HELP auth_sign_ins_total Sign-in attempts by method and outcome.\n# TYPE auth_sign_ins_total counter\nauth_sign_ins_total{method="password",outcome="succeeded"} 12\n' } })
  @ApiErrors({ description: 'METRICS_TOKEN is set and the request does not carry it (with `WWW-Authenticate: Bearer`)', errors: [new NotAuthenticatedError()] })
  async metrics(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.exposition.allows(authorization)) throw new NotAuthenticatedError();
    const page = await this.exposition.scrape();
    // Set with the page only: an error answer stays JSON.
    reply.type(this.exposition.contentType);
    return page;
  }
}
