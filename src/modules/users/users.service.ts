import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import type { User } from './user.entity.js';
import { UsersRepository, type ProfileChanges, type UserQuery } from './users.repository.js';
import type { PatchProfileDto } from './dto/update-profile.dto.js';

/** What a new account is created with; the address key is derived from `email`, never given. */
export type NewUser = Omit<Partial<User>, 'emailKey'> & Pick<User, 'id' | 'email'>;

/** What staff may change of an account (is_staff and is_superuser only a superuser: AdminUsersService). */
export type AdminChanges = Partial<Pick<User, 'firstName' | 'lastName' | 'phone' | 'emailVerified' | 'isActive' | 'isStaff' | 'isSuperuser'>>;

export const LAST_SUPERUSER = 'This is the last active superuser: it cannot be deactivated, demoted or deleted. Make another account a superuser first.';

/** The account's row, share-locked: what a sign-in checks before it opens a session. */
export interface CredentialsState {
  isActive: boolean;
  credentialsVersion: number;
}

/**
 * The one owner of the users table: every other module reads and changes accounts through these
 * methods, each named for what happens to the account. Those that change credentials (password,
 * proven address) bump credentials_version, so a sign-in that read the account before cannot
 * open a session (SessionsService.start). All join the caller's transaction when there is one.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersRepository,
  ) {}

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  /** By the address's canonical key (emailKey): any spelling that finds the account. */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email);
  }

  emailExists(email: string): Promise<boolean> {
    return this.users.emailExists(email);
  }

  phoneTaken(phone: string): Promise<boolean> {
    return this.users.phoneTaken(phone);
  }

  /** A new account (signup, or a first sign-in through a provider); 400 when the address or phone is taken. */
  register(user: NewUser): Promise<User> {
    return this.users.insert(user);
  }

  /** `user` is the active user the authentication step loaded for this request. */
  async updateProfile(user: User, dto: PatchProfileDto): Promise<User> {
    const changes: ProfileChanges = {};
    if (dto.first_name !== undefined) changes.firstName = dto.first_name;
    if (dto.last_name !== undefined) changes.lastName = dto.last_name;
    if (dto.phone !== undefined) {
      if (dto.phone !== null && (await this.users.phoneTaken(dto.phone, user.id))) {
        throw ValidationFailedError.field('phone', MESSAGES.phoneTaken);
      }
      changes.phone = dto.phone;
    }
    await this.users.update(user.id, changes);
    return { ...user, ...changes };
  }

  recordLogin(id: string, at: Date): Promise<void> {
    return this.users.update(id, { lastLogin: at });
  }

  /** A new password (change or reset): a change of credentials. */
  setPassword(id: string, passwordHash: string): Promise<void> {
    return this.users.update(id, { passwordHash, credentialsVersion: () => 'credentials_version + 1' });
  }

  /** The same password under a new hash (stronger parameters, normalised form): not a change of credentials, and only while `oldHash` is still stored. */
  rehashPassword(oldHash: string, newHash: string): Promise<void> {
    return this.users.replacePasswordHash(oldHash, newHash);
  }

  /** The owner of the address proved it: what a squatter set up goes (AddressClaimService); the password is removed. */
  removePassword(id: string): Promise<void> {
    return this.users.update(id, { passwordHash: null });
  }

  enableMfa(id: string): Promise<void> {
    return this.users.update(id, { mfaEnabled: true });
  }

  disableMfa(id: string): Promise<void> {
    return this.users.update(id, { mfaEnabled: false });
  }

  /** Verified by its holder: the account is kept as it is. */
  markEmailVerified(id: string): Promise<void> {
    return this.users.update(id, { emailVerified: true });
  }

  /** Verified by a claim of the address (AddressClaimService): the credentials changed too. */
  markEmailClaimed(id: string): Promise<void> {
    return this.users.update(id, { emailVerified: true, credentialsVersion: () => 'credentials_version + 1' });
  }

  /** The account's active superusers, locked until the caller's transaction ends: the first lock of every change of roles. */
  lockActiveSuperusers(): Promise<string[]> {
    return this.users.lockActiveSuperusers();
  }

  /** The account row, share-locked: it cannot change until the caller's transaction ends. */
  lockToRead(id: string): Promise<User | null> {
    return this.users.lock(id, 'share');
  }

  /** The account row, locked against any other change until the caller's transaction ends. */
  lockForChange(id: string): Promise<User | null> {
    return this.users.lock(id, 'update');
  }

  /**
   * The account's state, share-locked until the caller's transaction ends: a concurrent change
   * of credentials waits for it, or has committed and is seen here.
   */
  async lockCredentials(id: string): Promise<CredentialsState | null> {
    const user = await this.users.lock(id, 'share');
    return user ? { isActive: user.isActive, credentialsVersion: user.credentialsVersion } : null;
  }

  /**
   * Removes the account; its sessions and tokens go with it. Never the last active superuser,
   * however asked (admin, CLI or DELETE /api/me/). `authorize` sees the locked row first; the
   * account removed, or null when there was none.
   */
  delete(id: string, authorize: (user: User) => void = () => {}): Promise<User | null> {
    return this.txHost.withTransaction(async () => {
      await this.keepLastSuperuser(id, false);
      const user = await this.users.lock(id, 'update');
      if (!user) return null;
      authorize(user);
      await this.users.delete(id);
      return user;
    });
  }

  /** The admin list: one page of the accounts matching the query, and how many match. */
  page(query: UserQuery): Promise<{ count: number; users: User[] }> {
    return this.users.page(query);
  }

  anySuperuser(): Promise<boolean> {
    return this.users.anySuperuser();
  }

  /**
   * An operator's change of an account, in one transaction with the row locked: the account as
   * changed, or null when there is none; `authorize` sees the locked row first. A superuser is always staff too, and the last active
   * superuser stays one (keepLastSuperuser).
   */
  changeByAdmin(id: string, changes: AdminChanges, authorize: (before: User) => void): Promise<{ before: User; after: User } | null> {
    return this.txHost.withTransaction(async () => {
      const roles = changes.isActive !== undefined || changes.isStaff !== undefined || changes.isSuperuser !== undefined;
      // The superusers are locked before the account, the same order every such change takes.
      const superusers = roles ? await this.users.lockActiveSuperusers() : [];
      const before = await this.users.lock(id, 'update');
      if (!before) return null;
      authorize(before);
      const after = { ...before, ...changes };
      if (after.isSuperuser && !after.isStaff) throw ValidationFailedError.field(changes.isStaff === false ? 'is_staff' : 'is_superuser', MESSAGES.superuserIsStaff);
      if (roles && superusers.length === 1 && superusers[0] === id && !(after.isActive && after.isSuperuser)) {
        throw ValidationFailedError.field('non_field_errors', LAST_SUPERUSER);
      }
      if (changes.phone && (await this.users.phoneTaken(changes.phone, id))) throw ValidationFailedError.field('phone', MESSAGES.phoneTaken);
      await this.users.update(id, changes);
      return { before, after };
    });
  }

  /** 400 when `id` is the only active superuser and would stop being one; joins the caller's transaction. */
  private async keepLastSuperuser(id: string, remainsSuperuser: boolean): Promise<void> {
    const superusers = await this.users.lockActiveSuperusers();
    if (!remainsSuperuser && superusers.length === 1 && superusers[0] === id) throw ValidationFailedError.field('non_field_errors', LAST_SUPERUSER);
  }
}
