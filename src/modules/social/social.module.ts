import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { ProviderHttp } from './providers/provider-http.js';
import { PROVIDER_ADAPTERS, SocialProviders } from './providers/social-providers.js';
import { OauthFlowsRepository } from './oauth-flows.repository.js';
import { OauthRedirectService } from './oauth-redirect.service.js';
import { OauthFlow } from './oauth-flow.entity.js';
import { OauthStateStore } from './oauth-state.store.js';
import { SocialAccount } from './social-account.entity.js';
import { SocialClaimRevocation } from './social-claim.revocation.js';
import { SocialAccountsRepository } from './social-accounts.repository.js';
import { SocialController } from './social.controller.js';
import { SocialService } from './social.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SocialAccount, OauthFlow]), AuthModule, UsersModule, TokensModule],
  controllers: [SocialController],
  providers: [
    ProviderHttp,
    ...Object.values(PROVIDER_ADAPTERS),
    SocialProviders,
    OauthFlowsRepository,
    OauthStateStore,
    SocialAccountsRepository,
    SocialService,
    OauthRedirectService,
    SocialClaimRevocation,
  ],
  exports: [SocialService, OauthStateStore],
})
export class SocialModule {}
