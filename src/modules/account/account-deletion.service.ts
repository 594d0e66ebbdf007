import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { ReauthService } from '../auth/reauth.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';

/** DELETE /api/me/: the account holder, asked for the password again, removes the account. */
@Injectable()
export class AccountDeletionService {
  constructor(
    private readonly reauth: ReauthService,
    private readonly users: UsersService,
  ) {}

  /** Re-authenticates with the password (when the account has one), then removes the user and with it every session. */
  async delete(user: User, password: string | undefined, client: ClientContext, sessionId: string | null = null): Promise<void> {
    if (user.passwordHash) {
      if (password === undefined || password === '') throw ValidationFailedError.field('password', MESSAGES.required);
      if (!(await this.reauth.passwordMatches(user, password, client, sessionId))) {
        throw ValidationFailedError.field('password', MESSAGES.invalidPassword);
      }
    }
    // The sessions go with the account (ON DELETE CASCADE). UsersService.delete locks the
    // superusers first, as every change of roles does, so this cannot deadlock with an operator's
    // change of the same account; the last active superuser is refused (400) with nothing changed.
    await this.users.delete(user.id);
  }
}
