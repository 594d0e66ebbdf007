import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ThrottledError } from '../common/errors/app-error.js';
import { ThrottlePolicies } from './throttle-policies.js';

const RATE_LIMIT = 'rateLimit';

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
    private readonly policies: ThrottlePolicies,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = this.reflector.get<string | undefined>(RATE_LIMIT, context.getHandler());
    if (!name) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const verdict = await this.policies.publicPerIp.take(`${name}:${request.ip}`);
    if (!verdict.allowed) throw new ThrottledError(Math.ceil(verdict.retryAfterMs / 1000));
    return true;
  }
}
