import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthCookies } from '../../common/http/auth-cookies.js';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { BlacklistedToken } from './blacklisted-token.entity.js';
import { OutstandingToken } from './outstanding-token.entity.js';
import { RefreshTokenService } from './refresh-token.service.js';
import { Session } from './session.entity.js';
import { SessionAuthService } from './session-auth.service.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { TokenIssuerService } from './token-issuer.service.js';
import { TokenJwtModule, TokenKeysModule } from './token-keys.module.js';
import { TokenVerifierService } from './token-verifier.service.js';
import { TokensController } from './tokens.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([Session, OutstandingToken, BlacklistedToken]), UsersModule, AuditModule, TokenKeysModule, TokenJwtModule],
  controllers: [TokensController, SessionsController],
  providers: [AuthCookies, SessionsRepository, SessionsService, SessionAuthService, RefreshTokenService, TokenIssuerService, TokenVerifierService],
  exports: [AuthCookies, TokenIssuerService, SessionsService, SessionAuthService, TokenVerifierService, TokenKeysModule],
})
export class TokensModule {}
