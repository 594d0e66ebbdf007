import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { User } from '../users/user.entity.js';
import { MfaTotp } from './mfa/mfa-totp.entity.js';
import { RecoveryCode } from './mfa/recovery-code.entity.js';

/**
 * Social accounts belong to the social module, which depends on this one (never the reverse),
 * so they are named here by their registered entity name instead of by an import.
 */
const SOCIAL_ACCOUNT = 'SocialAccount';

/** The credentials of one account that an address claim revokes, all inside the caller's transaction. */
@Injectable()
export class AddressClaimRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get em() {
    return this.txHost.tx;
  }

  /** The account row, locked until the transaction ends, so two claims (or a claim and a login upgrade) queue up. */
  lockUser(userId: string): Promise<User | null> {
    return this.em.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
  }

  async removePassword(userId: string): Promise<void> {
    await this.em.update(User, { id: userId }, { passwordHash: null });
  }

  /** Deletes the TOTP secret (confirmed or pending) and the recovery codes; true when there was any. */
  async removeMfa(userId: string): Promise<boolean> {
    const existed = (await this.em.count(MfaTotp, { where: { userId } })) + (await this.em.count(RecoveryCode, { where: { userId } })) > 0;
    await this.em.delete(MfaTotp, { userId });
    await this.em.delete(RecoveryCode, { userId });
    await this.em.update(User, { id: userId }, { mfaEnabled: false });
    return existed;
  }

  /** Unlinks every provider account; returns how many there were. */
  async unlinkSocialAccounts(userId: string): Promise<number> {
    const count = await this.em.count(SOCIAL_ACCOUNT, { where: { userId } });
    if (count) await this.em.delete(SOCIAL_ACCOUNT, { userId });
    return count;
  }

  /** The address is proven and the credentials changed: sign-ins that read the account before cannot open a session. */
  async markVerified(userId: string): Promise<void> {
    await this.em.update(User, { id: userId }, { emailVerified: true, credentialsVersion: () => 'credentials_version + 1' });
  }

  /** One-time codes of the browser sign-in flow not yet exchanged: they were earned with the revoked links. */
  async spendPendingSignIns(userId: string): Promise<void> {
    await this.em.query(`UPDATE oauth_flows SET exchanged_at = now() WHERE user_id = $1 AND exchanged_at IS NULL`, [userId]);
  }
}
