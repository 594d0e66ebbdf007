import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { UserInactiveError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import type { SecurityEventType } from '../audit/security-event.entity.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import type { TokenPair } from '../tokens/token-claims.js';
import { TokenIssuerService } from '../tokens/token-issuer.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
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
 * How the user proved who they are. A password or a provider is a first factor, which the MFA
 * gate applies to; `mfa` is the second step itself, and `signup` a brand-new account.
 */
export type SignInMethod = 'password' | 'social' | 'mfa' | 'signup';
type FirstFactor = 'password' | 'social';

/** The audit event of a completed sign-in: signup keeps its own. */
const EVENTS: Record<SignInMethod, SecurityEventType> = { password: 'login_succeeded', social: 'login_succeeded', mfa: 'login_succeeded', signup: 'signup' };

/**
 * Where every sign-in ends (password login, the MFA step, social sign-in and the redirect
 * exchange, signup): the MFA gate, then in one transaction last_login, the session with its
 * first token pair (SessionsService.start: only while the credentials read are still current)
 * and the audit event. Cookies are set by SignInReplies.
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
  ) {}

  /**
   * Signs `user` in, as it was read when its credentials were checked (for the MFA step: with
   * the credentials version of the ticket). With MFA on, a first factor only earns a ticket for
   * the second step (POST /api/auth/login/mfa/).
   */
  complete(user: User, client: ClientContext, method: 'mfa' | 'signup'): Promise<SignedIn>;
  complete(user: User, client: ClientContext, method: FirstFactor): Promise<SignedIn | MfaRequired>;
  async complete(user: User, client: ClientContext, method: SignInMethod): Promise<SignedIn | MfaRequired> {
    if (!user.isActive) throw new UserInactiveError();
    if (user.mfaEnabled && (method === 'password' || method === 'social')) return this.challenge(user);
    const now = new Date();
    const tokens = await this.txHost.withTransaction(async () => {
      await this.users.recordLogin(user.id, now);
      const started = await this.sessions.start(user, client);
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
