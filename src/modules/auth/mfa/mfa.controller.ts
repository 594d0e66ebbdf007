import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, type AuthPrincipal } from '../../../common/decorators/current-user.decorator.js';
import { Public } from '../../../common/decorators/public.decorator.js';
import { clientContext } from '../../../common/http/client-context.js';
import { ValidationFailedError } from '../../../common/errors/app-error.js';
import { ApiErrors, type ErrorDoc } from '../../../common/swagger/api-errors.decorator.js';
import { MESSAGES } from '../../../common/validation/messages.js';
import { DetailResponse } from '../../../common/swagger/error.response.js';
import { TokenPairResponse } from '../dto/token-pair.response.js';
import { SignInReplies } from '../sign-in.replies.js';
import { SignInService } from '../sign-in.service.js';
import { MfaCodeDto, MfaDisableDto, MfaLoginDto, RecoveryCodesResponse, TotpSetupResponse } from './dto/mfa.dto.js';
import { TotpService } from './totp.service.js';

const BAD_CODE: ErrorDoc = { description: 'Wrong, reused or expired code', errors: [ValidationFailedError.field('code', MESSAGES.invalidCode)] };

@ApiTags('mfa')
@Controller('api/auth')
export class MfaController {
  constructor(
    private readonly totp: TotpService,
    private readonly signIn: SignInService,
    private readonly replies: SignInReplies,
  ) {}

  @ApiBearerAuth()
  @Post('mfa/totp/setup')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start TOTP enrolment', description: 'Returns a new secret, its otpauth:// URL and a QR code. MFA is on only after /confirm/.' })
  @ApiOkResponse({ type: TotpSetupResponse })
  @ApiErrors(400, 401)
  async setup(@CurrentUser() principal: AuthPrincipal): Promise<TotpSetupResponse> {
    return this.totp.setup(principal.user);
  }

  @ApiBearerAuth()
  @Post('mfa/totp/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn MFA on with a first code', description: 'Returns 10 single-use recovery codes, shown only this once.' })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiErrors(BAD_CODE, 401, 429)
  async confirm(@CurrentUser() principal: AuthPrincipal, @Body() dto: MfaCodeDto, @Req() request: FastifyRequest): Promise<RecoveryCodesResponse> {
    return { recovery_codes: await this.totp.confirm(principal.user, dto.code, clientContext(request)) };
  }

  @ApiBearerAuth()
  @Post('mfa/totp/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn MFA off', description: 'Needs a current code (TOTP or recovery) or the password. Wrong codes draw on the MFA failure budget, wrong passwords on the login failure budget (429 once spent).' })
  @ApiOkResponse({ type: DetailResponse, example: { detail: 'MFA disabled.' } })
  @ApiErrors(BAD_CODE, 401, 429)
  async disable(@CurrentUser() principal: AuthPrincipal, @Body() dto: MfaDisableDto, @Req() request: FastifyRequest): Promise<DetailResponse> {
    await this.totp.disable(principal.user, dto, clientContext(request));
    return { detail: 'MFA disabled.' };
  }

  @ApiBearerAuth()
  @Post('mfa/recovery-codes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the recovery codes', description: 'Needs a current TOTP code; the old codes stop working.' })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiErrors(BAD_CODE, 401, 429)
  async regenerate(@CurrentUser() principal: AuthPrincipal, @Body() dto: MfaCodeDto, @Req() request: FastifyRequest): Promise<RecoveryCodesResponse> {
    return { recovery_codes: await this.totp.regenerateRecoveryCodes(principal.user, dto.code, clientContext(request)) };
  }

  @Public()
  @Post('login/mfa')
  @HttpCode(200)
  @ApiOperation({ summary: 'Second login step with MFA on', description: 'The mfa_token from /api/login/ and a TOTP or recovery code give the token pair. The ticket works once and lives 5 minutes.' })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiErrors(BAD_CODE, 401, 429)
  async login(@Body() dto: MfaLoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenPairResponse> {
    return this.replies.send(reply, await this.signIn.completeSecondFactor(dto.mfa_token, dto.code, clientContext(request)));
  }
}
