import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { HealthController } from './health.controller.js';
import { ReadinessService } from './readiness.service.js';
import { ShutdownState } from './shutdown-state.js';

/** `/health/live` and `/health/ready`, and the shutdown state readiness and the HTTP server follow. */
@Module({
  imports: [MailModule],
  controllers: [HealthController],
  providers: [ReadinessService, ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
