import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { appConfig } from './config/app.config.js';
import { accountConfig } from './config/account.config.js';
import { authConfig } from './config/auth.config.js';
import { cookieConfig } from './config/cookie.config.js';
import { mailConfig } from './config/mail.config.js';
import { mfaConfig } from './config/mfa.config.js';
import { socialConfig } from './config/social.config.js';
import { databaseConfig } from './config/database.config.js';
import { redisConfig } from './config/redis.config.js';
import { throttleConfig } from './config/throttle.config.js';
import { JwtAuthGuard } from './common/guards/jwt-auth.guard.js';
import { DatabaseModule } from './database/database.module.js';
import { RedisModule } from './redis/redis.module.js';
import { ThrottleModule } from './throttle/throttle.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { DevUiModule } from './modules/dev-ui/dev-ui.module.js';
import { SocialModule } from './modules/social/social.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { HealthController } from './modules/health/health.controller.js';
import { TokensModule } from './modules/tokens/tokens.module.js';
import { UsersModule } from './modules/users/users.module.js';

@Module({
  imports: [
    // main.ts loads .env into the environment before anything reads it; tests pass their own.
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, authConfig, accountConfig, cookieConfig, databaseConfig, mailConfig, mfaConfig, redisConfig, socialConfig, throttleConfig] }),
    DatabaseModule,
    RedisModule,
    ThrottleModule,
    UsersModule,
    TokensModule,
    AuthModule,
    AuditModule,
    SocialModule,
  ],
  controllers: [HealthController],
  // The global guard reads the access cookie through TokensModule's AuthCookies.
  providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],
})
export class AppModule {
  /** Options known only at start-up: the developer page is mounted only when enabled. */
  static forRoot(options: { devUi: boolean }): DynamicModule {
    return { module: AppModule, imports: [DevUiModule.register(options.devUi)] };
  }
}
