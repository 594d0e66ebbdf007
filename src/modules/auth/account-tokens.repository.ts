import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AccountToken, type AccountTokenPurpose } from './account-token.entity.js';

@Injectable()
export class AccountTokensRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get em() {
    return this.txHost.tx;
  }

  async insert(token: Omit<AccountToken, 'id' | 'createdAt' | 'usedAt'>): Promise<void> {
    await this.em.insert(AccountToken, { id: randomUUID(), ...token });
  }

  /** A live (unused, unexpired) token of this purpose, without spending it. */
  findLive(tokenHash: string, purpose: AccountTokenPurpose): Promise<AccountToken | null> {
    return this.em
      .createQueryBuilder(AccountToken, 't')
      .where('t.token_hash = :tokenHash AND t.purpose = :purpose AND t.used_at IS NULL AND t.expires_at > now()', { tokenHash, purpose })
      .getOne();
  }

  /** Spends the token; false when another request spent it first. */
  async spend(id: string): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .update(AccountToken)
      .set({ usedAt: () => 'now()' })
      .where('id = :id AND used_at IS NULL AND expires_at > now()', { id })
      .returning('id')
      .execute();
    return result.raw.length === 1;
  }

  /** Deletes up to `limit` tokens that expired before `before`, used or not. */
  async deleteExpired(before: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.em.query(`DELETE FROM account_tokens WHERE id IN (SELECT id FROM account_tokens WHERE expires_at < $1 LIMIT $2)`, [before, limit])) as [unknown, number];
    return deleted;
  }

  async spendAll(userId: string, purpose: AccountTokenPurpose): Promise<void> {
    await this.em
      .createQueryBuilder()
      .update(AccountToken)
      .set({ usedAt: () => 'now()' })
      .where('user_id = :userId AND purpose = :purpose AND used_at IS NULL', { userId, purpose })
      .execute();
  }
}
