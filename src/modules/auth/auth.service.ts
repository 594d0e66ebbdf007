import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AuthenticationFailedError, EmailNotVerifiedError, ThrottledError, UserInactiveError, ValidationFailedError, type FieldErrors } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { normalizeEmail } from '../users/email.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { MetricsService } from '../ops/metrics.service.js';
import { EmailVerificationService } from './email-verification.service.js';
import { LoginThrottleService, type PasswordAttempt } from './login-throttle.service.js';
import { checkPassword, normalizePassword } from './password-policy.js';
import { PasswordService } from './password.service.js';
import type { SignupDto } from './dto/signup.dto.js';
import { SignInService, type SignedIn } from './sign-in.service.js';

/** Signup's outcome: signed in, or (mandatory verification) waiting for the e-mail to be confirmed. */
export type SignedUp = SignedIn | { tokens: null; user: User };

/** Sign-up and the password check: the email/password half of authentication (SignInService completes the sign-in). */
@Injectable()
export class AuthService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly throttle: LoginThrottleService,
    private readonly verification: EmailVerificationService,
    private readonly events: SecurityEventsService,
    private readonly signIn: SignInService,
    private readonly metrics: MetricsService,
  ) {}

  async signup(dto: SignupDto, client: ClientContext): Promise<SignedUp> {
    const email = normalizeEmail(dto.email);
    const errors: FieldErrors = {};
    if (await this.users.emailExists(email)) errors.email = [MESSAGES.emailTaken];
    const problems = checkPassword(dto.password, { email, first_name: dto.first_name, last_name: dto.last_name });
    if (problems.length) errors.password = problems;
    if (normalizePassword(dto.password) !== normalizePassword(dto.password_confirm)) errors.password_confirm = [MESSAGES.passwordsDiffer];
    if (dto.phone && (await this.users.phoneTaken(dto.phone))) errors.phone = [MESSAGES.phoneTaken];
    if (Object.keys(errors).length) throw new ValidationFailedError(errors);

    const passwordHash = await this.passwords.hash(dto.password);
    const now = new Date();
    const mandatory = this.verification.mandatory;
    return this.txHost.withTransaction(async () => {
      const user = await this.users.register({
        id: randomUUID(),
        email,
        passwordHash,
        firstName: dto.first_name ?? '',
        lastName: dto.last_name ?? '',
        phone: dto.phone ?? null,
        dateJoined: now,
      });
      if (this.verification.enabled) await this.verification.queue(user);
      // Mandatory verification: no session until the address is confirmed, and signup is audited as such.
      if (!mandatory) return this.signIn.complete(user, client, 'signup');
      await this.events.record('signup', user.id, client, null);
      return { user, tokens: null };
    });
  }

  /**
   * Exactly one argon2 verification whatever the account's state, so the time and the 401
   * body are the same for an unknown email, a social-only user and a wrong password.
   * Only a caller who knows the password learns that the account is disabled.
   */
  async validateCredentials(email: string, password: string, client: ClientContext): Promise<User> {
    let attempt: PasswordAttempt;
    try {
      attempt = await this.throttle.reserve(email, client.ip);
    } catch (error) {
      if (error instanceof ThrottledError) {
        this.metrics.signIn('password', 'throttled');
        await this.events.record('login_throttled', null, client);
      }
      throw error;
    }
    const user = await this.users.findByEmail(normalizeEmail(email));
    const ok = user?.passwordHash ? await this.passwords.verify(user.passwordHash, password) : await this.passwords.verifyDummy(password);
    if (!user || !ok) {
      this.metrics.signIn('password', 'failed');
      await this.events.record('login_failed', user?.id ?? null, client);
      throw new AuthenticationFailedError();
    }
    await attempt.succeeded();
    const refusal = !user.isActive ? new UserInactiveError() : this.verification.mandatory && !user.emailVerified ? new EmailNotVerifiedError() : null;
    if (refusal) {
      this.metrics.signIn('password', 'refused');
      throw refusal;
    }
    if (this.passwords.needsRehash(user.passwordHash!)) {
      // The same password under new parameters: not a change of credentials.
      await this.users.rehashPassword(user.passwordHash!, await this.passwords.hash(password));
    }
    return user;
  }
}
