import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AuditController } from './audit.controller.js';
import { SecurityEventsService } from './security-events.service.js';

@Module({
  imports: [UsersModule],
  controllers: [AuditController],
  providers: [SecurityEventsService],
  exports: [SecurityEventsService],
})
export class AuditModule {}
