import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { accountConfig } from '../../config/account.config.js';
import { MailComposers, type MailComposer, type MailRecipient } from '../mail/mail-composer.js';
import { MailRenderer } from '../mail/mail-renderer.js';
import type { RenderedMail } from '../mail/mail-templates.js';
import { emailKey, normalizeEmail } from '../users/email.js';
import { UsersRepository } from '../users/users.repository.js';
import { AccountTokensService } from './account-tokens.service.js';
import { EmailVerificationService } from './email-verification.service.js';
import { encodeUid } from './password-reset.service.js';

/**
 * The password reset mail. The request names an address; the worker resolves it here (an
 * active account within its mail limit, or nobody) and the token is issued only when the mail
 * is written, so it is never stored anywhere but as its hash (SECURITY.md 18, 35).
 */
@Injectable()
export class ResetMailComposer implements MailComposer, OnModuleInit {
  constructor(
    private readonly composers: MailComposers,
    private readonly renderer: MailRenderer,
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly tokens: AccountTokensService,
    private readonly verification: EmailVerificationService,
    @Inject(accountConfig.KEY) private readonly config: ConfigType<typeof accountConfig>,
  ) {}

  onModuleInit(): void {
    this.composers.register('password_reset', this);
  }

  async resolve(address: string): Promise<MailRecipient | null> {
    const user = await this.users.findByEmail(normalizeEmail(address));
    if (!user || !user.isActive) return null;
    if (!(await this.verification.withinMailLimit('reset', user.email))) return null;
    return { to: user.email, params: { userId: user.id } };
  }

  async compose({ to, params }: MailRecipient): Promise<RenderedMail | null> {
    const user = await this.users.findById(params.userId);
    // An account whose address changed since the request: its link never goes to the old address.
    if (!user || !user.isActive || emailKey(user.email) !== emailKey(to)) return null;
    const token = await this.tokens.issue(this.dataSource.manager, user, 'password_reset', this.config.passwordResetTimeout);
    return this.renderer.render('password_reset', {
      link: this.renderer.frontendLink(this.config.passwordResetPath, { uid: encodeUid(user.id), token }),
      expiresInMinutes: Math.round(this.config.passwordResetTimeout / 60),
    });
  }
}
