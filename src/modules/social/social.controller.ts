import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Redirect, Req, Res, type PipeTransform } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, type AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { NotFoundError, OAuthTokenInvalidError, ProviderNotConfiguredError } from '../../common/errors/app-error.js';
import { clientContext } from '../../common/http/client-context.js';
import { socialConfig } from '../../config/social.config.js';
import { ApiErrors, type ErrorDoc } from '../../common/swagger/api-errors.decorator.js';
import { DetailResponse } from '../../common/swagger/error.response.js';
import { TokenPairResponse } from '../auth/dto/token-pair.response.js';
import type { MfaRequiredResponse } from '../auth/mfa/dto/mfa.dto.js';
import { SignInReplies } from '../auth/sign-in.replies.js';
import { ExchangeDto, SocialAccountResponse, SocialLoginDto } from './dto/social.dto.js';
import { toSocialAccountResponse } from './social-account.mapper.js';
import { BrowserBinding } from './browser-binding.js';
import { OauthRedirectService } from './oauth-redirect.service.js';
import { isProviderName, PROVIDER_NAMES, PROVIDERS, type ProviderName } from './providers/registry.js';
import type { SocialAccount } from './social-account.entity.js';
import { SocialService } from './social.service.js';

const NOT_CONFIGURED: ErrorDoc = { description: 'This provider has no credentials configured on the server', errors: [new ProviderNotConfiguredError('google')] };

const OAUTH_ERRORS: (number | ErrorDoc)[] = [
  { description: 'The provider refused the token, or the email belongs to a local account and is not verified by the provider', errors: [new OAuthTokenInvalidError()] },
  NOT_CONFIGURED,
  503,
];

/** SECURITY.md 23 and 34, stated on every sign-in endpoint. */
const LINKING_RULE =
  ' An existing account with the same e-mail is joined only when the provider asserts the address is verified (Google `email_verified`, GitHub verified primary e-mail; ' +
  'Microsoft and Facebook never do). If that account\'s address was not verified yet, this sign-in is its owner claiming it (pre-account hijacking defence): ' +
  'before the provider account is linked, the account\'s password is removed, every session ends, MFA is turned off and every provider account linked before is disconnected; ' +
  '(with ACCOUNT_EMAIL_VERIFICATION=none, MFA stays: no address is ever proven there, and MFA alone grants nothing); the address becomes verified and the owner is mailed (they can choose a password with password reset). ' +
  'Tokens that are malformed, oversize or signed with an algorithm other than RS256 (`alg: none`, HS256) are refused with 400 before any request to the provider.';

/** A `{provider}` path segment: a name from the registry, or 404 as for any unknown path. */
class ProviderNamePipe implements PipeTransform<string, ProviderName> {
  transform(name: string): ProviderName {
    if (!isProviderName(name)) throw new NotFoundError();
    return name;
  }
}

@ApiTags('social')
@Controller('api/auth')
export class SocialController {
  constructor(
    private readonly social: SocialService,
    private readonly replies: SignInReplies,
    private readonly redirects: OauthRedirectService,
    @Inject(socialConfig.KEY) config: ConfigType<typeof socialConfig>,
  ) {
    this.binding = new BrowserBinding(config.publicUrl);
  }

  private readonly binding: BrowserBinding;

  /** POST /api/auth/{name}/ of every provider (signInRoutes below). */
  async signIn(name: ProviderName, dto: SocialLoginDto, request: FastifyRequest, reply: FastifyReply): Promise<TokenPairResponse | MfaRequiredResponse> {
    const { created, result } = await this.social.signIn(name, dto, clientContext(request));
    if (created) reply.status(201);
    return this.replies.send(reply, result);
  }

  @Public()
  @Get(':provider/redirect')
  @Redirect()
  @ApiParam({ name: 'provider', enum: PROVIDER_NAMES })
  @ApiOperation({
    summary: 'Start the browser sign-in redirect',
    description:
      'Sends the browser to the provider (authorization code + PKCE, single-use state). `next` is a path on FRONTEND_BASE_URL to land on afterwards. ' +
      'Sets the HttpOnly cookie `oauth_state` (SameSite=Lax, path of the provider\'s callback, ten minutes): only the browser that started a flow can finish it.',
  })
  @ApiResponse({ status: 302, description: 'To the provider' })
  @ApiErrors({ description: 'Unknown or unconfigured provider', errors: [...NOT_CONFIGURED.errors, new NotFoundError()] })
  async redirect(@Param('provider', ProviderNamePipe) provider: ProviderName, @Res({ passthrough: true }) reply: FastifyReply, @Query('next') next?: string): Promise<{ url: string; statusCode: number }> {
    const url = await this.redirects.start(provider, next);
    this.binding.bind(reply, provider, url);
    return { url, statusCode: 302 };
  }

