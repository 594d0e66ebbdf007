import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { User } from '../../modules/users/user.entity.js';

/**
 * Who is calling: resolved once per request by the authentication step from the access token,
 * its live session and its active user (one database round trip), so no endpoint re-checks.
 */
export interface AuthPrincipal {
  userId: string;
  sessionId: string;
  jti: string;
  /** The user row as read by the authentication step: it exists and is active. */
  user: User;
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthPrincipal => context.switchToHttp().getRequest().user,
);
