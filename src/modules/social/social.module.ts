import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { FacebookProvider } from './providers/facebook.provider.js';
import { GithubProvider } from './providers/github.provider.js';
import { GoogleProvider } from './providers/google.provider.js';
import { MicrosoftProvider } from './providers/microsoft.provider.js';
import { ProviderHttp } from './providers/provider-http.js';
import { OauthRedirectService } from './oauth-redirect.service.js';
import { OauthFlow } from './oauth-flow.entity.js';
import { SocialAccount } from './social-account.entity.js';
import { SocialAccountsRepository } from './social-accounts.repository.js';
import { SocialController } from './social.controller.js';
import { SocialService } from './social.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SocialAccount, OauthFlow]), AuthModule, UsersModule, TokensModule],
  controllers: [SocialController],
  providers: [ProviderHttp, GoogleProvider, FacebookProvider, MicrosoftProvider, GithubProvider, SocialAccountsRepository, SocialService, OauthRedirectService],
})
export class SocialModule {}
