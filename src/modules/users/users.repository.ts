import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { emailKey, hasValidEmailKey, isStorableEmailKey } from './email.js';
import { User } from './user.entity.js';

export type ProfileChanges = Partial<Pick<User, 'firstName' | 'lastName' | 'phone'>>;

/** The admin list's orderings: each is an index scan (AddOperators), the id breaking ties so pages never overlap. */
export const USER_ORDERINGS = {
  email: 'email_key',
  date_joined: 'date_joined',
  last_login: 'last_login',
} as const;
export type UserOrdering = keyof typeof USER_ORDERINGS | `-${keyof typeof USER_ORDERINGS}`;

export interface UserQuery {
  /** Prefix of the address, a name or the phone number, any case. */
  search?: string;
  isActive?: boolean;
  isStaff?: boolean;
  emailVerified?: boolean;
  ordering: UserOrdering;
  offset: number;
  limit: number;
}

/** LIKE's wildcards and escape taken literally. */
function likePrefix(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

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

/**
 * The two statements of one page of the admin list (how many match, and the page), as
 * UsersRepository.page runs them; exported so the index test can EXPLAIN exactly these.
 */
export function userPageStatements(query: UserQuery, columns: string): Record<'count' | 'page', { sql: string; params: unknown[] }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.search) {
    const lowered = param(likePrefix(query.search.normalize('NFKC').toLowerCase()));
    // The phone as the phone field stores it: spaces, dashes, dots and brackets dropped.
    const raw = param(likePrefix(query.search.replace(/[\s().-]/g, '')));
    where.push(
      `(email_key LIKE ${lowered} OR lower(first_name) LIKE ${lowered} OR lower(last_name) LIKE ${lowered}` +
        ` OR lower(first_name || ' ' || last_name) LIKE ${lowered} OR phone LIKE ${raw})`,
    );
  }
  if (query.isActive !== undefined) where.push(`is_active = ${param(query.isActive)}`);
  if (query.isStaff !== undefined) where.push(`is_staff = ${param(query.isStaff)}`);
  if (query.emailVerified !== undefined) where.push(`email_verified = ${param(query.emailVerified)}`);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const count = { sql: `SELECT count(*) AS count FROM users ${filter}`, params: [...params] };
  const descending = query.ordering.startsWith('-');
  const column = USER_ORDERINGS[query.ordering.replace(/^-/, '') as keyof typeof USER_ORDERINGS];
  // Accounts that never signed in sort last either way (ix_users_last_login and _desc match these).
  const direction = (descending ? 'DESC' : 'ASC') + (column === 'last_login' ? ' NULLS LAST' : '');
  const sql = `SELECT ${columns} FROM users ${filter} ORDER BY ${column} ${direction}, id ${descending ? 'DESC' : 'ASC'} LIMIT ${param(query.limit)} OFFSET ${param(query.offset)}`;
  return { count, page: { sql, params } };
}

/** The users table's SQL; only UsersService uses it (UsersModule does not export it). */
@Injectable()
export class UsersRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The current transaction's manager, or the global one outside a transaction. */
  private get em() {
    return this.txHost.tx;
  }

  private columns?: string;

  /** Every column under its property name, built once from the entity metadata. */
  private get userColumns(): string {
    this.columns ??= this.em.connection
      .getMetadata(User)
      .columns.map((column) => `"${column.databaseName}" AS "${column.propertyName}"`)
      .join(', ');
    return this.columns;
  }

  /**
   * Every authenticated request loads its user, so this one lookup skips TypeORM's query
   * builder (over a third of the CPU of GET /api/me/ in a profile) and runs plain SQL.
   */
  async findById(id: string): Promise<User | null> {
    const rows: Record<string, unknown>[] = await this.em.query(`SELECT ${this.userColumns} FROM users WHERE id = $1`, [id]);
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

  /**
   * One page of accounts and how many match. The search is a prefix, any case, of the address
   * key, either name, the full name or the phone number: each has its own text_pattern_ops index,
   * so the OR is a bitmap of index scans rather than a scan of the table.
   */
  async page(query: UserQuery): Promise<{ count: number; users: User[] }> {
    const statements = userPageStatements(query, this.userColumns);
    const [{ count }]: { count: string }[] = await this.em.query(statements.count.sql, statements.count.params);
    const rows: Record<string, unknown>[] = await this.em.query(statements.page.sql, statements.page.params);
    return { count: Number(count), users: rows.map((row) => Object.assign(new User(), row)) };
  }

  /** The active superusers, locked until the transaction ends: two admins cannot each remove "the other" last one. */
  async lockActiveSuperusers(): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(`SELECT id FROM users WHERE is_superuser AND is_active ORDER BY id FOR UPDATE`);
    return rows.map((row) => row.id);
  }

  async anySuperuser(): Promise<boolean> {
    return this.em.exists(User, { where: { isSuperuser: true } });
  }

  /** Sessions and tokens go with the user (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.em.delete(User, { id });
  }
}
