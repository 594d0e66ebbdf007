import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { ConfigType } from '@nestjs/config';
import { accountConfig } from '../../config/account.config.js';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import type { AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { MailService } from '../mail/mail.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { MfaRepository } from './mfa/mfa.repository.js';
import { ReauthService } from './reauth.service.js';

/** How the owner of the address proved it. */
export type AddressProof = 'provider_sign_in' | 'password_reset' | 'email_verification';

/**
 * What another module keeps for a user that a claim revokes (social: linked provider accounts and
 * pending browser sign-ins). Registered by that module at start; runs in the claim's transaction
 * and returns how many grants it revoked. Its tables stay its own: this module never names them.
 */
export interface ClaimRevocation {
  revokeForClaim(userId: string): Promise<number>;
}

/** What a verification request may show besides the key: that it comes from the account holder too. */
export interface HolderProof {
  principal?: AuthPrincipal;
  password?: string;
}

/**
 * Pre-account hijacking (Sudhodanan & Paverd, USENIX Security 2022; SECURITY.md 34). Anyone
 * can sign up with an address they do not own and keep a password, sessions, MFA or a linked
 * provider on the account until its owner arrives. So when the owner of an unverified address
 * proves it — a provider asserting the address verified, a completed password reset, or the
 * verification key used without the account's own session or password — everything set up
 * while it was unverified stops granting access, the address becomes verified, and the event
 * is audited and mailed. Every proof point calls this one service.
 */
@Injectable()
export class AddressClaimService {
  private readonly revocations: ClaimRevocation[] = [];

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly mfa: MfaRepository,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly reauth: ReauthService,
    private readonly mail: MailService,
    private readonly events: SecurityEventsService,
    @Inject(accountConfig.KEY) private readonly config: ConfigType<typeof accountConfig>,
  ) {}

  /**
   * Joins the caller's transaction (or runs in one of its own): the account row stays locked
   * until it commits, with the change that proved the address. A password reset keeps the password its owner has just chosen. Returns true
   * when anything was revoked (and the owner was told), false for an address already verified
   * or an account with nothing to revoke.
   */
  /** Adds what another module revokes at every claim (see ClaimRevocation). */
  register(revocation: ClaimRevocation): void {
    this.revocations.push(revocation);
  }

  claim(userId: string, proof: AddressProof, client: ClientContext | null): Promise<boolean> {
    return this.txHost.withTransaction(() => this.revoke(userId, proof, client));
  }

  private async revoke(userId: string, proof: AddressProof, client: ClientContext | null): Promise<boolean> {
    // Locked until commit, so two claims (or a claim and a login upgrade) queue up.
    const user = await this.users.lockForChange(userId);
    if (!user || user.emailVerified) return false;
    const password = proof !== 'password_reset' && user.passwordHash !== null;
    if (password) await this.users.removePassword(user.id);
    // With verification on, MFA needs a proven address to be turned on, so MFA on an unverified
    // account predates that rule and is treated as a squatter's. With ACCOUNT_EMAIL_VERIFICATION=none
    // no address is ever proven: MFA is the owner's, and a reset never bypasses it (SECURITY.md 20).
    // Kept, it grants nothing on its own once the password, sessions and links are gone.
    const mfa = this.config.emailVerification !== 'none' && (await this.removeMfa(user));
    let links = 0;
    for (const revocation of this.revocations) links += await revocation.revokeForClaim(user.id);
    const sessions = await this.sessions.endAllForUser(user.id, 'address_claimed');
    // The address is proven and the credentials changed: sign-ins that read the account before cannot open a session.
    await this.users.markEmailClaimed(user.id);
    if (!password && !mfa && links === 0 && sessions === 0) return false;
    await this.events.record('unverified_credentials_revoked', user.id, client, null);
    await this.mail.enqueue(user.email, 'unverified_credentials_revoked');
    return true;
  }

  /** The TOTP secret (confirmed or pending), the recovery codes and the flag; true when there was any. */
  private async removeMfa(user: User): Promise<boolean> {
    const existed = await this.mfa.deleteAll(user.id);
    await this.users.disableMfa(user.id);
    return existed || user.mfaEnabled;
  }

  /**
   * Whether a verification request also comes from whoever holds the account: one of its own
   * live sessions (the guard has already refused ended ones), or its password. A wrong password
   * is a 400 and draws on the account's login budget like every password re-entry.
   */
  async isAccountHolder(user: User, proof: HolderProof, client: ClientContext): Promise<boolean> {
    if (proof.principal?.user.id === user.id) return true;
    if (proof.password === undefined) return false;
    if (!(await this.reauth.passwordMatches(user, proof.password, client))) throw ValidationFailedError.field('password', MESSAGES.invalidPassword);
    return true;
  }
}
