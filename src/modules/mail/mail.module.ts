import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailComposers } from './mail-composer.js';
import { MailRenderer } from './mail-renderer.js';
import { MailTransport } from './mail-transport.js';
import { MailService } from './mail.service.js';
import { OutboxMail } from './outbox-mail.entity.js';
import { OutboxWakeSubscriber } from './outbox-wake.subscriber.js';
import { OutboxWorker } from './outbox.worker.js';

@Module({
  imports: [TypeOrmModule.forFeature([OutboxMail])],
  providers: [MailTransport, MailRenderer, MailComposers, OutboxWorker, OutboxWakeSubscriber, MailService],
  exports: [MailService, MailComposers, MailRenderer],
})
export class MailModule {}
