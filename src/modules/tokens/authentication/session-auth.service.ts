import { Injectable } from '@nestjs/common';
import { TokenNotValidError } from '../../../common/errors/app-error.js';
import type { User } from '../../users/user.entity.js';
import { SessionsRepository } from '../sessions.repository.js';
import type { TokenClaims } from '../token-claims.js';
import { TokenVerifierService } from './token-verifier.service.js';

/**
 * Holds a verified token against the database: its session must exist, belong to the token's
 * user, and be neither revoked nor expired. The database is the one record of revocation, so
 * no cache (and no Redis outage) can tell one instance a session lives that another ended.
 */
@Injectable()
export class SessionAuthService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly verifier: TokenVerifierService,
  ) {}

  /** The user of the access token's live session, in one round trip; whether the user is active is the caller's to check. */
  async liveSessionUser(claims: TokenClaims): Promise<{ user: User; secondFactor: boolean }> {
    const found = await this.sessions.findLiveSessionUser(claims.sid, claims.sub);
    if (!found) throw new TokenNotValidError();
    return found;
  }

  /** POST /api/token/verify/: an access or refresh token of a live session of an active user; a refresh token also unspent. */
  async verify(token: unknown): Promise<void> {
    const claims = this.verifier.verify(token, ['access', 'refresh']);
    const usable = await this.sessions.isUsable(claims.sid, claims.sub, claims.token_type === 'refresh' ? claims.jti : null);
    if (!usable) throw new TokenNotValidError();
  }
}
