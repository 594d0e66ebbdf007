import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TokenNotValidError, UserInactiveError, ValidationFailedError } from '../../../common/errors/app-error.js';
import { MESSAGES } from '../../../common/validation/messages.js';
import type { ClientContext } from '../../../common/http/client-context.js';
import { SecurityEventsService } from '../../audit/security-events.service.js';
import { SessionsService } from '../../tokens/sessions.service.js';
import { TokenIssuerService } from '../../tokens/token-issuer.service.js';
import { TokenVerifierService } from '../../tokens/token-verifier.service.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';
import type { SignedIn } from '../auth.service.js';
import { MfaRepository } from './mfa.repository.js';
import { TotpService } from './totp.service.js';
import { randomUUID } from 'node:crypto';

export interface MfaRequired {
  mfa_required: true;
  mfa_token: string;
  methods: ['totp', 'recovery_code'];
}

/**
 * The second step of a login with MFA on: a five-minute, single-use ticket (a JWT of type
 * `mfa`, valid as nothing else) plus a TOTP or recovery code gives the token pair.
 */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly mfa: MfaRepository,
    private readonly totp: TotpService,
    private readonly users: UsersService,
    private readonly issuer: TokenIssuerService,
    private readonly verifier: TokenVerifierService,
    private readonly sessions: SessionsService,
    private readonly events: SecurityEventsService,
  ) {}

  async challenge(user: User): Promise<MfaRequired> {
    const ticket = this.issuer.issue('mfa', user.id, randomUUID());
    await this.mfa.insertChallenge({ jti: ticket.jti, userId: user.id, credentialsVersion: user.credentialsVersion, expiresAt: ticket.expiresAt });
    return { mfa_required: true, mfa_token: ticket.token, methods: ['totp', 'recovery_code'] };
  }

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
    const now = new Date();
    const tokens = await this.txHost.withTransaction(async () => {
      if (!(await this.mfa.spendChallenge(claims.jti))) return null;
      await this.users.recordLogin(user.id, now);
      // The ticket was earned with the credentials of its time: a reset or claim since then voids it.
      const started = await this.sessions.start({ ...user, credentialsVersion: challenge.credentialsVersion }, client);
      await this.events.record('login_succeeded', user.id, client, started.sessionId);
      return started;
    });
    if (!tokens) throw new TokenNotValidError();
    return { tokens, user: { ...user, lastLogin: now } };
  }
}
