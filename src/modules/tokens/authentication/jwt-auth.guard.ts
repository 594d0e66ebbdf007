import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, NotAuthenticatedError, TokenNotValidError } from '../../../common/errors/app-error.js';
import type { AuthPrincipal } from '../../../common/decorators/current-user.decorator.js';
import { IS_OPTIONAL_AUTH } from '../../../common/decorators/optional-auth.decorator.js';
import { IS_PUBLIC } from '../../../common/decorators/public.decorator.js';
import { JwtStrategy } from './jwt.strategy.js';
import { runStrategy } from './own-passport.js';

/**
 * Global guard: every route needs a valid access token of a live session of an active user
 * unless marked @Public(); with @OptionalAuth() a request without any token passes anonymous.
 * JwtStrategy does the checks; the principal it returns is the request's `user`.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: AuthPrincipal }>();
    if (!this.strategy.credential(request)) {
      if (this.reflector.getAllAndOverride<boolean>(IS_OPTIONAL_AUTH, targets)) return true;
      throw new NotAuthenticatedError();
    }
    const { error, user, info } = await runStrategy<AuthPrincipal>(this.strategy, request, http.getResponse<FastifyReply>());
    // Our own refusals as they are; anything else thrown (a database that cannot be reached) is
    // the server's failure, a 503 by the filter, not a bad token.
    if (error) throw error;
    if (info instanceof AppError) throw info;
    // jsonwebtoken's refusals: signature, expiry, issuer, audience.
    if (!user) throw new TokenNotValidError();
    request.user = user;
    return true;
  }
}
