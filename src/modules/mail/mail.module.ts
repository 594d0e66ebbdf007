import { Module } from '@nestjs/common';
import { MailComposers } from './mail-composer.js';
import { MailRenderer } from './mail-renderer.js';
import { MailTransport } from './mail-transport.js';
import { MailService } from './mail.service.js';
import { OutboxWorker } from './outbox.worker.js';

@Module({
  providers: [MailTransport, MailRenderer, MailComposers, OutboxWorker, MailService],
  exports: [MailService, MailComposers, MailRenderer],
})
export class MailModule {}
