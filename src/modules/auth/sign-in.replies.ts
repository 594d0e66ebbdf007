import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthCookies } from '../../common/http/auth-cookies.js';
import { toUserResponse } from '../users/user.mapper.js';
import type { TokenPairResponse } from './dto/token-pair.response.js';
import type { MfaRequiredResponse } from './mfa/dto/mfa.dto.js';
import type { MfaRequired, SignedIn } from './sign-in.service.js';

/** The HTTP answer to every sign-in, in one place: the MFA ticket as it is, or the token pair (in cookies, in cookie mode) and the user. */
@Injectable()
export class SignInReplies {
  constructor(private readonly cookies: AuthCookies) {}

  send(reply: FastifyReply, result: SignedIn): TokenPairResponse;
  send(reply: FastifyReply, result: SignedIn | MfaRequired): TokenPairResponse | MfaRequiredResponse;
  send(reply: FastifyReply, result: SignedIn | MfaRequired): TokenPairResponse | MfaRequiredResponse {
    if ('mfa_required' in result) return result;
    return this.cookies.present(reply, result.tokens, { user: toUserResponse(result.user) });
  }
}
