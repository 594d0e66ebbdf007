import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ProcessRoleModule } from './common/process-role.js';
import { configFactories, type Config } from './config/load-config.js';
import { DatabaseModule } from './database/database.module.js';
import { RedisModule } from './redis/redis.module.js';
import { ThrottleModule } from './throttle/throttle.module.js';
import { AccountModule } from './modules/account/account.module.js';
import { AdminModule } from './modules/admin/admin.module.js';
import { AdminUiModule } from './modules/admin/admin-ui.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { DevUiModule } from './modules/dev-ui/dev-ui.module.js';
import { SocialModule } from './modules/social/social.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { BackupModule } from './modules/ops/backup.module.js';
import { HousekeepingModule } from './modules/ops/housekeeping.module.js';
import { MetricsModule } from './modules/ops/metrics.module.js';
import { TokensModule } from './modules/tokens/tokens.module.js';
import { UsersModule } from './modules/users/users.module.js';

@Module({
  imports: [
    DatabaseModule,
    RedisModule,
    ThrottleModule,
    UsersModule,
    TokensModule,
    AuthModule,
    AccountModule,
    AdminModule,
    AuditModule,
    SocialModule,
    HousekeepingModule,
    HealthModule,
    BackupModule,
  ],
})
export class AppModule {
  /** The config loadConfig() read once at start; the developer and admin pages, and the metrics, are mounted only when enabled. */
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configFactories(config) }),
        ProcessRoleModule.forRoot('server'),
        MetricsModule.register(config.metrics),
        DevUiModule.register(config.app.devUi),
        AdminUiModule.register(config.admin.ui),
      ],
    };
  }
}
