import { Module } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { MailModule } from '../mail/mail.module.js';
import { SocialModule } from '../social/social.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { HousekeepingScheduler } from './housekeeping.scheduler.js';
import { HousekeepingService } from './housekeeping.service.js';

/** Data retention: the housekeeping run (HousekeepingService) and its schedule in the server process. */
@Module({
  imports: [TokensModule, AuthModule, SocialModule, MailModule, AuditModule],
  providers: [Clock, HousekeepingService, HousekeepingScheduler],
  exports: [HousekeepingService],
})
export class HousekeepingModule {}
