import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource, type EntityManager } from 'typeorm';
import { accountConfig } from '../../config/account.config.js';
import { BackgroundTasks } from '../../common/background-tasks.js';
import { NotFoundError } from '../../common/errors/app-error.js';
import { ThrottlePolicies } from '../../throttle/throttle-policies.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { MailService } from '../mail/mail.service.js';
import { emailKey, normalizeEmail } from '../users/email.js';
import type { User } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { AccountTokensService } from './account-tokens.service.js';

/** ACCOUNT_EMAIL_VERIFICATION: verification keys by mail, confirmation, and resending. */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly tokens: AccountTokensService,
    private readonly mail: MailService,
    private readonly limits: ThrottlePolicies,
    private readonly background: BackgroundTasks,
    private readonly events: SecurityEventsService,
    @Inject(accountConfig.KEY) private readonly config: ConfigType<typeof accountConfig>,
  ) {}

  get enabled(): boolean {
    return this.config.emailVerification !== 'none';
  }

  get mandatory(): boolean {
    return this.config.emailVerification === 'mandatory';
  }

  /** Queues a verification mail in the caller's transaction; the caller flushes the mail after commit. */
  async queue(em: EntityManager, user: User): Promise<void> {
    const key = await this.tokens.issue(em, user, 'verify_email', this.config.emailVerificationTimeout);
    await this.mail.enqueue(em, user.email, 'verify_email', {
      link: this.mail.frontendLink(this.config.emailConfirmPath, { key }),
      expiresInMinutes: Math.round(this.config.emailVerificationTimeout / 60),
    });
  }

  async verify(key: unknown, client: ClientContext): Promise<void> {
    const found = await this.tokens.check(key, 'verify_email');
    if (!found) throw new NotFoundError();
    const verified = await this.dataSource.transaction(async (em) => {
      if (!(await this.tokens.spend(em, found.token))) return false;
      await this.tokens.spendAll(em, found.user.id, 'verify_email');
      await this.users.markEmailVerified(found.user.id, em);
      await this.mail.enqueue(em, found.user.email, 'email_verified');
      await this.events.record('email_verified', found.user.id, client, null, em);
      return true;
    });
    if (!verified) throw new NotFoundError();
    this.mail.flush();
  }

  /** Answers at once whatever the address; the lookup and the mail happen afterwards. */
  resend(email: string): void {
    if (!this.enabled) return;
    this.background.run('resend-verification', async () => {
      const user = await this.users.findByEmail(normalizeEmail(email));
      if (!user || !user.isActive || user.emailVerified) return;
      if (!(await this.withinMailLimit('verify', user.email))) return;
      await this.dataSource.transaction((em) => this.queue(em, user));
      this.mail.flush();
    });
  }

  /** At most ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR mails of one kind to one address, however it is spelt. */
  async withinMailLimit(kind: string, email: string): Promise<boolean> {
    return (await this.limits.mailsPerAddress.take(`${kind}:${emailKey(email)}`)).allowed;
  }
}
