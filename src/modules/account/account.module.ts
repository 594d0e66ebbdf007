import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { MeController } from './me.controller.js';

/**
 * /api/me/ in one controller. It sits above the modules it needs, so the graph stays acyclic:
 * the profile is UsersModule's, but deleting needs re-authentication (AuthModule) and ending
 * sessions (TokensModule), which both depend on UsersModule; UsersModule importing them would
 * be a cycle, and nothing imports this module.
 */
@Module({
  imports: [UsersModule, AuthModule, TokensModule],
  controllers: [MeController],
  providers: [AccountDeletionService],
})
export class AccountModule {}
