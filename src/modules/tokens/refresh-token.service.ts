import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { authConfig } from '../../config/auth.config.js';
import { TokenNotValidError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { MetricsService } from '../ops/metrics.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { BlacklistedToken } from './blacklisted-token.entity.js';
import type { Session } from './session.entity.js';
import { SessionsRepository } from './sessions.repository.js';
import type { TokenClaims, TokenPair } from './token-claims.js';
import { TokenIssuerService } from './token-issuer.service.js';
import { TokenVerifierService } from './authentication/token-verifier.service.js';

/** What one refresh came to: the pair it answers with, and how it is counted (auth_token_refreshes_total). */
type Rotation = { pair: TokenPair; outcome: 'rotated' | 'retried' } | { pair: null; outcome: 'reuse_detected' | 'refused' };

const REFUSED: Rotation = { pair: null, outcome: 'refused' };

/**
 * Refresh-token rotation (simplejwt ROTATE_REFRESH_TOKENS + BLACKLIST_AFTER_ROTATION).
 * The whole rotation is one transaction: a failure anywhere leaves the old token valid,
 * and success commits the spent mark and the successor together (SECURITY.md 30).
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sessions: SessionsRepository,
    private readonly users: UsersService,
    private readonly issuer: TokenIssuerService,
    private readonly verifier: TokenVerifierService,
    private readonly events: SecurityEventsService,
    private readonly metrics: MetricsService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async rotate(refreshToken: unknown, client: ClientContext): Promise<TokenPair> {
    let claims: TokenClaims;
    try {
      claims = this.verifier.verify(refreshToken, ['refresh']);
    } catch (error) {
      this.metrics.refresh('refused');
      throw error;
    }
    const { pair, outcome } = await this.txHost.withTransaction(async (): Promise<Rotation> => {
      // The session row is locked: parallel refreshes of one family run one after the other.
      const found = await this.sessions.lockForRefresh(claims.jti);
      const now = Date.now();
      if (!found || found.session.id !== claims.sid || found.session.revokedAt || found.session.expiresAt.getTime() <= now) return REFUSED;
      const { token, session } = found;
      const user = await this.users.findById(session.userId);
      if (!user || !user.isActive) return REFUSED;
      const successor = this.issuer.issue('refresh', user.id, session.id, now);
      if (await this.sessions.spend(token.id, successor)) {
        await this.sessions.insertToken({ jti: successor.jti, sessionId: session.id, userId: user.id, expiresAt: successor.expiresAt });
        await this.sessions.extend(session.id, new Date(now), successor.expiresAt);
        return { pair: { access: this.issuer.issue('access', user.id, session.id, now).token, refresh: successor.token }, outcome: 'rotated' };
      }
      return this.replayed(token.id, session, user, now, client);
    });
    this.metrics.refresh(outcome);
    if (!pair) throw new TokenNotValidError();
    return pair;
  }

  /**
   * A spent token came back. Inside the grace window, while its successor is still unused, it is
   * the same client retrying a rotation whose answer it never got (or refreshing twice in
   * parallel): it is handed the same successor again, so one rotation has one successor however
   * often it is asked. Otherwise it is a replay, and RFC 9700 §4.14.2 says the token leaked:
   * outside the window the whole family is revoked, in the same transaction.
   */
  private async replayed(tokenId: string, session: Session, user: User, now: number, client: ClientContext): Promise<Rotation> {
    const spent: BlacklistedToken | null = await this.sessions.findSpent(tokenId);
    if (!spent) return REFUSED;
    const graceMs = this.config.refreshReuseGraceSeconds * 1000;
    if (now - spent.blacklistedAt.getTime() > graceMs) {
      await this.sessions.revoke([session.id], 'refresh_reuse');
      await this.events.record('refresh_reuse', user.id, client, session.id);
      return { pair: null, outcome: 'reuse_detected' };
    }
    if (graceMs === 0 || !spent.successorJti || !spent.successorIssuedAt || (await this.sessions.isSpent(spent.successorJti))) return REFUSED;
    const successor = this.issuer.issue('refresh', user.id, session.id, spent.successorIssuedAt.getTime(), spent.successorJti);
    return { pair: { access: this.issuer.issue('access', user.id, session.id, now).token, refresh: successor.token }, outcome: 'retried' };
  }
}
