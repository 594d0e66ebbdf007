import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { MfaTotp } from './mfa/mfa-totp.entity.js';
import { RecoveryCode } from './mfa/recovery-code.entity.js';

/**
 * Social accounts belong to the social module, which depends on this one (never the reverse),
 * so they are named here by their registered entity name instead of by an import.
 */
const SOCIAL_ACCOUNT = 'SocialAccount';

/** What an address claim revokes outside the users table (UsersService owns that), inside the caller's transaction. */
@Injectable()
export class AddressClaimRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get em() {
    return this.txHost.tx;
  }

  /** Deletes the TOTP secret (confirmed or pending) and the recovery codes; true when there were any. */
  async removeMfa(userId: string): Promise<boolean> {
    const existed = (await this.em.count(MfaTotp, { where: { userId } })) + (await this.em.count(RecoveryCode, { where: { userId } })) > 0;
    await this.em.delete(MfaTotp, { userId });
    await this.em.delete(RecoveryCode, { userId });
    return existed;
  }

  /** Unlinks every provider account; returns how many there were. */
  async unlinkSocialAccounts(userId: string): Promise<number> {
    const count = await this.em.count(SOCIAL_ACCOUNT, { where: { userId } });
    if (count) await this.em.delete(SOCIAL_ACCOUNT, { userId });
    return count;
  }

  /** One-time codes of the browser sign-in flow not yet exchanged: they were earned with the revoked links. */
  async spendPendingSignIns(userId: string): Promise<void> {
    await this.em.query(`UPDATE oauth_flows SET exchanged_at = now() WHERE user_id = $1 AND exchanged_at IS NULL`, [userId]);
  }
}
