import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import type { User } from './user.entity.js';
import { UsersRepository, type ProfileChanges } from './users.repository.js';
import type { PatchProfileDto } from './dto/update-profile.dto.js';

/** What a new account is created with; the address key is derived from `email`, never given. */
export type NewUser = Omit<Partial<User>, 'emailKey'> & Pick<User, 'id' | 'email'>;

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
  constructor(private readonly users: UsersRepository) {}

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

  /** Removes the account; its sessions and tokens go with it. */
  delete(id: string): Promise<void> {
    return this.users.delete(id);
  }
}
