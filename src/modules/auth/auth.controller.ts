import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiCreatedResponse, ApiExtraModels, getSchemaPath, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitGuard, RateLimited } from '../../throttle/rate-limit.guard.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { clientContext } from '../../common/http/client-context.js';
import { AuthenticationFailedError, EmailNotVerifiedError, UserInactiveError, ValidationFailedError } from '../../common/errors/app-error.js';
import { ApiErrors, type ErrorDoc } from '../../common/swagger/api-errors.decorator.js';
import { MESSAGES } from '../../common/validation/messages.js';
import type { User } from '../users/user.entity.js';
import { toUserResponse } from '../users/user.mapper.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { SignupDto } from './dto/signup.dto.js';
import { TokenPairResponse, VerificationSentResponse } from './dto/token-pair.response.js';
import { LocalAuthGuard } from './local-auth.guard.js';
import { MfaRequiredResponse } from './mfa/dto/mfa.dto.js';
import { PASSWORD_MIN_LENGTH } from './password-policy.js';
import { SignInReplies } from './sign-in.replies.js';
import { SignInService } from './sign-in.service.js';


const SIGNUP_400: ErrorDoc = {
  description: 'Invalid input: a map of field → messages',
  errors: [
    ValidationFailedError.field('email', MESSAGES.emailTaken),
    ValidationFailedError.field('password', MESSAGES.passwordTooShort(PASSWORD_MIN_LENGTH)),
    ValidationFailedError.field('password_confirm', MESSAGES.passwordsDiffer),
  ],
};

const LOGIN_401: ErrorDoc = { description: 'Wrong email or password, or no such user', errors: [new AuthenticationFailedError()] };

const LOGIN_403: ErrorDoc = {
  description: 'Right password, but the account is disabled or (mandatory verification) its e-mail is not confirmed',
  errors: [new UserInactiveError(), new EmailNotVerifiedError()],
};

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly signIn: SignInService,
    private readonly replies: SignInReplies,
  ) {}

  @Public()
  @Post('signup')
  @UseGuards(RateLimitGuard)
  @RateLimited('signup')
  @ApiOperation({ summary: 'Create an account and sign in', description: 'Returns a token pair and the new user. Password: 8–128 characters, not common, not all digits, not close to the email or name.' })
  @ApiExtraModels(TokenPairResponse, VerificationSentResponse)
  @ApiCreatedResponse({
    description: 'A token pair and the user; with ACCOUNT_EMAIL_VERIFICATION=mandatory, no tokens until the e-mail is confirmed',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenPairResponse) }, { $ref: getSchemaPath(VerificationSentResponse) }] },
  })
  @ApiErrors(SIGNUP_400, 413, 415, 429)
  async signup(@Body() dto: SignupDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenPairResponse | VerificationSentResponse> {
    const result = await this.auth.signup(dto, clientContext(request));
    if (result.tokens === null) return { detail: 'Verification e-mail sent.', user: toUserResponse(result.user) };
    return this.replies.send(reply, result);
  }

  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(200)
  @ApiBasicAuth()
  @ApiOperation({
    summary: 'Sign in with email and password',
    description: 'Send `{"email", "password"}` as JSON, or no body and `Authorization: Basic base64(email:password)`.',
  })
  @ApiBody({ type: LoginDto, required: false })
  @ApiExtraModels(MfaRequiredResponse)
  @ApiOkResponse({
    description: 'A token pair and the user; with MFA on, a ticket for POST /api/auth/login/mfa/ instead',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenPairResponse) }, { $ref: getSchemaPath(MfaRequiredResponse) }] },
  })
  @ApiErrors(400, LOGIN_401, LOGIN_403, 413, 415, 429)
  async login(@Req() request: FastifyRequest & { user: User }, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenPairResponse | MfaRequiredResponse> {
    return this.replies.send(reply, await this.signIn.complete(request.user, clientContext(request), 'password'));
  }
}
