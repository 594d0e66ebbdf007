import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthCookies } from '../../common/http/auth-cookies.js';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { BlacklistedToken } from './blacklisted-token.entity.js';
import { OutstandingToken } from './outstanding-token.entity.js';
import { RefreshTokenService } from './refresh-token.service.js';
import { JwtAuthGuard } from './authentication/jwt-auth.guard.js';
import { JwtStrategy } from './authentication/jwt.strategy.js';
import { SessionAuthService } from './authentication/session-auth.service.js';
import { TokenVerifierService } from './authentication/token-verifier.service.js';
import { Session } from './session.entity.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { TokenIssuerService } from './token-issuer.service.js';
import { TokenJwtModule, TokenKeysModule } from './token-keys.module.js';
import { TokensController } from './tokens.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([Session, OutstandingToken, BlacklistedToken]), UsersModule, AuditModule, TokenKeysModule, TokenJwtModule],
  controllers: [TokensController, SessionsController],
  providers: [
    AuthCookies,
    SessionsRepository,
    SessionsService,
    SessionAuthService,
    RefreshTokenService,
    TokenIssuerService,
    TokenVerifierService,
    JwtStrategy,
    // The authentication step (./authentication/) guards every route of the application.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [AuthCookies, TokenIssuerService, SessionsService, TokenVerifierService, TokenKeysModule],
})
export class TokensModule {}
