import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TokenNotValidError, UserInactiveError, ValidationFailedError } from '../../../common/errors/app-error.js';
import { MESSAGES } from '../../../common/validation/messages.js';
import type { ClientContext } from '../../../common/http/client-context.js';
import { SecurityEventsService } from '../../audit/security-events.service.js';
import { TokenVerifierService } from '../../tokens/authentication/token-verifier.service.js';
import { UsersService } from '../../users/users.service.js';
import { SignInService, type SignedIn } from '../sign-in.service.js';
import { MfaRepository } from './mfa.repository.js';
import { TotpService } from './totp.service.js';

/**
 * The second step of a login with MFA on: the single-use ticket SignInService handed out (a JWT
 * of type `mfa`, valid as nothing else) plus a TOTP or recovery code completes the sign-in.
 */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly mfa: MfaRepository,
    private readonly totp: TotpService,
    private readonly users: UsersService,
    private readonly verifier: TokenVerifierService,
    private readonly signIn: SignInService,
    private readonly events: SecurityEventsService,
  ) {}

  async complete(mfaToken: string, code: string, client: ClientContext): Promise<SignedIn> {
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
    // The ticket is spent in the sign-in's transaction, so a failed sign-in leaves it usable.
    const signedIn = await this.txHost.withTransaction(async () => {
      if (!(await this.mfa.spendChallenge(claims.jti))) return null;
      // The ticket was earned with the credentials of its time: a reset or claim since then voids it.
      return this.signIn.complete({ ...user, credentialsVersion: challenge.credentialsVersion }, client, 'mfa');
    });
    if (!signedIn) throw new TokenNotValidError();
    return signedIn;
  }
}
