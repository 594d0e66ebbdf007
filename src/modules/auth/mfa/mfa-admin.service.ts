import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { MailService } from '../../mail/mail.service.js';
import { SessionsService } from '../../tokens/sessions.service.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';
import { MfaRepository } from './mfa.repository.js';

export interface MfaState {
  enabled: boolean;
  recoveryCodesLeft: number;
}

/** What operators see of and do to an account's second factor: its state, and turning it off after an identity check done elsewhere. */
@Injectable()
export class MfaAdminService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly mfa: MfaRepository,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly sessions: SessionsService,
  ) {}

  async state(user: User): Promise<MfaState> {
    return { enabled: user.mfaEnabled, recoveryCodesLeft: user.mfaEnabled ? await this.mfa.unusedRecoveryCodes(user.id) : 0 };
  }

  /** Removes the secret and recovery codes and tells the user by mail, in the caller's transaction; false when MFA was off. */
  reset(user: User): Promise<boolean> {
    return this.txHost.withTransaction(async () => {
      const removed = await this.mfa.deleteAll(user.id);
      if (!removed && !user.mfaEnabled) return false;
      await this.users.disableMfa(user.id);
      await this.sessions.forgetSecondFactor(user.id);
      await this.mail.enqueue(user.email, 'mfa_reset');
      return true;
    });
  }
}
