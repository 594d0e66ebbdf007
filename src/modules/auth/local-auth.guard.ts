import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationFailedError, ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { unstorableFields } from '../../common/validation/storable-text.js';
import { toFieldErrors } from '../../common/validation/validation.pipe.js';
import { runStrategy } from '../tokens/authentication/own-passport.js';
import type { User } from '../users/user.entity.js';
import { LoginDto } from './dto/login.dto.js';
import { LocalStrategy } from './strategies/local.strategy.js';

/** `Authorization: Basic base64(email:password)`, used when the request has no JSON body. */
function basicCredentials(header: unknown): { email: string; password: string } | undefined {
  if (typeof header !== 'string' || !/^basic\s+/i.test(header)) return undefined;
  const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Login: validates the credential fields as plain strings (an object such as {"$ne": null}
 * is a 400, SECURITY.md 5) before passport-local and argon2 ever see them.
 */
@Injectable()
export class LocalAuthGuard implements CanActivate {
  constructor(private readonly strategy: LocalStrategy) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: User }>();
    let body = request.body;
    if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) {
      body = basicCredentials(request.headers.authorization) ?? {};
      // The HTTP hook checked the JSON body; credentials from the header are checked here.
      const unstorable = unstorableFields(body);
      if (Object.keys(unstorable).length) throw new ValidationFailedError(unstorable);
    }
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw ValidationFailedError.field('non_field_errors', MESSAGES.notObject(Array.isArray(body) ? 'list' : typeof body));
    }
    const dto = plainToInstance(LoginDto, body);
    const errors = await validate(dto, { whitelist: true, stopAtFirstError: true });
    if (errors.length) {
      throw new ValidationFailedError(toFieldErrors(errors));
    }
    request.body = { email: dto.email, password: dto.password };
    const { error, user } = await runStrategy<User>(this.strategy, request, http.getResponse<FastifyReply>());
    if (error) throw error;
    if (!user) throw new AuthenticationFailedError();
    request.user = user;
    return true;
  }
}
