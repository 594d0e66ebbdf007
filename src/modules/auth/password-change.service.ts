import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { accountConfig } from '../../config/account.config.js';
import { ValidationFailedError, type FieldErrors } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import type { AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { MailService } from '../mail/mail.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import { UsersService } from '../users/users.service.js';
import { AccountTokensService } from './account-tokens.service.js';
import { checkNewPassword } from './password-policy.js';
import { PasswordService } from './password.service.js';
import { ReauthService } from './reauth.service.js';

@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly reauth: ReauthService,
    private readonly tokens: AccountTokensService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    private readonly events: SecurityEventsService,
    @Inject(accountConfig.KEY) private readonly config: ConfigType<typeof accountConfig>,
  ) {}

  /** The old password is required when the account has one; other sessions end (LOGOUT_ON_PASSWORD_CHANGE). */
  async change(principal: AuthPrincipal, oldPassword: string | undefined, password: string, confirmation: string, client: ClientContext): Promise<void> {
    const user = principal.user;
    const errors: FieldErrors = {};
    if (user.passwordHash) {
      if (!oldPassword) errors.old_password = [MESSAGES.required];
      else if (!(await this.reauth.passwordMatches(user, oldPassword, client, principal.session.id))) {
        errors.old_password = ['Your old password was entered incorrectly. Please enter it again.'];
      }
    }
    const problems = checkNewPassword(password, confirmation, { email: user.email, first_name: user.firstName, last_name: user.lastName });
    if (problems.length) errors.new_password2 = problems;
    if (Object.keys(errors).length) throw new ValidationFailedError(errors);

    const passwordHash = await this.passwords.hash(password);
    await this.txHost.withTransaction(async () => {
      await this.users.setPassword(user.id, passwordHash);
      await this.tokens.spendAll(user.id, 'password_reset');
      await this.mail.enqueue(user.email, 'password_changed');
      await this.events.record('password_changed', user.id, client, principal.session.id);
      // In the same commit as the new password: no failure after it can leave the others alive.
      if (this.config.logoutOnPasswordChange) await this.sessions.endAllForUser(user.id, 'password_changed', principal.session.id);
    });
  }
}
