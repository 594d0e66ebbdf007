import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { ClientContext } from '../../common/http/client-context.js';
import { In } from 'typeorm';
import type { User } from '../users/user.entity.js';
import { SecurityEvent, type SecurityEventType } from './security-event.entity.js';

export type AdminEventType = Extract<SecurityEventType, `admin_${string}`>;

/** Who acts on an account as an operator: a staff member over the admin API, or the CLI (no user). */
export interface AdminActor {
  user: User | null;
  client: ClientContext | null;
}

export interface EventQuery {
  user?: string;
  type?: SecurityEventType;
  since?: Date;
  until?: Date;
  offset: number;
  limit: number;
}

/** Writes the audit log and mirrors each event to the structured log. */
@Injectable()
export class SecurityEventsService {
  private readonly logger = new Logger('Security');

  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** In the caller's transaction when there is one, so the event exists exactly when what it records was committed. */
  async record(event: SecurityEventType, userId: string | null, client: ClientContext | null, sessionId: string | null = null): Promise<void> {
    this.logger.log({ event, userId, sessionId, ip: client?.ip ?? null }, `security event: ${event}`);
    await this.txHost.tx.insert(SecurityEvent, {
      id: randomUUID(),
      userId,
      event,
      ip: client?.ip ?? null,
      userAgent: client?.userAgent?.slice(0, 512) ?? null,
      sessionId,
    });
  }

  /**
   * What an operator did to an account: who (null for the CLI), to whom, what changed. The target
   * is kept in target_id, which outlives the account, so a deletion stays on record. Without a
   * user the actor is the CLI (`via: "cli"`), unless the caller names another way in: the
   * superuser bootstrap at start says `via: "bootstrap"`.
   */
  async recordAdmin(event: AdminEventType, actor: AdminActor, targetId: string, details: Record<string, unknown> = {}): Promise<void> {
    const actorId = actor.user?.id ?? null;
    const recorded = { ...(actor.user ? {} : { via: 'cli' }), ...details };
    this.logger.log({ event, actorId, targetId, details: recorded, ip: actor.client?.ip ?? null }, `security event: ${event}`);
    await this.txHost.tx.insert(SecurityEvent, {
      id: randomUUID(),
      userId: null,
      actorId,
      targetId,
      details: recorded,
      event,
      ip: actor.client?.ip ?? null,
      userAgent: actor.client?.userAgent?.slice(0, 512) ?? null,
      sessionId: null,
    });
  }

  /** The user's own events, newest first (GET /api/auth/events/). */
  recent(userId: string, limit = 50): Promise<SecurityEvent[]> {
    return this.txHost.tx.find(SecurityEvent, { where: { userId }, order: { createdAt: 'DESC' }, take: limit });
  }

  /**
   * The audit log, newest first: `user` matches the account an event is about (its own events
   * and admin actions on it) or the staff member who acted.
   */
  async page(query: EventQuery): Promise<{ count: number; events: SecurityEvent[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.user) {
      const user = param(query.user);
      where.push(`(user_id = ${user} OR target_id = ${user} OR actor_id = ${user})`);
    }
    if (query.type) where.push(`event = ${param(query.type)}`);
    if (query.since) where.push(`created_at >= ${param(query.since)}`);
    if (query.until) where.push(`created_at < ${param(query.until)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ count }]: { count: string }[] = await this.txHost.tx.query(`SELECT count(*) AS count FROM security_events ${filter}`, params);
    const ids: { id: string }[] = await this.txHost.tx.query(
      `SELECT id FROM security_events ${filter} ORDER BY created_at DESC, id DESC LIMIT ${param(query.limit)} OFFSET ${param(query.offset)}`,
      params,
    );
    const rows = ids.length ? await this.txHost.tx.find(SecurityEvent, { where: { id: In(ids.map((row) => row.id)) } }) : [];
    const byId = new Map(rows.map((event) => [event.id, event]));
    return { count: Number(count), events: ids.map((row) => byId.get(row.id)!).filter(Boolean) };
  }

  /**
   * Housekeeping: deletes up to `limit` events recorded before `before`, of every kind: a user's
   * own and operators' actions alike (AUDIT_RETENTION_DAYS).
   */
  async purgeOlderThan(before: Date, limit: number): Promise<number> {
    const [, deleted] = (await this.txHost.tx.query(`DELETE FROM security_events WHERE id IN (SELECT id FROM security_events WHERE created_at < $1 LIMIT $2)`, [before, limit])) as [unknown, number];
    return deleted;
  }

  /** The last events about one account (its own, and operators' actions on it), newest first. */
  about(userId: string, limit = 50): Promise<SecurityEvent[]> {
    return this.txHost.tx.find(SecurityEvent, { where: [{ userId }, { targetId: userId }], order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
  }
}
