import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import type { FastifyRequest } from 'fastify';
import { clientContext } from '../../../common/http/client-context.js';
import { ownPassport } from '../../tokens/authentication/own-passport.js';
import type { User } from '../../users/user.entity.js';
import { AuthService } from '../auth.service.js';

/** passport-local on the `email` field; the guard has already checked both are plain strings. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy) {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password', session: false, passReqToCallback: true });
  }

  /** Registers this strategy on an Authenticator of its own, not on passport's process-wide one. */
  getPassportInstance() {
    return ownPassport(this);
  }

  validate(request: FastifyRequest, email: string, password: string): Promise<User> {
    return this.auth.validateCredentials(email, password, clientContext(request));
  }
}
