import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ProcessRoleModule } from '../common/process-role.js';
import { configFactories, type Config } from '../config/load-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { AdminModule } from '../modules/admin/admin.module.js';
import { HousekeepingModule } from '../modules/ops/housekeeping.module.js';
import { MetricsModule } from '../modules/ops/metrics.module.js';
import { UsersModule } from '../modules/users/users.module.js';
import { RedisModule } from '../redis/redis.module.js';
import { ThrottleModule } from '../throttle/throttle.module.js';

/**
 * What the CLI's commands use: the admin module's services and housekeeping (and what they stand on) over the
 * configured database and Redis, as the server has them, without the HTTP server and without
 * the background work (ProcessRoleModule 'cli').
 */
@Module({})
export class CliModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: configFactories(config) }),
        ProcessRoleModule.forRoot('cli'),
        // The throttles and the services they guard count what they do; nothing serves it here.
        MetricsModule.unexposed(),
        DatabaseModule,
        RedisModule,
        ThrottleModule,
        UsersModule,
        AdminModule,
        HousekeepingModule,
      ],
    };
  }
}
