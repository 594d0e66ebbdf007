import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ClientContext } from '../../common/http/client-context.js';
import { SecurityEvent, type SecurityEventType } from './security-event.entity.js';

/** Writes the audit log and mirrors each event to the structured log. */
@Injectable()
export class SecurityEventsService {
  private readonly logger = new Logger('Security');

  constructor(private readonly dataSource: DataSource) {}

  async record(event: SecurityEventType, userId: string | null, client: ClientContext | null, sessionId: string | null = null, em: EntityManager = this.dataSource.manager): Promise<void> {
    this.logger.log({ event, userId, sessionId, ip: client?.ip ?? null }, `security event: ${event}`);
    await em.insert(SecurityEvent, {
      id: randomUUID(),
      userId,
      event,
      ip: client?.ip ?? null,
      userAgent: client?.userAgent?.slice(0, 512) ?? null,
      sessionId,
    });
  }

  recent(userId: string, limit = 50): Promise<SecurityEvent[]> {
    return this.dataSource.manager.find(SecurityEvent, { where: { userId }, order: { createdAt: 'DESC' }, take: limit });
  }
}
