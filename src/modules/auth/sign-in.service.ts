import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AppError, ThrottledError, TokenNotValidError, UserInactiveError, ValidationFailedError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import type { SecurityEventType } from '../audit/security-event.entity.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { MetricsService, type SignInOutcome } from '../ops/metrics.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import type { TokenPair } from '../tokens/token-claims.js';
import { TokenIssuerService } from '../tokens/token-issuer.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { MfaLoginService, type SecondFactorPassed } from './mfa/mfa-login.service.js';
import { MfaRepository } from './mfa/mfa.repository.js';

export interface SignedIn {
  tokens: TokenPair;
  user: User;
}

export interface MfaRequired {
  mfa_required: true;
  mfa_token: string;
  methods: ['totp', 'recovery_code'];
}

/**
 * How the user proved who they are, for a sign-in that starts here: a password or a provider is a
 * first factor, which the MFA gate applies to; `signup` is a brand-new account (which has no MFA).
 * The second step has its own entry, completeSecondFactor, which alone opens a session past the gate.
 */
export type SignInMethod = 'password' | 'social' | 'signup';

/** The audit event of a completed sign-in: signup keeps its own. */
const EVENTS: Record<SignInMethod | 'mfa', SecurityEventType> = { password: 'login_succeeded', social: 'login_succeeded', mfa: 'login_succeeded', signup: 'signup' };

/**
 * The metric's outcome of a second step that threw: a wrong code, a throttle, or a refusal (a dead
 * ticket, a disabled account). A failure of the service itself (503, 500) is not the attempt's.
 */
function secondStepFailure(error: unknown): SignInOutcome | null {
  if (!(error instanceof AppError) || error.status >= 500) return null;
  if (error instanceof ThrottledError) return 'throttled';
  return error instanceof ValidationFailedError ? 'failed' : 'refused';
}

/**
 * Where every sign-in ends (password login, the MFA step, social sign-in and the redirect
 * exchange, signup): the MFA gate, then in one transaction last_login, the session with its
 * first token pair (SessionsService.start: only while the credentials read are still current)
 * and the audit event; and where each is counted (auth_sign_ins_total; a wrong or throttled
 * password is counted where it is checked, AuthService). Cookies are set by SignInReplies.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly events: SecurityEventsService,
    private readonly issuer: TokenIssuerService,
    private readonly mfa: MfaRepository,
    private readonly secondFactor: MfaLoginService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Signs `user` in, as it was read when its credentials were checked. With MFA on, this only
   * earns a ticket for the second step (POST /api/auth/login/mfa/): there is no way past the gate here.
   */
  complete(user: User, client: ClientContext, method: 'signup'): Promise<SignedIn>;
  complete(user: User, client: ClientContext, method: SignInMethod): Promise<SignedIn | MfaRequired>;
  async complete(user: User, client: ClientContext, method: SignInMethod): Promise<SignedIn | MfaRequired> {
    if (!user.isActive) {
      this.metrics.signIn(method, 'refused');
      throw new UserInactiveError();
    }
    if (user.mfaEnabled) {
      if (method === 'signup') throw new Error('a new account cannot have MFA on');
      const ticket = await this.challenge(user);
      this.metrics.signIn(method, 'mfa_required');
      return ticket;
    }
    const signedIn = await this.open(user, client, method);
    this.metrics.signIn(method, 'succeeded');
    return signedIn;
  }

  /**
   * The second step: the ticket and the code are checked (MfaLoginService), then the ticket is
   * spent in the sign-in's transaction, so a failed sign-in leaves it usable. The session opens
   * only while the credentials the ticket was earned with still hold.
   */
  async completeSecondFactor(mfaToken: string, code: string, client: ClientContext): Promise<SignedIn> {
    let passed: SecondFactorPassed;
    try {
      passed = await this.secondFactor.check(mfaToken, code, client);
    } catch (error) {
      const outcome = secondStepFailure(error);
      if (outcome) this.metrics.signIn('mfa', outcome);
      throw error;
    }
    const signedIn = await this.txHost.withTransaction(async () => {
      if (!(await this.mfa.spendChallenge(passed.ticketId))) return null;
      return this.open(passed.user, client, 'mfa');
    });
    this.metrics.signIn('mfa', signedIn ? 'succeeded' : 'refused');
    if (!signedIn) throw new TokenNotValidError();
    return signedIn;
  }

  private async open(user: User, client: ClientContext, method: SignInMethod | 'mfa'): Promise<SignedIn> {
    const now = new Date();
    const tokens = await this.txHost.withTransaction(async () => {
      await this.users.recordLogin(user.id, now);
      const started = await this.sessions.start(user, client, method === 'mfa');
      await this.events.record(EVENTS[method], user.id, client, started.sessionId);
      return started;
    });
    return { tokens, user: { ...user, lastLogin: now } };
  }

  /** A five-minute, single-use ticket (a JWT of type `mfa`), bound to the credentials version the first factor was checked against. */
  private async challenge(user: User): Promise<MfaRequired> {
    const ticket = this.issuer.issue('mfa', user.id, randomUUID());
    await this.mfa.insertChallenge({ jti: ticket.jti, userId: user.id, credentialsVersion: user.credentialsVersion, expiresAt: ticket.expiresAt });
    return { mfa_required: true, mfa_token: ticket.token, methods: ['totp', 'recovery_code'] };
  }
}
