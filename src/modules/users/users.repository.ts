import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { emailKey, hasValidEmailKey, isStorableEmailKey } from './email.js';
import { User } from './user.entity.js';

export type ProfileChanges = Partial<Pick<User, 'firstName' | 'lastName' | 'phone'>>;

/** A column change; `credentialsVersion` may be an SQL expression (a bump). */
export type UserChanges = { [K in keyof Omit<User, 'id' | 'email' | 'emailKey'>]?: User[K] | (() => string) };

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

/** The users table's SQL; only UsersService uses it (UsersModule does not export it). */
@Injectable()
export class UsersRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The current transaction's manager, or the global one outside a transaction. */
  private get em() {
    return this.txHost.tx;
  }

  private selectById?: string;

  /**
   * Every authenticated request loads its user, so this one lookup skips TypeORM's query
   * builder (over a third of the CPU of GET /api/me/ in a profile): the statement is built once
   * from the entity metadata, each column under its property name, and run as plain SQL.
   */
  async findById(id: string): Promise<User | null> {
    if (!this.selectById) {
      const meta = this.em.connection.getMetadata(User);
      const columns = meta.columns.map((column) => `"${column.databaseName}" AS "${column.propertyName}"`).join(', ');
      this.selectById = `SELECT ${columns} FROM "${meta.tableName}" WHERE "id" = $1`;
    }
    const rows: Record<string, unknown>[] = await this.em.query(this.selectById, [id]);
    return rows.length ? Object.assign(new User(), rows[0]) : null;
  }

  /** By emailKey only, the key every throttle uses too: any spelling that finds an account shares its budget. */
  async findByEmail(email: string): Promise<User | null> {
    const key = emailKey(email);
    if (!isStorableEmailKey(key)) return null;
    return this.em.findOne(User, { where: { emailKey: key } });
  }

  async emailExists(email: string): Promise<boolean> {
    const key = emailKey(email);
    if (!isStorableEmailKey(key)) return false;
    return this.em.exists(User, { where: { emailKey: key } });
  }

  async phoneTaken(phone: string, exceptUserId?: string): Promise<boolean> {
    const owner = await this.em.findOne(User, { where: { phone }, select: { id: true } });
    return owner !== null && owner.id !== exceptUserId;
  }

  /** The key is always derived here, never taken from the caller, so it cannot drift from the address. */
  async insert(user: Omit<Partial<User>, 'emailKey'> & Pick<User, 'id' | 'email'>): Promise<User> {
    if (!hasValidEmailKey(user.email)) throw ValidationFailedError.field('email', MESSAGES.email);
    try {
      await this.em.insert(User, { ...user, emailKey: emailKey(user.email) });
    } catch (error) {
      rethrowUnique(error);
    }
    return (await this.findById(user.id))!;
  }

  /** Any change of columns but the address and its key, which only insert() derives. */
  async update(id: string, changes: UserChanges): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    try {
      await this.em.update(User, { id }, changes);
    } catch (error) {
      rethrowUnique(error);
    }
  }

  /** Replaces a password hash only while it is still the stored one (compare-and-set). */
  async replacePasswordHash(oldHash: string, newHash: string): Promise<void> {
    await this.em.update(User, { passwordHash: oldHash }, { passwordHash: newHash });
  }

  /** The row, locked until the transaction ends: `share` lets other readers lock it too, `update` lets nobody. */
  lock(id: string, mode: 'share' | 'update'): Promise<User | null> {
    return this.em.findOne(User, { where: { id }, lock: { mode: mode === 'share' ? 'pessimistic_read' : 'pessimistic_write' } });
  }

  /** Sessions and tokens go with the user (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.em.delete(User, { id });
  }
}
