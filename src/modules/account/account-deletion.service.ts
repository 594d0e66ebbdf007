import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { ReauthService } from '../auth/reauth.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';

/** DELETE /api/me/: the account holder, asked for the password again, removes the account. */
@Injectable()
export class AccountDeletionService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly reauth: ReauthService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {}

  /** Re-authenticates with the password (when the account has one), ends every session, then removes the user. */
  async delete(user: User, password: string | undefined, client: ClientContext, sessionId: string | null = null): Promise<void> {
    if (user.passwordHash) {
      if (password === undefined || password === '') throw ValidationFailedError.field('password', MESSAGES.required);
      if (!(await this.reauth.passwordMatches(user, password, client, sessionId))) {
        throw ValidationFailedError.field('password', MESSAGES.invalidPassword);
      }
    }
    // One commit: the last active superuser is refused (400) with its sessions untouched.
    await this.txHost.withTransaction(async () => {
      await this.sessions.endAllForUser(user.id, 'account_deleted');
      await this.users.delete(user.id);
    });
  }
}
