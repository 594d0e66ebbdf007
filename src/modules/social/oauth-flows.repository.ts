import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { OauthFlow } from './oauth-flow.entity.js';

/** What the callback needs of a flow whose state it has just claimed. */
export interface ClaimedFlow {
  id: string;
  codeVerifier: string;
  nextPath: string;
}

/** The browser redirect flows (oauth_flows). Only hashes of the state and the exchange code are ever stored. */
@Injectable()
export class OauthFlowsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get em() {
    return this.txHost.tx;
  }

  async insert(flow: { provider: string; stateHash: string; codeVerifier: string; nextPath: string; expiresAt: Date }): Promise<void> {
    await this.em.insert(OauthFlow, { id: randomUUID(), ...flow });
  }

  /** Marks the state used and returns its flow, in one statement: of two callbacks racing with one state, one wins. */
  async claimState(provider: string, stateHash: string): Promise<ClaimedFlow | null> {
    const claimed = await this.em
      .createQueryBuilder()
      .update(OauthFlow)
      .set({ stateUsedAt: () => 'now()' })
      .where('state_hash = :stateHash AND provider = :provider AND state_used_at IS NULL AND expires_at > now()', { stateHash, provider })
      .returning('*')
      .execute();
    const row = (claimed.raw as { id: string; code_verifier: string; next_path: string }[])[0];
    return row ? { id: row.id, codeVerifier: row.code_verifier, nextPath: row.next_path } : null;
  }

  async setExchangeCode(id: string, user: { id: string; credentialsVersion: number }, codeHash: string, expiresAt: Date): Promise<void> {
    await this.em.update(OauthFlow, { id }, { userId: user.id, credentialsVersion: user.credentialsVersion, exchangeCodeHash: codeHash, exchangeExpiresAt: expiresAt });
  }

  /** Deletes up to `limit` flows whose state, and exchange code if any, had both expired at `now`. */
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.em.query(
      `DELETE FROM oauth_flows WHERE id IN (
         SELECT id FROM oauth_flows WHERE expires_at < $1 AND (exchange_expires_at IS NULL OR exchange_expires_at < $1) LIMIT $2)`,
      [now, limit],
    )) as [unknown, number];
    return deleted;
  }

  /** Spends every exchange code of a user not yet exchanged. */
  async spendPendingForUser(userId: string): Promise<void> {
    await this.em.update(OauthFlow, { userId, exchangedAt: IsNull() }, { exchangedAt: () => 'now()' });
  }

  /** Spends an unexpired exchange code, once; the user it was issued for and that user's credentials version then, or null. */
  async spendExchangeCode(codeHash: string): Promise<{ userId: string; credentialsVersion: number } | null> {
    const spent = await this.em
      .createQueryBuilder()
      .update(OauthFlow)
      .set({ exchangedAt: () => 'now()' })
      .where('exchange_code_hash = :codeHash AND exchanged_at IS NULL AND exchange_expires_at > now()', { codeHash })
      .returning('*')
      .execute();
    const row = (spent.raw as { user_id: string; credentials_version: number | null }[])[0];
    return row && row.credentials_version !== null ? { userId: row.user_id, credentialsVersion: row.credentials_version } : null;
  }
}
