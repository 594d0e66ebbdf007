import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { SocialModule } from '../social/social.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { AdminEventsController } from './admin-events.controller.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AdminUsersService } from './admin-users.service.js';
import { StaffGuard } from './staff.guard.js';
import { SuperusersService } from './superusers.service.js';

/**
 * The admin API (staff only, every controller declared with @AdminController). It sits above
 * every module whose data it shows, and nothing imports it but the application and the CLI.
 */
@Module({
  imports: [UsersModule, TokensModule, AuthModule, SocialModule, AuditModule],
  controllers: [AdminUsersController, AdminEventsController],
  providers: [AdminUsersService, SuperusersService, AdminBootstrapService, StaffGuard],
  exports: [AdminUsersService, SuperusersService],
})
export class AdminModule {}
