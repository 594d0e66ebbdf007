import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { sha256Hex as hashCode } from '../../../common/crypto.js';
import { MfaChallenge } from './mfa-challenge.entity.js';
import { MfaTotp } from './mfa-totp.entity.js';
import { RecoveryCode } from './recovery-code.entity.js';


@Injectable()
export class MfaRepository {
  constructor(private readonly dataSource: DataSource) {}

  findTotp(userId: string): Promise<MfaTotp | null> {
    return this.dataSource.manager.findOne(MfaTotp, { where: { userId } });
  }

  /** A new, unconfirmed secret replaces any earlier unconfirmed one. */
  async savePending(userId: string, secretEncrypted: string): Promise<void> {
    await this.dataSource.manager.upsert(MfaTotp, { userId, secretEncrypted, confirmedAt: null, lastUsedStep: 0 }, ['userId']);
  }

  async confirm(em: EntityManager, userId: string): Promise<void> {
    await em.update(MfaTotp, { userId }, { confirmedAt: new Date() });
  }

  /** Records the step of an accepted code; false when that step (or a later one) was already used. */
  async useStep(userId: string, step: number): Promise<boolean> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(MfaTotp)
      .set({ lastUsedStep: step })
      .where('user_id = :userId AND last_used_step < :step', { userId, step })
      .returning('user_id')
      .execute();
    return result.raw.length === 1;
  }

  async deleteAll(em: EntityManager, userId: string): Promise<void> {
    await em.delete(MfaTotp, { userId });
    await em.delete(RecoveryCode, { userId });
  }

  async replaceRecoveryCodes(em: EntityManager, userId: string, codes: string[]): Promise<void> {
    await em.delete(RecoveryCode, { userId });
    await em.insert(RecoveryCode, codes.map((code) => ({ id: randomUUID(), userId, codeHash: hashCode(code), usedAt: null })));
  }

  /** Spends a recovery code; false when it is unknown or already used. */
  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(RecoveryCode)
      .set({ usedAt: () => 'now()' })
      .where('user_id = :userId AND code_hash = :hash AND used_at IS NULL', { userId, hash: hashCode(code) })
      .returning('id')
      .execute();
    return result.raw.length === 1;
  }

  async insertChallenge(challenge: Omit<MfaChallenge, 'usedAt'>): Promise<void> {
    await this.dataSource.manager.insert(MfaChallenge, { ...challenge, usedAt: null });
  }

  findLiveChallenge(jti: string, userId: string): Promise<MfaChallenge | null> {
    return this.dataSource.manager
      .createQueryBuilder(MfaChallenge, 'c')
      .where('c.jti = :jti AND c.user_id = :userId AND c.used_at IS NULL AND c.expires_at > now()', { jti, userId })
      .getOne();
  }

  async spendChallenge(em: EntityManager, jti: string): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .update(MfaChallenge)
      .set({ usedAt: () => 'now()' })
      .where('jti = :jti AND used_at IS NULL AND expires_at > now()', { jti })
      .returning('jti')
      .execute();
    return result.raw.length === 1;
  }
}
