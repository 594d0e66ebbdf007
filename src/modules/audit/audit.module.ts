import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { AuditController } from './audit.controller.js';
import { SecurityEvent } from './security-event.entity.js';
import { SecurityEventsService } from './security-events.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SecurityEvent]), UsersModule],
  controllers: [AuditController],
  providers: [SecurityEventsService],
  exports: [SecurityEventsService],
})
export class AuditModule {}
