import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { accountConfig } from '../../config/account.config.js';
import { NotFoundError } from '../../common/errors/app-error.js';
import { ThrottlePolicies } from '../../throttle/throttle-policies.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { MailService } from '../mail/mail.service.js';
import { emailKey, normalizeEmail } from '../users/email.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountTokensService } from './account-tokens.service.js';
import { AddressClaimService, type HolderProof } from './address-claim.service.js';

/** ACCOUNT_EMAIL_VERIFICATION: verification keys by mail, confirmation, and resending. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly tokens: AccountTokensService,
    private readonly mail: MailService,
    private readonly limits: ThrottlePolicies,
    private readonly events: SecurityEventsService,
    @Inject(accountConfig.KEY) private readonly config: ConfigType<typeof accountConfig>,
    private readonly claims: AddressClaimService,
  ) {}

  get enabled(): boolean {
    return this.config.emailVerification !== 'none';
  }

  get mandatory(): boolean {
    return this.config.emailVerification === 'mandatory';
  }

  /**
   * Queues a verification mail in the caller's transaction. The key is issued when the mail is
   * sent (AccountLinkMailComposers), never stored.
   */
  async queue(user: User): Promise<void> {
    await this.mail.enqueue(user.email, 'verify_email', { userId: user.id });
  }

  /**
   * The key proves the mailbox, not that its owner chose the password (SECURITY.md 34). Sent by
   * the account's own session or with its password, the account is kept as it is; otherwise
   * what was set up while the address was unverified is revoked (AddressClaimService).
   */
  async verify(key: unknown, client: ClientContext, holder: HolderProof = {}): Promise<void> {
    const found = await this.tokens.check(key, 'verify_email');
    if (!found) throw new NotFoundError();
    const keep = await this.claims.isAccountHolder(found.user, holder, client);
    const verified = await this.txHost.withTransaction(async () => {
      if (!(await this.tokens.spend(found.token))) return false;
      await this.tokens.spendAll(found.user.id, 'verify_email');
      const revoked = !keep && (await this.claims.claim(found.user.id, 'email_verification', client));
      await this.users.markEmailVerified(found.user.id);
      if (!revoked) await this.mail.enqueue(found.user.email, 'email_verified');
      await this.events.record('email_verified', found.user.id, client, null);
      return true;
    });
    if (!verified) throw new NotFoundError();
  }

  /**
   * Records the request before answering, whatever the address (SECURITY.md 17); the worker
   * mails a key if it belongs to an active, unverified account (AccountLinkMailComposers).
   * 503 when it cannot be recorded.
   */
  async resend(email: string): Promise<void> {
    if (!this.enabled) return;
    await this.mail.request('verify_email', normalizeEmail(email));
  }

  /** At most ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR mails of one kind to one address, however it is spelt. */
  async withinMailLimit(kind: string, email: string): Promise<boolean> {
    return (await this.limits.mailsPerAddress.take(`${kind}:${emailKey(email)}`)).allowed;
  }
}
