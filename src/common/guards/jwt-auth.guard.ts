import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AuthCookies } from '../http/auth-cookies.js';
import { AppError, NotAuthenticatedError, TokenNotValidError } from '../errors/app-error.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { IS_OPTIONAL_AUTH } from '../decorators/optional-auth.decorator.js';

/**
 * Global guard: every route needs a valid access token of a live session of an active user
 * unless marked @Public(); the principal it leaves on the request carries that user.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly cookies: AuthCookies,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.reflector.getAllAndOverride<boolean>(IS_OPTIONAL_AUTH, targets)) {
      const header = request.headers.authorization;
      const hasBearer = typeof header === 'string' && /^bearer\s/i.test(header);
      if (!hasBearer && !this.cookies.accessCookie(request)) return true;
    }
    // The strategy resolves the live session and the active user, and checks CSRF in cookie mode.
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error instanceof AppError) throw error;
    // A database that cannot be reached is the server's failure (503 by the filter), not a bad token.
    if (error) throw error;
    if (info instanceof AppError) throw info;
    if (user) return user;
    if (info instanceof Error && info.message === 'No auth token') throw new NotAuthenticatedError();
    throw new TokenNotValidError();
  }
}
