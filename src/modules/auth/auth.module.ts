import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { MailModule } from '../mail/mail.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AccountLifecycleController } from './account-lifecycle.controller.js';
import { AddressClaimService } from './address-claim.service.js';
import { AccountToken } from './account-token.entity.js';
import { AccountTokensRepository } from './account-tokens.repository.js';
import { AccountLinkMailComposers } from './account-link-mail.composers.js';
import { AccountTokensService } from './account-tokens.service.js';
import { AuthService } from './auth.service.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { MfaChallenge } from './mfa/mfa-challenge.entity.js';
import { MfaTotp } from './mfa/mfa-totp.entity.js';
import { RecoveryCode } from './mfa/recovery-code.entity.js';
import { MfaAdminService } from './mfa/mfa-admin.service.js';
import { MfaLoginService } from './mfa/mfa-login.service.js';
import { MfaController } from './mfa/mfa.controller.js';
import { MfaRepository } from './mfa/mfa.repository.js';
import { TotpService } from './mfa/totp.service.js';
import { PasswordService } from './password.service.js';
import { ReauthService } from './reauth.service.js';
import { SignInReplies } from './sign-in.replies.js';
import { SignInService } from './sign-in.service.js';
import { LocalStrategy } from './strategies/local.strategy.js';

@Module({
  imports: [TypeOrmModule.forFeature([AccountToken, MfaTotp, RecoveryCode, MfaChallenge]), UsersModule, TokensModule, MailModule, AuditModule],
  controllers: [AuthController, AccountLifecycleController, MfaController],
  providers: [
    AuthService,
    SignInService,
    SignInReplies,
    PasswordService,
    LoginThrottleService,
    ReauthService,
    LocalStrategy,
    AccountTokensRepository,
    AccountTokensService,
    EmailVerificationService,
    PasswordResetService,
    PasswordChangeService,
    AccountLinkMailComposers,
    MfaRepository,
    TotpService,
    MfaLoginService,
    MfaAdminService,
    AddressClaimService,
  ],
  exports: [AuthService, SignInService, SignInReplies, PasswordService, ReauthService, AddressClaimService, PasswordResetService, LoginThrottleService, MfaAdminService, MfaLoginService, AccountTokensService],
})
export class AuthModule {}
