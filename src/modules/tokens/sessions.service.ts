import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuthenticationFailedError, NotAuthenticatedError, NotFoundError, TokenNotValidError } from '../../common/errors/app-error.js';
import type { AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { SessionsRepository, type RevokeReason } from './sessions.repository.js';
import type { Session } from './session.entity.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { TokenPair } from './token-claims.js';
import { TokenIssuerService } from './token-issuer.service.js';
import { TokenVerifierService } from './authentication/token-verifier.service.js';

/**
 * How long after its expiry a refresh token's rows are kept: another instance whose clock runs
 * this far behind still accepts the token, and must still recognise it as spent.
 */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Starting, listing and ending sessions. An end is one committed UPDATE of the session row, which
 * every instance reads on every authenticated request: nothing is left to do after the commit.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sessions: SessionsRepository,
    private readonly users: UsersService,
    private readonly issuer: TokenIssuerService,
    private readonly verifier: TokenVerifierService,
    private readonly events: SecurityEventsService,
  ) {}

  /**
   * Opens a session for the user as it was read when its credentials were checked, and returns
   * its first token pair; joins the caller's transaction, or runs in one of its own. The session
   * is written only while that account is still active and its credentials unchanged (the row is
   * share-locked until commit), so a sign-in racing a password change, a reset or an address
   * claim cannot leave a session behind (SECURITY.md 15, 34).
   */
  start(user: User, client: ClientContext, secondFactor: boolean): Promise<TokenPair & { sessionId: string }> {
    return this.txHost.withTransaction(() => this.open(user, client, secondFactor));
  }

  private async open(user: User, client: ClientContext, secondFactor: boolean): Promise<TokenPair & { sessionId: string }> {
    const current = await this.users.lockCredentials(user.id);
    if (!current || !current.isActive || current.credentialsVersion !== user.credentialsVersion) throw new AuthenticationFailedError();
    const userId = user.id;
    const now = Date.now();
    const sessionId = randomUUID();
    const refresh = this.issuer.issue('refresh', userId, sessionId, now);
    await this.sessions.insertSession({
      id: sessionId,
      userId,
      createdAt: new Date(now),
      lastUsedAt: new Date(now),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      expiresAt: refresh.expiresAt,
      secondFactor,
    });
    await this.sessions.insertToken({ jti: refresh.jti, sessionId, userId, expiresAt: refresh.expiresAt });
    return { access: this.issuer.issue('access', userId, sessionId, now).token, refresh: refresh.token, sessionId };
  }

  async list(userId: string): Promise<Session[]> {
    return this.sessions.listActive(userId);
  }

  async endOne(userId: string, sessionId: string, client: ClientContext): Promise<void> {
    // Another user's session id answers exactly like an unknown one.
    const session = await this.sessions.findActive(sessionId, userId);
    if (!session) throw new NotFoundError();
    await this.end([session.id], 'session_deleted');
    await this.events.record('session_ended', userId, client, session.id);
  }

  /**
   * Ends every live session of a user (but `exceptSessionId`), inside the caller's transaction
   * when there is one, so the end commits with the change that caused it. Returns how many ended.
   */
  async endAllForUser(userId: string, reason: RevokeReason, exceptSessionId?: string): Promise<number> {
    return (await this.sessions.revokeAllForUser(userId, reason, exceptSessionId)).length;
  }

  /**
   * Logout. The refresh token, when given, names the session; otherwise the bearer's session.
   * A refresh token of another user than the bearer is refused, and ending an ended session
   * succeeds again (idempotent, SECURITY.md 14).
   */
  async logout(principal: AuthPrincipal | undefined, refreshToken: string | undefined, all: boolean, client: ClientContext): Promise<void> {
    let userId = principal?.user.id;
    let sessionId = principal?.session.id;
    if (refreshToken !== undefined) {
      const claims = this.verifier.verify(refreshToken, ['refresh']);
      if (principal && claims.sub !== principal.user.id) throw new TokenNotValidError();
      // A spent refresh token no longer speaks for a live session: it could be a leaked old copy.
      // Against an ended session it is harmless, and logging out again stays idempotent.
      const state = await this.sessions.refreshTokenState(claims.jti);
      if (!state || (state.sessionLive && state.spent)) throw new TokenNotValidError();
      userId = claims.sub;
      sessionId = claims.sid;
    }
    if (!userId || !sessionId) throw new NotAuthenticatedError();
    if (all) await this.endAllForUser(userId, 'logout_all');
    else await this.end([sessionId], 'logout');
    await this.events.record(all ? 'logout_all' : 'logout', userId, client, sessionId);
  }

  /**
   * MFA was turned off (by its holder or an operator): the sessions stay, but none counts as
   * opened with a second factor any more, so ADMIN_REQUIRE_MFA wants a new sign-in with the next
   * authenticator, not a re-enrolment from an old session.
   */
  forgetSecondFactor(userId: string): Promise<void> {
    return this.sessions.forgetSecondFactor(userId);
  }

  async end(sessionIds: string[], reason: RevokeReason): Promise<void> {
    await this.sessions.revoke(sessionIds, reason);
  }

  /**
   * Housekeeping: deletes up to `limit` refresh-token rows whose token had expired at `now`.
   * A spent token's row is what recognises its replay as theft and revokes the family (RFC 9700
   * §4.14.2), so it stays for as long as the token itself verifies, plus CLOCK_SKEW_MS; after
   * that the token is refused for its `exp` alone. Returns how many rows went.
   */
  purgeExpiredRefreshTokens(now: Date, limit: number): Promise<number> {
    return this.sessions.deleteExpiredTokens(new Date(now.getTime() - CLOCK_SKEW_MS), limit);
  }

  /**
   * Housekeeping: deletes up to `limit` sessions that ended before `endedBefore` (the retention
   * period) and whose last refresh token had expired at `now`. A session is never deleted while a
   * token of it still verifies: every answer to such a token (401, or an idempotent logout) stays
   * what it was.
   */
  purgeEnded(endedBefore: Date, now: Date, limit: number): Promise<number> {
    return this.sessions.deleteEnded(endedBefore, new Date(now.getTime() - CLOCK_SKEW_MS), limit);
  }
}
