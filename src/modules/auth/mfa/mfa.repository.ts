import { IsNull } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { sha256Hex as hashCode } from '../../../common/crypto.js';
import { MfaChallenge } from './mfa-challenge.entity.js';
import { MfaTotp } from './mfa-totp.entity.js';
import { RecoveryCode } from './recovery-code.entity.js';


@Injectable()
export class MfaRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get em() {
    return this.txHost.tx;
  }

  findTotp(userId: string): Promise<MfaTotp | null> {
    return this.em.findOne(MfaTotp, { where: { userId } });
  }

  /** A new, unconfirmed secret replaces any earlier unconfirmed one. */
  async savePending(userId: string, secretEncrypted: string): Promise<void> {
    await this.em.upsert(MfaTotp, { userId, secretEncrypted, confirmedAt: null, lastUsedStep: 0 }, ['userId']);
  }

  async confirm(userId: string): Promise<void> {
    await this.em.update(MfaTotp, { userId }, { confirmedAt: new Date() });
  }

  /** Records the step of an accepted code; false when that step (or a later one) was already used. */
  async useStep(userId: string, step: number): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .update(MfaTotp)
      .set({ lastUsedStep: step })
      .where('user_id = :userId AND last_used_step < :step', { userId, step })
      .returning('user_id')
      .execute();
    return result.raw.length === 1;
  }

  /** Deletes the TOTP secret (confirmed or pending) and the recovery codes; true when there were any. */
  async deleteAll(userId: string): Promise<boolean> {
    const secrets = await this.em.delete(MfaTotp, { userId });
    const codes = await this.em.delete(RecoveryCode, { userId });
    return (secrets.affected ?? 0) + (codes.affected ?? 0) > 0;
  }

  async replaceRecoveryCodes(userId: string, codes: string[]): Promise<void> {
    await this.em.delete(RecoveryCode, { userId });
    await this.em.insert(RecoveryCode, codes.map((code) => ({ id: randomUUID(), userId, codeHash: hashCode(code), usedAt: null })));
  }

  /** Recovery codes not used yet. */
  unusedRecoveryCodes(userId: string): Promise<number> {
    return this.em.count(RecoveryCode, { where: { userId, usedAt: IsNull() } });
  }

  /** Spends a recovery code; false when it is unknown or already used. */
  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .update(RecoveryCode)
      .set({ usedAt: () => 'now()' })
      .where('user_id = :userId AND code_hash = :hash AND used_at IS NULL', { userId, hash: hashCode(code) })
      .returning('id')
      .execute();
    return result.raw.length === 1;
  }

  async insertChallenge(challenge: Omit<MfaChallenge, 'usedAt'>): Promise<void> {
    await this.em.insert(MfaChallenge, { ...challenge, usedAt: null });
  }

  findLiveChallenge(jti: string, userId: string): Promise<MfaChallenge | null> {
    return this.em
      .createQueryBuilder(MfaChallenge, 'c')
      .where('c.jti = :jti AND c.user_id = :userId AND c.used_at IS NULL AND c.expires_at > now()', { jti, userId })
      .getOne();
  }

  /** Deletes up to `limit` tickets that expired before `before`, used or not. */
  async deleteExpiredChallenges(before: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.em.query(`DELETE FROM mfa_challenges WHERE jti IN (SELECT jti FROM mfa_challenges WHERE expires_at < $1 LIMIT $2)`, [before, limit])) as [unknown, number];
    return deleted;
  }

  async spendChallenge(jti: string): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .update(MfaChallenge)
      .set({ usedAt: () => 'now()' })
      .where('jti = :jti AND used_at IS NULL AND expires_at > now()', { jti })
      .returning('jti')
      .execute();
    return result.raw.length === 1;
  }
}
