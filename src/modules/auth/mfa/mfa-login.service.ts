import { Injectable } from '@nestjs/common';
import { TokenNotValidError, UserInactiveError, ValidationFailedError } from '../../../common/errors/app-error.js';
import { MESSAGES } from '../../../common/validation/messages.js';
import type { ClientContext } from '../../../common/http/client-context.js';
import { SecurityEventsService } from '../../audit/security-events.service.js';
import { TokenVerifierService } from '../../tokens/authentication/token-verifier.service.js';
import { UsersService } from '../../users/users.service.js';
import type { User } from '../../users/user.entity.js';
import { MfaRepository } from './mfa.repository.js';
import { TotpService } from './totp.service.js';

/** A second factor checked against a live ticket; SignInService spends the ticket and opens the session. */
export interface SecondFactorPassed {
  /** The user, with the credentials version the ticket was earned with: a reset or claim since then voids it. */
  user: User;
  ticketId: string;
}

/**
 * The check of the second step of a login with MFA on: the single-use ticket SignInService
 * handed out (a JWT of type `mfa`, valid as nothing else) plus a TOTP or recovery code.
 */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly mfa: MfaRepository,
    private readonly totp: TotpService,
    private readonly users: UsersService,
    private readonly verifier: TokenVerifierService,
    private readonly events: SecurityEventsService,
  ) {}

  async check(mfaToken: string, code: string, client: ClientContext): Promise<SecondFactorPassed> {
    const claims = this.verifier.verify(mfaToken, ['mfa']);
    const challenge = await this.mfa.findLiveChallenge(claims.jti, claims.sub);
    if (!challenge) throw new TokenNotValidError();
    const user = await this.users.findById(claims.sub);
    if (!user) throw new TokenNotValidError();
    if (!user.isActive) throw new UserInactiveError();
    if (!(await this.totp.verifySecondFactor(user, code))) {
      await this.events.record('login_failed', user.id, client);
      throw ValidationFailedError.field('code', MESSAGES.invalidCode);
    }
    return { user: { ...user, credentialsVersion: challenge.credentialsVersion }, ticketId: claims.jti };
  }

  /** Housekeeping: deletes up to `limit` tickets expired at `now`. An expired ticket is refused with or without its row. */
  purgeExpiredChallenges(now: Date, limit: number): Promise<number> {
    return this.mfa.deleteExpiredChallenges(now, limit);
  }
}
