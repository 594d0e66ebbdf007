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

/**
 * The verification mail, queued at signup (recipient known) or by a resend request (resolved
 * here: an active, unverified account within its mail limit, or nobody). The key is issued
 * when the mail is written and kept only as its hash (SECURITY.md 18, 35).
 */
@Injectable()
export class VerificationMailComposer implements MailComposer, OnModuleInit {
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
    this.composers.register('verify_email', this);
  }

  async resolve(address: string): Promise<MailRecipient | null> {
    if (!this.verification.enabled) return null;
    const user = await this.users.findByEmail(normalizeEmail(address));
    if (!user || !user.isActive || user.emailVerified) return null;
    if (!(await this.verification.withinMailLimit('verify', user.email))) return null;
    return { to: user.email, params: { userId: user.id } };
  }

  async compose({ to, params }: MailRecipient): Promise<RenderedMail | null> {
    const user = await this.users.findById(params.userId);
    // Verified meanwhile, or the address changed: a key for the old address would be no use.
    if (!user || !user.isActive || user.emailVerified || emailKey(user.email) !== emailKey(to)) return null;
    const key = await this.tokens.issue(this.dataSource.manager, user, 'verify_email', this.config.emailVerificationTimeout);
    return this.renderer.render('verify_email', {
      link: this.renderer.frontendLink(this.config.emailConfirmPath, { key }),
      expiresInMinutes: Math.round(this.config.emailVerificationTimeout / 60),
    });
  }
}
