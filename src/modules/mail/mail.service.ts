import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import { appConfig } from '../../config/app.config.js';
import { frontendUrl } from '../../common/http/frontend-url.js';
import { mailConfig } from '../../config/mail.config.js';
import { renderMail, type MailTemplate } from './mail-templates.js';
import { OutboxMail } from './outbox-mail.entity.js';
import { OutboxWorker } from './outbox.worker.js';

/**
 * Queues mail in the outbox inside the caller's transaction, so a mail exists exactly when
 * the change that caused it was committed; the worker delivers it afterwards.
 */
@Injectable()
export class MailService {
  constructor(
    private readonly worker: OutboxWorker,
    @Inject(mailConfig.KEY) private readonly mail: ConfigType<typeof mailConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  async enqueue(em: EntityManager, to: string, template: MailTemplate, extra: { link?: string; expiresInMinutes?: number } = {}): Promise<void> {
    const rendered = renderMail(template, { productName: this.mail.productName, frontendBaseUrl: this.app.frontendBaseUrl, ...extra });
    await em.insert(OutboxMail, { id: randomUUID(), toAddress: to, template, subject: rendered.subject, textBody: rendered.text, htmlBody: rendered.html });
  }

  /** Call once the transaction that queued mail has committed, to send it without waiting for the next poll. */
  flush(): void {
    this.worker.wake();
  }

  /** A link into the frontend; never built from the request's Host header (SECURITY.md 19). */
  frontendLink(path: string, params: Record<string, string>): string {
    return frontendUrl(this.app.frontendBaseUrl, path, params);
  }
}
