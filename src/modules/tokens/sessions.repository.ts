import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In, IsNull, MoreThan } from 'typeorm';
import { User } from '../users/user.entity.js';
import { BlacklistedToken } from './blacklisted-token.entity.js';
import { OutstandingToken } from './outstanding-token.entity.js';
import { Session } from './session.entity.js';

export type RevokeReason = 'logout' | 'logout_all' | 'session_deleted' | 'password_changed' | 'password_reset' | 'refresh_reuse' | 'user_deactivated' | 'account_deleted' | 'address_claimed' | 'ended_by_admin';

/** A session (alias `s`) is live while it is neither revoked nor expired. */
const LIVE = 's.revoked_at IS NULL AND s.expires_at > now()';

/**
 * The session aggregate: sessions, their outstanding refresh tokens and the blacklist. Every
 * statement runs in the caller's transaction when there is one (txHost.tx).
 */
@Injectable()
export class SessionsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get em() {
    return this.txHost.tx;
  }

  private selectSessionUser?: string;

  /**
   * The authentication step of every request: the user of a live session, provided the session
   * belongs to that user, in one round trip. The database is the only record of revocation, so a
   * session ended on any instance is refused by every instance at once (SECURITY.md 13).
   * Plain SQL built once from the entity metadata, as in UsersRepository.findById.
   */
  async findLiveSessionUser(sessionId: string, userId: string): Promise<{ user: User; secondFactor: boolean } | null> {
    if (!this.selectSessionUser) {
      const columns = this.em.connection
        .getMetadata(User)
        .columns.map((column) => `u."${column.databaseName}" AS "${column.propertyName}"`)
        .join(', ');
      this.selectSessionUser = `SELECT ${columns}, s.second_factor AS "$secondFactor" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.user_id = $2 AND ${LIVE}`;
    }
    const rows: Record<string, unknown>[] = await this.em.query(this.selectSessionUser, [sessionId, userId]);
    if (!rows.length) return null;
    const { $secondFactor, ...user } = rows[0];
    return { user: Object.assign(new User(), user), secondFactor: $secondFactor === true };
  }

  /** True while the session is live and its user active; with a refresh jti, also while that token is unspent. */
  async isUsable(sessionId: string, userId: string, refreshJti: string | null): Promise<boolean> {
    const rows: unknown[] = await this.em.query(
      `SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND ${LIVE} AND u.is_active
          AND ($3::uuid IS NULL OR EXISTS (
            SELECT 1 FROM outstanding_tokens o WHERE o.jti = $3 AND o.session_id = s.id
              AND NOT EXISTS (SELECT 1 FROM blacklisted_tokens b WHERE b.token_id = o.id)))`,
      [sessionId, userId, refreshJti],
    );
    return rows.length === 1;
  }

  async insertSession(session: Omit<Session, 'revokedAt' | 'revokeReason'>): Promise<void> {
    await this.em.insert(Session, session);
  }

  async insertToken(token: Omit<OutstandingToken, 'id' | 'createdAt'>): Promise<void> {
    await this.em.insert(OutstandingToken, { id: randomUUID(), ...token });
  }

  /** Locks the token's session row so parallel refreshes of one family queue up behind each other. */
  async lockForRefresh(jti: string): Promise<{ token: OutstandingToken; session: Session } | null> {
    const token = await this.em.findOne(OutstandingToken, { where: { jti } });
    if (!token) return null;
    const session = await this.em.findOne(Session, { where: { id: token.sessionId }, lock: { mode: 'pessimistic_write' } });
    return session ? { token, session } : null;
  }

  async findSpent(tokenId: string): Promise<BlacklistedToken | null> {
    return this.em.findOne(BlacklistedToken, { where: { tokenId } });
  }

  /** Blacklists a refresh token and records its successor; false when it was already spent. */
  async spend(tokenId: string, successor: { jti: string; issuedAt: Date }): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .insert()
      .into(BlacklistedToken)
      .values({ id: randomUUID(), tokenId, successorJti: successor.jti, successorIssuedAt: successor.issuedAt })
      .orIgnore()
      .returning('id')
      .execute();
    return result.raw.length === 1;
  }

  async extend(sessionId: string, lastUsedAt: Date, expiresAt: Date): Promise<void> {
    await this.em.update(Session, { id: sessionId }, { lastUsedAt, expiresAt });
  }

  /** True when the refresh token with this jti was issued and has been spent. */
  async isSpent(jti: string): Promise<boolean> {
    const rows: unknown[] = await this.em.query(`SELECT 1 FROM outstanding_tokens o JOIN blacklisted_tokens b ON b.token_id = o.id WHERE o.jti = $1`, [jti]);
    return rows.length === 1;
  }

  /** What logout needs to know of a refresh token: whether it is spent and its session live; null when never issued. */
  async refreshTokenState(jti: string): Promise<{ spent: boolean; sessionLive: boolean } | null> {
    const [row] = (await this.em.query(
      `SELECT b.id IS NOT NULL AS spent, (${LIVE}) AS live
         FROM outstanding_tokens o JOIN sessions s ON s.id = o.session_id LEFT JOIN blacklisted_tokens b ON b.token_id = o.id
        WHERE o.jti = $1`,
      [jti],
    )) as { spent: boolean; live: boolean }[];
    return row ? { spent: row.spent, sessionLive: row.live } : null;
  }

  async listActive(userId: string): Promise<Session[]> {
    return this.em.find(Session, {
      where: { userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC' },
    });
  }

  async findActive(sessionId: string, userId: string): Promise<Session | null> {
    return this.em.findOne(Session, {
      where: { id: sessionId, userId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
    });
  }

  /** Marks sessions ended; returns the ids that were still live. */
  async revoke(sessionIds: string[], reason: RevokeReason): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const result = await this.em
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()', revokeReason: reason })
      .where({ id: In(sessionIds), revokedAt: IsNull() })
      .returning('id')
      .execute();
    return (result.raw as { id: string }[]).map((row) => row.id);
  }

  /** Ends every live session of a user, optionally sparing one; returns the ended ids. */
  /** The user's second factor is gone: no session of theirs counts as opened with one any more. */
  async forgetSecondFactor(userId: string): Promise<void> {
    await this.em.update(Session, { userId, secondFactor: true }, { secondFactor: false });
  }

  async revokeAllForUser(userId: string, reason: RevokeReason, exceptSessionId?: string): Promise<string[]> {
    const query = this.em
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: () => 'now()', revokeReason: reason })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (exceptSessionId) query.andWhere('id <> :exceptSessionId', { exceptSessionId });
    const result = await query.returning('id').execute();
    return (result.raw as { id: string }[]).map((row) => row.id);
  }

  /** Deletes up to `limit` refresh-token rows, spent or not, whose token expired before `before`; a spent one's blacklist row goes with it (ON DELETE CASCADE). */
  async deleteExpiredTokens(before: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.em.query(`DELETE FROM outstanding_tokens WHERE id IN (SELECT id FROM outstanding_tokens WHERE expires_at < $1 LIMIT $2)`, [before, limit])) as [unknown, number];
    return deleted;
  }

  /**
   * Deletes up to `limit` sessions that ended (were revoked, or expired) before `endedBefore` and
   * expired before `expiredBefore`; any token rows left go with them (ON DELETE CASCADE).
   */
  async deleteEnded(endedBefore: Date, expiredBefore: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.em.query(
      // LEAST skips a NULL revoked_at: the end of a session never revoked is its expiry.
      `DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < $2 AND LEAST(revoked_at, expires_at) < $1 LIMIT $3)`,
      [endedBefore, expiredBefore, limit],
    )) as [unknown, number];
    return deleted;
  }
}
