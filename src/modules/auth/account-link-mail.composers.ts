import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { accountConfig } from '../../config/account.config.js';
import { MailComposers, type MailComposer, type MailRecipient } from '../mail/mail-composer.js';
import { MailRenderer } from '../mail/mail-renderer.js';
import type { RenderedMail } from '../mail/mail-templates.js';
import { emailKey, normalizeEmail } from '../users/email.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { AccountTokenPurpose } from './account-token.entity.js';
import { AccountTokensService } from './account-tokens.service.js';
import { EmailVerificationService } from './email-verification.service.js';
import { encodeUid } from './password-reset.service.js';

/** What differs between the two mails that carry an account link. */
interface LinkMail {
  kind: AccountTokenPurpose;
  /** The per-address mail limit it draws on (ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR). */
  limit: string;
  /** Whether the account (active, at the requested address) still wants this mail. */
  wants(user: User): boolean;
  lifetimeSeconds: number;
  link(user: User, token: string): string;
}

/**
 * The password reset mail and the verification mail. A request names an address; the worker
 * resolves it here (an account that wants the mail, within its mail limit, or nobody), and the
 * token is issued only when the mail is written, so it is never stored anywhere but as its hash
 * (SECURITY.md 18, 35). A verification mail queued at signup arrives already resolved.
 */
@Injectable()
export class AccountLinkMailComposers implements OnModuleInit {
  constructor(
    private readonly composers: MailComposers,
    private readonly renderer: MailRenderer,
    private readonly users: UsersService,
    private readonly tokens: AccountTokensService,
    private readonly verification: EmailVerificationService,
    @Inject(accountConfig.KEY) private readonly config: ConfigType<typeof accountConfig>,
  ) {}

  onModuleInit(): void {
    this.composers.register(
      'password_reset',
      this.composer({
        kind: 'password_reset',
        limit: 'reset',
        wants: () => true,
        lifetimeSeconds: this.config.passwordResetTimeout,
        link: (user, token) => this.renderer.frontendLink(this.config.passwordResetPath, { uid: encodeUid(user.id), token }),
      }),
    );
    this.composers.register(
      'verify_email',
      this.composer({
        kind: 'verify_email',
        limit: 'verify',
        wants: (user) => this.verification.enabled && !user.emailVerified,
        lifetimeSeconds: this.config.emailVerificationTimeout,
        link: (_user, key) => this.renderer.frontendLink(this.config.emailConfirmPath, { key }),
      }),
    );
  }

  private composer(mail: LinkMail): MailComposer {
    return {
      resolve: async (address: string): Promise<MailRecipient | null> => {
        const user = await this.users.findByEmail(normalizeEmail(address));
        if (!user || !user.isActive || !mail.wants(user)) return null;
        if (!(await this.verification.withinMailLimit(mail.limit, user.email))) return null;
        return { to: user.email, params: { userId: user.id } };
      },
      compose: async ({ to, params }: MailRecipient): Promise<RenderedMail | null> => {
        const user = await this.users.findById(params.userId);
        // Changed meanwhile (deactivated, verified, a new address): a link for the old state would be no use, or go astray.
        if (!user || !user.isActive || !mail.wants(user) || emailKey(user.email) !== emailKey(to)) return null;
        const token = await this.tokens.issue(user, mail.kind, mail.lifetimeSeconds);
        return this.renderer.render(mail.kind, { link: mail.link(user, token), expiresInMinutes: Math.round(mail.lifetimeSeconds / 60) });
      },
    };
  }
}
