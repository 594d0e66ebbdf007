import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { MailService } from '../mail/mail.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import { normalizeEmail } from '../users/email.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountTokensService } from './account-tokens.service.js';
import { AddressClaimService } from './address-claim.service.js';
import { checkNewPassword } from './password-policy.js';
import { PasswordService } from './password.service.js';

/** A bad uid and a bad token answer alike, so neither can be probed on its own (SECURITY.md 18). */
const INVALID_LINK = () => ValidationFailedError.field('token', MESSAGES.invalidLink);

export function encodeUid(userId: string): string {
  return Buffer.from(userId, 'utf8').toString('base64url');
}

function decodeUid(uid: string): string | undefined {
  const decoded = Buffer.from(uid, 'base64url').toString('utf8');
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(decoded) ? decoded : undefined;
}

/** Password reset by mailed link: request (enumeration-safe) and confirm (ends every session). */
@Injectable()
export class PasswordResetService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly tokens: AccountTokensService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    private readonly events: SecurityEventsService,
    private readonly claims: AddressClaimService,
  ) {}

  /**
   * Records the request before answering, whatever the address (SECURITY.md 17): the worker
   * looks the address up and mails a link if it belongs to an active account (AccountLinkMailComposers).
   * 503 when it cannot be recorded.
   */
  async request(email: string): Promise<void> {
    await this.mail.request('password_reset', normalizeEmail(email));
  }

  /**
   * An operator's reset (admin API): the mail is queued for the known account, resolved already,
   * so it does not draw on the address's public mail limit, which anyone can spend; the link is
   * made when it is sent, as for any reset.
   */
  async sendFor(user: User): Promise<void> {
    await this.mail.enqueue(user.email, 'password_reset', { userId: user.id });
  }

  async confirm(uid: string, token: string, password: string, confirmation: string, client: ClientContext): Promise<void> {
    const userId = decodeUid(uid);
    const found = userId ? await this.tokens.check(token, 'password_reset', userId) : null;
    if (!found) throw INVALID_LINK();
    const { user } = found;
    const problems = checkNewPassword(password, confirmation, { email: user.email, first_name: user.firstName, last_name: user.lastName });
    if (problems.length) throw new ValidationFailedError({ new_password2: problems });

    const passwordHash = await this.passwords.hash(password);
    const reset = await this.txHost.withTransaction(async () => {
      if (!(await this.tokens.spend(found.token))) return false;
      await this.tokens.spendAll(user.id, 'password_reset');
      await this.users.setPassword(user.id, passwordHash);
      await this.mail.enqueue(user.email, 'password_reset_done');
      await this.events.record('password_reset', user.id, client, null);
      // The reset proved the mailbox: on an unverified account, MFA and linked providers set up
      // before go too (the new password stays, its owner just chose it).
      await this.claims.claim(user.id, 'password_reset', client);
      // SECURITY.md 15: a reset ends every session, including any an attacker holds, in the same
      // commit as the new password, so no failure after it can leave them alive.
      await this.sessions.endAllForUser(user.id, 'password_reset');
      return true;
    });
    if (!reset) throw INVALID_LINK();
  }
}
