import { Module } from '@nestjs/common';
import { MailTransport } from './mail-transport.js';
import { MailService } from './mail.service.js';
import { OutboxWorker } from './outbox.worker.js';

@Module({
  providers: [MailTransport, OutboxWorker, MailService],
  exports: [MailService],
})
export class MailModule {}
