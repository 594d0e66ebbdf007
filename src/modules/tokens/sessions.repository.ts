import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In, IsNull, MoreThan } from 'typeorm';
import { BlacklistedToken } from './blacklisted-token.entity.js';
import { OutstandingToken } from './outstanding-token.entity.js';
import { Session } from './session.entity.js';

export type RevokeReason = 'logout' | 'logout_all' | 'session_deleted' | 'password_changed' | 'password_reset' | 'refresh_reuse' | 'user_deactivated' | 'account_deleted' | 'address_claimed';

/**
 * The session aggregate: sessions, their outstanding refresh tokens and the blacklist.
 * Methods that take an EntityManager run inside the caller's transaction; with the embedded
 * database's single connection the global manager must never be used inside one.
 */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertSession(em: EntityManager, session: Omit<Session, 'revokedAt' | 'revokeReason'>): Promise<void> {
    await em.insert(Session, session);
  }

  async insertToken(em: EntityManager, token: Omit<OutstandingToken, 'id' | 'createdAt'>): Promise<void> {
    await em.insert(OutstandingToken, { id: randomUUID(), ...token });
  }

  /** Locks the token's session row so parallel refreshes of one family queue up behind each other. */
  async lockForRefresh(em: EntityManager, jti: string): Promise<{ token: OutstandingToken; session: Session } | null> {
    const token = await em.findOne(OutstandingToken, { where: { jti } });
    if (!token) return null;
    const session = await em.findOne(Session, { where: { id: token.sessionId }, lock: { mode: 'pessimistic_write' } });
    return session ? { token, session } : null;
  }

  async findSpent(em: EntityManager, tokenId: string): Promise<BlacklistedToken | null> {
    return em.findOne(BlacklistedToken, { where: { tokenId } });
  }

  /** Blacklists a refresh token; false when it was already spent. */
  async spend(em: EntityManager, tokenId: string): Promise<boolean> {
    const result = await em
      .createQueryBuilder()
      .insert()
      .into(BlacklistedToken)
      .values({ id: randomUUID(), tokenId })
      .orIgnore()
      .returning('id')
      .execute();
    return result.raw.length === 1;
  }

  async extend(em: EntityManager, sessionId: string, lastUsedAt: Date, expiresAt: Date): Promise<void> {
    await em.update(Session, { id: sessionId }, { lastUsedAt, expiresAt });
  }

  /** True when no refresh token with this jti was issued, or it was already spent (blacklisted). */
  async isSpentOrUnknown(jti: string): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `SELECT b.id AS spent FROM outstanding_tokens o LEFT JOIN blacklisted_tokens b ON b.token_id = o.id WHERE o.jti = $1`,
      [jti],
    )) as { spent: string | null }[];
    return !row || row.spent !== null;
  }

  async listActive(userId: string): Promise<Session[]> {
    return this.dataSource.manager.find(Session, {
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC' },
    });
  }

  async findActive(sessionId: string, userId: string): Promise<Session | null> {
    return this.dataSource.manager.findOne(Session, {
      where: { id: sessionId, userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
  }

  async findRevokedSince(since: Date): Promise<Session[]> {
    return this.dataSource.manager.find(Session, { where: { revokedAt: MoreThan(since) }, select: { id: true, revokedAt: true } });
  }

  /** Marks sessions ended; returns the ids that were still live. */
  async revoke(sessionIds: string[], reason: RevokeReason, em: EntityManager = this.dataSource.manager): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const result = await em
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()', revokeReason: reason })
      .where({ id: In(sessionIds), revokedAt: IsNull() })
      .returning('id')
      .execute();
    return (result.raw as { id: string }[]).map((row) => row.id);
  }

  /** Ends every live session of a user, optionally sparing one; returns the ended ids. */
  async revokeAllForUser(userId: string, reason: RevokeReason, exceptSessionId?: string, em: EntityManager = this.dataSource.manager): Promise<string[]> {
    const query = em
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()', revokeReason: reason })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (exceptSessionId) query.andWhere('id <> :exceptSessionId', { exceptSessionId });
    const result = await query.returning('id').execute();
    return (result.raw as { id: string }[]).map((row) => row.id);
  }
}
