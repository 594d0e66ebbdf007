import { Injectable } from '@nestjs/common';
import { ThrottledError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import type { User } from '../users/user.entity.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordService } from './password.service.js';

/**
 * The password asked again of a signed-in user (change, account deletion, MFA disable). A stolen
 * access token must not become an unlimited password oracle (SECURITY.md 33): each check draws
 * on the account's login budget, reserved before argon2, and every failure and refusal is audited.
 */
@Injectable()
export class ReauthService {
  constructor(
    private readonly throttle: LoginThrottleService,
    private readonly passwords: PasswordService,
    private readonly events: SecurityEventsService,
  ) {}

  /** True for the right password, false (audited) for a wrong one; 429 (audited) once the budget is spent. */
  async passwordMatches(user: User, password: string, client: ClientContext, sessionId: string | null = null): Promise<boolean> {
    if (!user.passwordHash) return false;
    let attempt;
    try {
      attempt = await this.throttle.reserve(user.email, client.ip);
    } catch (error) {
      if (error instanceof ThrottledError) await this.events.record('reauth_throttled', user.id, client, sessionId);
      throw error;
    }
    if (await this.passwords.verify(user.passwordHash, password)) {
      await attempt.succeeded();
      return true;
    }
    await this.events.record('reauth_failed', user.id, client, sessionId);
    return false;
  }
}
