import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { RateLimitGuard, RateLimited } from '../../throttle/rate-limit.guard.js';
import type { FastifyRequest } from 'fastify';
import { clientContext } from '../../common/http/client-context.js';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import { OptionalAuth } from '../../common/decorators/optional-auth.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { NotFoundError, ValidationFailedError } from '../../common/errors/app-error.js';
import { ApiErrors, type ErrorDoc } from '../../common/swagger/api-errors.decorator.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { DetailResponse } from '../../common/swagger/error.response.js';
import { EmailDto, PasswordChangeDto, PasswordResetConfirmDto, VerifyEmailDto } from './dto/account-requests.dto.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { PasswordResetService } from './password-reset.service.js';

const BAD_LINK: ErrorDoc = {
  description: 'Invalid, used or expired link (a bad uid and a bad token answer alike), or a refused password',
  errors: [ValidationFailedError.field('token', MESSAGES.invalidLink), ValidationFailedError.field('new_password2', MESSAGES.passwordTooCommon)],
};

@ApiTags('account')
@UseGuards(RateLimitGuard)
@Controller('api/auth')
export class AccountLifecycleController {
  constructor(
    private readonly verification: EmailVerificationService,
    private readonly reset: PasswordResetService,
    private readonly change: PasswordChangeService,
  ) {}

  @OptionalAuth()
  @ApiBearerAuth()
  @Post('registration/verify-email')
  @RateLimited('verify-email')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm an e-mail address with the key from the mail',
    description:
      'Keys are single-use and expire (EMAIL_VERIFICATION_TIMEOUT). The key proves the mailbox, not that its owner chose the password: ' +
      'sent with a bearer token (or cookie) of one of the account\'s own sessions, or with the account\'s `password`, the account is kept as it is. ' +
      'Without either, the address is verified and everything set up while it was unverified stops working: the password is removed, every session ends, ' +
      'MFA is turned off and linked provider accounts are disconnected (pre-account hijacking defence; MFA itself can only be turned on once the address is verified); the owner is mailed and chooses a password with password reset. ' +
      'So a "verify, then log in" page should send the password the user typed, or call this while signed in.',
  })
  @ApiOkResponse({ type: DetailResponse, example: { detail: 'E-mail verified.' } })
  @ApiErrors(
    { description: 'A wrong `password` (counted like a failed login; the key stays usable)', errors: [ValidationFailedError.field('password', MESSAGES.invalidPassword)] },
    401,
    { description: 'Unknown, used or expired key', errors: [new NotFoundError()] },
    429,
  )
  async verifyEmail(@CurrentUser() principal: AuthPrincipal | undefined, @Body() dto: VerifyEmailDto, @Req() request: FastifyRequest): Promise<DetailResponse> {
    await this.verification.verify(dto.key, clientContext(request), { principal, password: dto.password });
    return { detail: 'E-mail verified.' };
  }

  @Public()
  @Post('registration/resend-email')
  @RateLimited('resend-email')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the verification mail again', description: 'Same answer whether or not the address has an account: the request is recorded, and the address looked up, before any mail goes out; a few mails per address per hour at most. 503 when the request cannot be recorded.' })
  @ApiOkResponse({ type: DetailResponse, example: { detail: 'Verification e-mail sent.' } })
  @ApiErrors(400, 429, 503)
  async resendEmail(@Body() dto: EmailDto): Promise<DetailResponse> {
    await this.verification.resend(dto.email);
    return { detail: 'Verification e-mail sent.' };
  }

  @Public()
  @Post('password/reset')
  @RateLimited('password-reset')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mail a password reset link',
    description: 'Same answer and timing whether or not the address has an account: the request is recorded, and the address looked up, before any mail goes out (503 when the request cannot be recorded). The link is FRONTEND_BASE_URL + PASSWORD_RESET_CONFIRM_PATH?uid=..&token=..',
  })
  @ApiOkResponse({ type: DetailResponse, example: { detail: 'Password reset e-mail has been sent.' } })
  @ApiErrors(400, 429, 503)
  async requestReset(@Body() dto: EmailDto): Promise<DetailResponse> {
    await this.reset.request(dto.email);
    return { detail: 'Password reset e-mail has been sent.' };
  }

  @Public()
  @Post('password/reset/confirm')
  @RateLimited('password-reset-confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with the uid and token from the reset link', description: 'The token works once, expires (PASSWORD_RESET_TIMEOUT) and dies when the password changes. Every session ends.' })
  @ApiOkResponse({ type: DetailResponse, example: { detail: 'Password has been reset with the new password.' } })
  @ApiErrors(BAD_LINK, 429)
  async confirmReset(@Body() dto: PasswordResetConfirmDto, @Req() request: FastifyRequest): Promise<DetailResponse> {
    await this.reset.confirm(dto.uid, dto.token, dto.new_password1, dto.new_password2, clientContext(request));
    return { detail: 'Password has been reset with the new password.' };
  }

  @ApiBearerAuth()
  @Post('password/change')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the password', description: '`old_password` is required when the account has one; wrong ones draw on the login failure budget (429 once it is spent). Other sessions end unless LOGOUT_ON_PASSWORD_CHANGE=false; this one stays.' })
  @ApiOkResponse({ type: DetailResponse, example: { detail: 'New password has been saved.' } })
  @ApiErrors(400, 401, 429)
  async changePassword(@CurrentUser() principal: AuthPrincipal, @Body() dto: PasswordChangeDto, @Req() request: FastifyRequest): Promise<DetailResponse> {
    await this.change.change(principal, dto.old_password, dto.new_password1, dto.new_password2, clientContext(request));
    return { detail: 'New password has been saved.' };
  }
}