  @Public()
  @Get(':provider/callback')
  @Redirect()
  @ApiParam({ name: 'provider', enum: PROVIDER_NAMES })
  @ApiOperation({
    summary: 'Where the provider sends the browser back',
    description: 'Lands on FRONTEND_BASE_URL + next with `?code=<one-time code>` (valid one minute, exchange it at /api/auth/exchange/), or with `?error=...`. Never a token in a URL. ' +
      'Without the `oauth_state` cookie of the browser that started the flow it lands with `error=invalid_state`.' + LINKING_RULE,
  })
  @ApiResponse({ status: 302, description: 'To the frontend' })
  async callback(
    @Param('provider', ProviderNamePipe) provider: ProviderName,
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ url: string; statusCode: number }> {
    const browserState = this.binding.take(request, reply, provider);
    return { url: await this.redirects.callback(provider, query, browserState, clientContext(request)), statusCode: 302 };
  }

  @Public()
  @Post('exchange')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn the one-time code from the redirect flow into tokens', description: 'The code works once, within a minute.' })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiErrors(400, 401)
  async exchange(@Body() dto: ExchangeDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenPairResponse | MfaRequiredResponse> {
    return this.replies.send(reply, await this.redirects.exchange(dto.code, clientContext(request)));
  }

  @ApiBearerAuth()
  @Post(':provider/connect')
  @HttpCode(200)
  @ApiParam({ name: 'provider', enum: PROVIDER_NAMES })
  @ApiOperation({ summary: 'Connect a provider account to the signed-in user', description: 'Same body as the provider\'s sign-in call.' })
  @ApiOkResponse({ type: SocialAccountResponse })
  @ApiErrors(...OAUTH_ERRORS, 401)
  async connect(@CurrentUser() principal: AuthPrincipal, @Param('provider', ProviderNamePipe) provider: ProviderName, @Body() dto: SocialLoginDto): Promise<SocialAccountResponse> {
    return toSocialAccountResponse(await this.social.connect(principal.user.id, provider, dto));
  }

  @ApiBearerAuth()
  @Get('socialaccounts')
  @ApiOperation({ summary: 'Provider accounts connected to the signed-in user' })
  @ApiOkResponse({ type: SocialAccountResponse, isArray: true })
  @ApiErrors(401)
  async list(@CurrentUser() principal: AuthPrincipal): Promise<SocialAccountResponse[]> {
    return (await this.social.list(principal.user.id)).map(toSocialAccountResponse);
  }

  @ApiBearerAuth()
  @Post('socialaccounts/:id/disconnect')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disconnect a provider account', description: '400 when it is the last way to sign in (no password and no other provider).' })
  @ApiOkResponse({ type: DetailResponse, example: { detail: 'Social account disconnected.' } })
  @ApiErrors(400, 401, 404)
  async disconnect(@CurrentUser() principal: AuthPrincipal, @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError() })) id: string): Promise<DetailResponse> {
    await this.social.disconnect(principal.user, id);
    return { detail: 'Social account disconnected.' };
  }
}

/**
 * One POST /api/auth/{name}/ per registry entry, documented with the entry's words. They are
 * static routes rather than one `:provider` route: a POST to another path under /api/auth/
 * (sessions, socialaccounts) must stay the 405 or 404 it is.
 */
function signInRoutes(controller: typeof SocialController): void {
  const prototype = controller.prototype as unknown as Record<string, unknown>;
  for (const name of PROVIDER_NAMES) {
    const { title, accepts } = PROVIDERS[name];
    // A method named after the provider (Swagger finds its metadata by the function's name).
    const { [name]: method } = {
      [name](this: SocialController, dto: SocialLoginDto, request: FastifyRequest, reply: FastifyReply) {
        return this.signIn(name, dto, request, reply);
      },
    };
    Object.defineProperty(prototype, name, { value: method, writable: true, configurable: true });
    // What TypeScript emits for a written method: the body's class is what ValidationPipe checks and Swagger documents.
    Reflect.defineMetadata('design:paramtypes', [SocialLoginDto, Object, Object], prototype, name);
    Body()(prototype, name, 0);
    Req()(prototype, name, 1);
    Res({ passthrough: true })(prototype, name, 2);
    const decorators = [
      Public(),
      Post(name),
      HttpCode(200),
      ApiOperation({ summary: `Sign in with ${title}`, description: `${accepts} 201 when the account was created.${LINKING_RULE}` }),
      ApiOkResponse({ type: TokenPairResponse }),
      ApiErrors(...OAUTH_ERRORS),
    ];
    Reflect.decorate(decorators, prototype, name, Object.getOwnPropertyDescriptor(prototype, name));
  }
}

signInRoutes(SocialController);
