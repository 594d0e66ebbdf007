import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { User } from '../../modules/users/user.entity.js';

/** The session an access token belongs to, found live (neither revoked nor expired) by the authentication step. */
export interface AuthSession {
  id: string;
  /** The id of the access token it was reached with. */
  jti: string;
  /** It was opened through the MFA step (a second factor proven at sign-in). */
  secondFactor: boolean;
}

/**
 * Who is calling: resolved once per request by the authentication step
 * (src/modules/tokens/authentication/) from the access token, its live session and its active
 * user (one database round trip), so no endpoint re-checks.
 */
export interface AuthPrincipal {
  /** The user row as read by the authentication step: it exists and is active. */
  user: User;
  session: AuthSession;
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthPrincipal => context.switchToHttp().getRequest().user,
);
