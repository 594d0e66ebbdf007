import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AuthCookies, VIA_COOKIE } from '../http/auth-cookies.js';
import { AppError, NotAuthenticatedError, TokenNotValidError } from '../errors/app-error.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { IS_OPTIONAL_AUTH } from '../decorators/optional-auth.decorator.js';

/** Global guard: every route needs a valid bearer access token unless marked @Public(). */
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
    const request = context.switchToHttp().getRequest<FastifyRequest & { [VIA_COOKIE]?: boolean }>();
    if (this.reflector.getAllAndOverride<boolean>(IS_OPTIONAL_AUTH, targets)) {
      const header = request.headers.authorization;
      const hasBearer = typeof header === 'string' && /^bearer\s/i.test(header);
      if (!hasBearer && !this.cookies.accessCookie(request)) return true;
    }
    const allowed = (await super.canActivate(context)) as boolean;
    // A cookie is sent by the browser on its own, so a cookie-authenticated write must prove
    // it comes from our page (double-submit CSRF token).
    if (request[VIA_COOKIE]) this.cookies.assertCsrf(request);
    return allowed;
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error instanceof AppError) throw error;
    if (info instanceof AppError) throw info;
    if (user) return user;
    if (!error && info instanceof Error && info.message === 'No auth token') throw new NotAuthenticatedError();
    throw new TokenNotValidError();
  }
}
