import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountController, AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordService } from './password.service.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { LocalStrategy } from './strategies/local.strategy.js';

@Module({
  imports: [PassportModule, UsersModule, TokensModule],
  controllers: [AuthController, AccountController],
  providers: [AuthService, PasswordService, LoginThrottleService, LocalStrategy, JwtStrategy],
  exports: [AuthService, PasswordService],
})
export class AuthModule {}
