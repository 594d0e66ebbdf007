import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { throttleConfig } from '../config/throttle.config.js';
import { ThrottledError } from '../common/errors/app-error.js';
import { RateLimitStore } from './rate-limit.store.js';

const RATE_LIMIT = 'rateLimit';
const WINDOW_MS = 60_000;

/** Names the per-IP budget an open endpoint draws from (PUBLIC_RATE_LIMIT_PER_MINUTE). */
export const RateLimited = (name: string) => SetMetadata(RATE_LIMIT, name);

/**
 * Per-IP request budget for open endpoints that create accounts or send mail, so they cannot be
 * used to flood mailboxes or the user table. Counts go through Redis when configured.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: RateLimitStore,
    @Inject(throttleConfig.KEY) private readonly config: ConfigType<typeof throttleConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = this.reflector.get<string | undefined>(RATE_LIMIT, context.getHandler());
    if (!name) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const [count] = await this.store.increment([`rate:${name}:${request.ip}`], WINDOW_MS);
    if (count > this.config.publicPerMinute) throw new ThrottledError(WINDOW_MS / 1000);
    return true;
  }
}
