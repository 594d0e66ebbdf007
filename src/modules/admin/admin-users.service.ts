import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError, PermissionDeniedError, ValidationFailedError } from '../../common/errors/app-error.js';
import type { AdminActor } from '../audit/security-events.service.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import type { SecurityEvent } from '../audit/security-event.entity.js';
import { LoginThrottleService } from '../auth/login-throttle.service.js';
import { MfaAdminService, type MfaState } from '../auth/mfa/mfa-admin.service.js';
import { PasswordResetService } from '../auth/password-reset.service.js';
import type { SocialAccount } from '../social/social-account.entity.js';
import { SocialService } from '../social/social.service.js';
import type { Session } from '../tokens/session.entity.js';
import { SessionsService } from '../tokens/sessions.service.js';
import type { User } from '../users/user.entity.js';
import type { UserQuery } from '../users/users.repository.js';
import { UsersService, type AdminChanges } from '../users/users.service.js';

export interface AdminUserDetail {
  user: User;
  sessions: Session[];
  socialAccounts: SocialAccount[];
  mfa: MfaState;
  events: SecurityEvent[];
}

/** The columns an admin change may touch, under the names the API and the audit log use. */
const FIELDS: Record<keyof AdminChanges, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  emailVerified: 'email_verified',
  isActive: 'is_active',
  isStaff: 'is_staff',
  isSuperuser: 'is_superuser',
};

const NOT_SUPERUSER_ROLES = 'Only a superuser may grant or remove staff and superuser rights.';
const NOT_SUPERUSER_STAFF = 'Only a superuser may change another staff account.';
const OWN_MFA = 'Turn off your own MFA with /api/auth/mfa/totp/disable/ (it asks for a code or your password).';

/**
 * What operators do to accounts, from the admin API and the CLI alike (the CLI acts with a
 * superuser's rights and no user). Each action runs in one transaction with its audit event
 * (actor, target, change), so an action is on record exactly when it happened.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottleService,
    private readonly resets: PasswordResetService,
    private readonly mfa: MfaAdminService,
    private readonly social: SocialService,
    private readonly events: SecurityEventsService,
  ) {}

  list(query: UserQuery): Promise<{ count: number; users: User[] }> {
    return this.users.page(query);
  }

  async detail(id: string): Promise<AdminUserDetail> {
    const user = await this.find(id);
    const [sessions, socialAccounts, mfa, events] = await Promise.all([this.sessions.list(id), this.social.list(id), this.mfa.state(user), this.events.about(id)]);
    return { user, sessions, socialAccounts, mfa, events };
  }

  /** Deactivating ends every session in the same commit; the authentication step refuses the account's tokens from then on, on every instance. */
  update(actor: AdminActor, id: string, changes: AdminChanges): Promise<User> {
    return this.txHost.withTransaction(async () => {
      const now = await this.actingNow(actor);
      if ((changes.isStaff !== undefined || changes.isSuperuser !== undefined) && now.user && !now.user.isSuperuser) {
        throw new PermissionDeniedError(NOT_SUPERUSER_ROLES);
      }
      const changed = await this.users.changeByAdmin(id, changes, (before) => this.mayWrite(now, before));
      if (!changed) throw new NotFoundError();
      const { before, after } = changed;
      const diff: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(FIELDS) as [keyof AdminChanges, string][]) {
        if (changes[key] !== undefined && before[key] !== after[key]) diff[field] = [before[key], after[key]];
      }
      if (before.isActive && !after.isActive) {
        const ended = await this.sessions.endAllForUser(id, 'user_deactivated');
        if (ended) diff.sessions_ended = ended;
      }
      if (Object.keys(diff).length) await this.events.recordAdmin('admin_user_changed', now, id, diff);
      return after;
    });
  }

  delete(actor: AdminActor, id: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const now = await this.actingNow(actor);
      const user = await this.users.delete(id, (target) => this.mayWrite(now, target));
      if (!user) throw new NotFoundError();
      await this.events.recordAdmin('admin_user_deleted', actor, id, { email: user.email });
    });
  }

  /** Ends every session of the account; how many there were. */
  endSessions(actor: AdminActor, id: string): Promise<number> {
    return this.txHost.withTransaction(async () => {
      await this.writable(actor, id);
      const ended = await this.sessions.endAllForUser(id, 'ended_by_admin');
      await this.events.recordAdmin('admin_sessions_ended', actor, id, { sessions_ended: ended });
      return ended;
    });
  }

  /** Clears the account's login, re-authentication and second-factor throttles. */
  unlock(actor: AdminActor, id: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const user = await this.writable(actor, id);
      await this.throttle.unlock(user.email, user.id);
      await this.events.recordAdmin('admin_throttles_cleared', actor, id);
    });
  }

  /** Queues the same reset mail as "forgot password" (its link, its expiry); 400 for a disabled account, which could not use it. */
  sendPasswordReset(actor: AdminActor, id: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const user = await this.writable(actor, id);
      if (!user.isActive) throw ValidationFailedError.field('non_field_errors', 'The account is disabled: activate it before sending a reset.');
      await this.resets.sendFor(user);
      await this.events.recordAdmin('admin_password_reset_sent', actor, id);
    });
  }

  /** Turns MFA off after an identity check done elsewhere; the user is told by mail. 400 when it is off. */
  resetMfa(actor: AdminActor, id: string): Promise<void> {
    return this.txHost.withTransaction(async () => {
      const user = await this.writable(actor, id);
      // Not one's own: turning off one's own second factor asks for a code or the password (SECURITY.md 20).
      if (actor.user?.id === user.id) throw new PermissionDeniedError(OWN_MFA);
      if (!(await this.mfa.reset(user))) throw ValidationFailedError.field('non_field_errors', 'MFA is not enabled.');
      await this.events.recordAdmin('admin_mfa_reset', actor, id, { mfa_enabled: [true, false] });
    });
  }

  private async find(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError();
    return user;
  }

  /**
   * The actor as the database has it now, its row locked until the transaction ends: a staff
   * member demoted or deactivated while its request waited for a lock cannot finish the change
   * with the rights it was authenticated with. The superusers are locked first, as every change
   * of roles locks them, so admin writes take their locks in one order (no deadlock).
   */
  private async actingNow(actor: AdminActor): Promise<AdminActor> {
    if (!actor.user) return actor;
    await this.users.lockActiveSuperusers();
    const user = await this.users.lockToRead(actor.user.id);
    if (!user || !user.isActive || !user.isStaff) throw new PermissionDeniedError();
    return { ...actor, user };
  }

  /** The account, locked for the rest of the transaction, once the actor (as it is now) may change it; `actor` is replaced by its current state. */
  private async writable(actor: AdminActor, id: string): Promise<User> {
    const now = await this.actingNow(actor);
    const user = await this.users.lockForChange(id);
    if (!user) throw new NotFoundError();
    this.mayWrite(now, user);
    return user;
  }

  /** Staff may change ordinary accounts and their own; other staff accounts only a superuser (or the CLI). */
  private mayWrite(actor: AdminActor, target: User): void {
    if (actor.user && target.isStaff && target.id !== actor.user.id && !actor.user.isSuperuser) throw new PermissionDeniedError(NOT_SUPERUSER_STAFF);
  }
}
