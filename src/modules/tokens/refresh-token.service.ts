import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { authConfig } from '../../config/auth.config.js';
import { TokenNotValidError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import type { TokenPair } from './token-claims.js';
import { TokenIssuerService } from './token-issuer.service.js';
import { TokenVerifierService } from './token-verifier.service.js';

type RotationOutcome = { kind: 'rotated'; pair: TokenPair } | { kind: 'rejected' };

/**
 * Refresh-token rotation (simplejwt ROTATE_REFRESH_TOKENS + BLACKLIST_AFTER_ROTATION).
 * The whole rotation is one transaction: a failure anywhere leaves the old token valid,
 * and success commits the spent mark and the successor together (SECURITY.md 30).
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsRepository,
    private readonly users: UsersRepository,
    private readonly issuer: TokenIssuerService,
    private readonly verifier: TokenVerifierService,
    private readonly events: SecurityEventsService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  async rotate(refreshToken: unknown, client: ClientContext): Promise<TokenPair> {
    const claims = this.verifier.verify(refreshToken, ['refresh']);
    const outcome = await this.dataSource.transaction(async (em): Promise<RotationOutcome> => {
      const found = await this.sessions.lockForRefresh(em, claims.jti);
      const now = Date.now();
      if (!found || found.session.id !== claims.sid || found.session.revokedAt || found.session.expiresAt.getTime() <= now) {
        return { kind: 'rejected' };
      }
      const { token, session } = found;
      if (!(await this.sessions.spend(em, token.id))) {
        const spent = await this.sessions.findSpent(em, token.id);
        // RFC 9700 §4.14.2: a replayed refresh token means it leaked, so the family is revoked.
        // Within the grace window it is more likely a client that refreshed twice in parallel.
        const graceMs = this.config.refreshReuseGraceSeconds * 1000;
        if (spent && now - spent.blacklistedAt.getTime() > graceMs) {
          // Revoked and recorded in the same transaction: nothing is left to fail after the commit.
          await this.sessions.revoke([session.id], 'refresh_reuse', em);
          await this.events.record('refresh_reuse', session.userId, client, session.id, em);
          return { kind: 'rejected' };
        }
        return { kind: 'rejected' };
      }
      const user = await this.users.findById(session.userId, em);
      if (!user || !user.isActive) return { kind: 'rejected' };
      const refresh = this.issuer.issue('refresh', user.id, session.id, now);
      await this.sessions.insertToken(em, { jti: refresh.jti, sessionId: session.id, userId: user.id, expiresAt: refresh.expiresAt });
      await this.sessions.extend(em, session.id, new Date(now), refresh.expiresAt);
      return { kind: 'rotated', pair: { access: this.issuer.issue('access', user.id, session.id, now).token, refresh: refresh.token } };
    });
    if (outcome.kind === 'rotated') return outcome.pair;
    throw new TokenNotValidError();
  }
}
