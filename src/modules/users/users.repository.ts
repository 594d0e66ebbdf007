import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { emailKey, hasValidEmailKey, isStorableEmailKey } from './email.js';
import { User } from './user.entity.js';

export type ProfileChanges = Partial<Pick<User, 'firstName' | 'lastName' | 'phone'>>;

const UNIQUE_MESSAGES: Record<string, [string, string]> = {
  uq_users_email_key: ['email', MESSAGES.emailTaken],
  uq_users_phone: ['phone', MESSAGES.phoneTaken],
};

/** Turns a unique-constraint race (two signups at once) into the same 400 as the pre-check. */
function rethrowUnique(error: unknown): never {
  const driver = (error as { driverError?: { code?: string; constraint?: string } }).driverError ?? (error as { code?: string; constraint?: string });
  const mapped = driver?.code === '23505' ? UNIQUE_MESSAGES[driver.constraint ?? ''] : undefined;
  if (mapped) throw ValidationFailedError.field(mapped[0], mapped[1]);
  throw error;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private selectById?: string;

  /**
   * Every authenticated request loads its user, so this one lookup skips TypeORM's query
   * builder (over a third of the CPU of GET /api/me/ in a profile): the statement is built once
   * from the entity metadata, each column under its property name, and run as plain SQL.
   */
  async findById(id: string, em: EntityManager = this.dataSource.manager): Promise<User | null> {
    if (!this.selectById) {
      const meta = this.dataSource.getMetadata(User);
      const columns = meta.columns.map((column) => `"${column.databaseName}" AS "${column.propertyName}"`).join(', ');
      this.selectById = `SELECT ${columns} FROM "${meta.tableName}" WHERE "id" = $1`;
    }
    const rows: Record<string, unknown>[] = await em.query(this.selectById, [id]);
    return rows.length ? Object.assign(new User(), rows[0]) : null;
  }

  /** By emailKey only, the key every throttle uses too: any spelling that finds an account shares its budget. */
  async findByEmail(email: string): Promise<User | null> {
    const key = emailKey(email);
    if (!isStorableEmailKey(key)) return null;
    return this.dataSource.manager.findOne(User, { where: { emailKey: key } });
  }

  async emailExists(email: string): Promise<boolean> {
    const key = emailKey(email);
    if (!isStorableEmailKey(key)) return false;
    return this.dataSource.manager.exists(User, { where: { emailKey: key } });
  }

  async phoneTaken(phone: string, exceptUserId?: string): Promise<boolean> {
    const owner = await this.dataSource.manager.findOne(User, { where: { phone }, select: { id: true } });
    return owner !== null && owner.id !== exceptUserId;
  }

  /** The key is always derived here, never taken from the caller, so it cannot drift from the address. */
  async insert(em: EntityManager, user: Omit<Partial<User>, 'emailKey'> & Pick<User, 'id' | 'email'>): Promise<User> {
    if (!hasValidEmailKey(user.email)) throw ValidationFailedError.field('email', MESSAGES.email);
    try {
      await em.insert(User, { ...user, emailKey: emailKey(user.email) });
    } catch (error) {
      rethrowUnique(error);
    }
    return (await this.findById(user.id, em))!;
  }

  async updateProfile(id: string, changes: ProfileChanges): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    try {
      await this.dataSource.manager.update(User, { id }, changes);
    } catch (error) {
      rethrowUnique(error);
    }
  }

  async recordLogin(id: string, at: Date, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.update(User, { id }, { lastLogin: at });
  }

  /** A new password: a change of credentials, so sign-ins that read the old ones cannot open a session. */
  async setPasswordHash(id: string, passwordHash: string, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.update(User, { id }, { passwordHash, credentialsVersion: () => 'credentials_version + 1' });
  }

  /** Replaces a password hash only while it is still the stored one (compare-and-set). */
  async replacePasswordHash(oldHash: string, newHash: string): Promise<void> {
    await this.dataSource.manager.update(User, { passwordHash: oldHash }, { passwordHash: newHash });
  }

  async setMfaEnabled(id: string, enabled: boolean, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.update(User, { id }, { mfaEnabled: enabled });
  }

  async markEmailVerified(id: string, em: EntityManager = this.dataSource.manager): Promise<void> {
    await em.update(User, { id }, { emailVerified: true });
  }

  /** Sessions and tokens go with the user (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.dataSource.manager.delete(User, { id });
  }
}
