import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AppError, NotAuthenticatedError, TokenNotValidError } from '../errors/app-error.js';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { IS_OPTIONAL_AUTH } from '../decorators/optional-auth.decorator.js';

/** Global guard: every route needs a valid bearer access token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_OPTIONAL_AUTH, targets)) {
      const header = context.switchToHttp().getRequest().headers.authorization;
      if (typeof header !== 'string' || !/^bearer\s/i.test(header)) return true;
    }
    return super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error instanceof AppError) throw error;
    if (info instanceof AppError) throw info;
    if (user) return user;
    if (!error && info instanceof Error && info.message === 'No auth token') throw new NotAuthenticatedError();
    throw new TokenNotValidError();
  }
}
