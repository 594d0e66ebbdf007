import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** What a verified access token says about its bearer. The user row is loaded only where needed. */
export interface AuthPrincipal {
  userId: string;
  sessionId: string;
  jti: string;
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthPrincipal => context.switchToHttp().getRequest().user,
);
