import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEvent, type SecurityEventType } from './security-event.entity.js';

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

  recent(userId: string, limit = 50): Promise<SecurityEvent[]> {
    return this.txHost.tx.find(SecurityEvent, { where: { userId }, order: { createdAt: 'DESC' }, take: limit });
  }
}
