import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthCookies } from '../../common/http/auth-cookies.js';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { clientContext } from '../../common/http/client-context.js';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthPrincipal } from '../../common/decorators/current-user.decorator.js';
import { OptionalAuth } from '../../common/decorators/optional-auth.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import { DetailResponse } from '../../common/swagger/error.response.js';
import { JwksResponse, RefreshResponse } from './dto/token-responses.js';
import { LogoutDto, RefreshDto, VerifyDto } from './dto/token-requests.dto.js';
import { RefreshTokenService } from './refresh-token.service.js';
import { SessionAuthService } from './authentication/session-auth.service.js';
import { SessionsService } from './sessions.service.js';
import { TokenKeysService } from './token-keys.service.js';

/**
 * How long other services may keep the key set. A key is published here, as verify-only, at
 * least this long before it signs (docs/operations.md, "Signing-key rotation"), so a cached copy
 * never lacks the key of a token.
 */
export const JWKS_MAX_AGE_SECONDS = 300;

/** RFC 9110 §13.1.2: a list of entity tags, or `*`; weak comparison suffices for a GET. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value.replace(/^W\//, '') === etag;
  });
}

@ApiTags('tokens')
@Controller()
export class TokensController {
  constructor(
    private readonly refreshTokens: RefreshTokenService,
    private readonly sessions: SessionsService,
    private readonly sessionAuth: SessionAuthService,
    private readonly keys: TokenKeysService,
    private readonly cookies: AuthCookies,
  ) {}

  @Public()
  @Post('api/token/refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate a refresh token',
    description:
      'Spends the refresh token and returns a new pair. A client that lost the answer may retry with the same token within REFRESH_REUSE_GRACE_SECONDS (5 s): ' +
      'while the successor is unused it gets that same refresh token again and a new access token. Replaying a spent token later, or after its successor was used, is refused; after the window it ends the session.',
  })
  @ApiOkResponse({ type: RefreshResponse })
  @ApiErrors(400, 401)
  async refresh(@Body() dto: RefreshDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<RefreshResponse> {
    const token = dto.refresh ?? this.refreshFromCookie(request);
    if (token === undefined) throw ValidationFailedError.field('refresh', MESSAGES.required);
    const pair = await this.refreshTokens.rotate(token, clientContext(request));
    return this.cookies.present(reply, pair, {});
  }

  /** The refresh cookie, which (being sent by the browser on its own) needs the CSRF header. */
  private refreshFromCookie(request: FastifyRequest): string | undefined {
    const cookie = this.cookies.refreshCookie(request);
    if (cookie !== undefined) this.cookies.assertCsrf(request);
    return cookie;
  }

  @Public()
  @Post('api/token/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a token', description: 'Answers `{}` for a valid access or unspent refresh token of a live session of an active user.' })
  @ApiOkResponse({ schema: { type: 'object', example: {} } })
  @ApiErrors(400, 401)
  async verify(@Body() dto: VerifyDto): Promise<Record<string, never>> {
    await this.sessionAuth.verify(dto.token);
    return {};
  }

  @OptionalAuth()
  @ApiBearerAuth()
  @Post('api/auth/logout')
  @HttpCode(200)
  @ApiOperation({
    summary: 'End a session, or all of them',
    description: 'Ends the session of `refresh` (or, without it, of the bearer token); `{"all": true}` ends every session of the user. Ending an ended session succeeds again.',
  })
  @ApiOkResponse({ type: DetailResponse, example: { detail: 'Successfully logged out.' } })
  @ApiErrors(400, 401)
  async logout(
    @CurrentUser() principal: AuthPrincipal | undefined,
    @Body() dto: LogoutDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DetailResponse> {
    const refresh = dto.refresh ?? (principal ? undefined : this.refreshFromCookie(request));
    await this.sessions.logout(principal, refresh, dto.all === true, clientContext(request));
    if (this.cookies.enabled) this.cookies.clear(reply);
    return { detail: 'Successfully logged out.' };
  }

  @Public()
  @Get('.well-known/jwks.json')
  @ApiOperation({
    summary: 'Public signing keys',
    description:
      'Every public key that can verify a token now: the signing key first, then the verify-only keys of a rotation. Empty when tokens are signed with HS256 shared secrets. ' +
      `Cacheable for ${JWKS_MAX_AGE_SECONDS} s; answers 304 to a matching If-None-Match.`,
  })
  @ApiOkResponse({ type: JwksResponse })
  jwks(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): JwksResponse | undefined {
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).header('etag', this.keys.jwksEtag);
    if (etagMatches(request.headers['if-none-match'], this.keys.jwksEtag)) {
      reply.status(304);
      return undefined;
    }
    return this.keys.jwks;
  }
}
