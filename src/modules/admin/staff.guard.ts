import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { adminConfig } from '../../config/admin.config.js';
import type { AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import { AdminMfaRequiredError, NotAuthenticatedError, PermissionDeniedError } from '../../common/errors/app-error.js';

/**
 * Staff only, after the authentication step (which runs first, as the global guard): the user
 * row it checks was read from the database for this very request, with the session, so a
 * demoted or deactivated admin is refused at once on every instance; no token claim is trusted
 * for a role. With ADMIN_REQUIRE_MFA the session itself must have been opened through the MFA
 * step: a password alone, or a session from before MFA was turned on, is not enough.
 */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(@Inject(adminConfig.KEY) private readonly config: ConfigType<typeof adminConfig>) {}

  canActivate(context: ExecutionContext): boolean {
    const principal: AuthPrincipal | undefined = context.switchToHttp().getRequest().user;
    if (!principal) throw new NotAuthenticatedError();
    if (!principal.user.isStaff) throw new PermissionDeniedError();
    if (this.config.requireMfa && !(principal.user.mfaEnabled && principal.session.secondFactor)) throw new AdminMfaRequiredError();
    return true;
  }
}
