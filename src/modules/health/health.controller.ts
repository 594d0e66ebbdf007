import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../../common/decorators/public.decorator.js';
import { REDIS } from '../../redis/redis.module.js';

type Check = 'ok' | 'unavailable';

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('service')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { database: 'ok', redis: 'ok' } } } })
  @ApiServiceUnavailableResponse({ schema: { example: { status: 'unavailable', checks: { database: 'unavailable' } } } })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: string; checks: Record<string, Check> }> {
    const checks: Record<string, Check> = { database: await probe(() => this.dataSource.query('SELECT 1'), 1500) };
    if (this.redis) checks.redis = await probe(() => this.redis!.ping(), 1000);
    const healthy = Object.values(checks).every((check) => check === 'ok');
    if (!healthy) reply.status(503);
    return { status: healthy ? 'ok' : 'unavailable', checks };
  }
}
