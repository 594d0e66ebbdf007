import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/app.config.js';
import { sameSecret, sha256Hex as sha256 } from '../../common/crypto.js';
import { frontendUrl } from '../../common/http/frontend-url.js';
import { AppError, TokenNotValidError, ValidationFailedError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import type { MfaRequired, SignedIn } from '../auth/sign-in.service.js';
import { UsersService } from '../users/users.service.js';
import { OauthFlowsRepository } from './oauth-flows.repository.js';
import { OauthStateStore, type CallbackContext } from './oauth-state.store.js';
import { SocialProviders } from './providers/social-providers.js';
import { isWellFormedCode } from './providers/token-shape.js';
import { SocialService } from './social.service.js';

const EXCHANGE_MS = 60 * 1000;

/**
 * The browser redirect flow for web apps without a provider SDK (RFC 9700): authorization code
 * with PKCE S256 and a single-use state (each provider's `redirect`: Passport strategies for
 * Google and Facebook, openid-client for Microsoft and GitHub, state in OauthStateStore). The
 * frontend receives only a one-time, one-minute code that POST /api/auth/exchange/ turns into
 * tokens. No token ever appears in a URL.
 */
@Injectable()
export class OauthRedirectService {
  private readonly logger = new Logger('OAuthRedirect');

  constructor(
    private readonly providers: SocialProviders,
    private readonly states: OauthStateStore,
    private readonly flows: OauthFlowsRepository,
    private readonly social: SocialService,
    private readonly users: UsersService,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  private frontend(path: string, params: Record<string, string>): string {
    return frontendUrl(this.app.frontendBaseUrl, path, params);
  }

  start(providerName: string, next: unknown): Promise<string> {
    return this.providers.get(providerName).redirect.authorizationUrl(next);
  }

  /** Always ends on the frontend: with `code` on success, with `error` otherwise. */
  async callback(providerName: string, query: { code?: unknown; state?: unknown; error?: unknown }, browserState: string | undefined, client: ClientContext): Promise<string> {
    const provider = this.providers.get(providerName);
    const { code, state } = query;
    // Only the browser that started this flow may finish it (BrowserBinding): the state is not even looked up otherwise.
    if (typeof state !== 'string' || browserState === undefined || !sameSecret(state, browserState)) return this.frontend('/', { error: 'invalid_state' });
    // Refused at the provider, or a code that cannot be one: the state is spent, the provider never asked.
    const refusal = typeof code !== 'string' || query.error !== undefined ? 'access_denied' : isWellFormedCode(code) ? null : 'oauth_token_invalid';
    if (refusal) {
      const flow = await this.states.claim(provider.name, state);
      return flow ? this.frontend(flow.nextPath, { error: refusal }) : this.frontend('/', { error: 'invalid_state' });
    }
    const context: CallbackContext = { query: { code: code as string, state } };
    try {
      const profile = await provider.redirect.profileFromCallback(context);
      if (!profile || !context.flow) return this.frontend('/', { error: 'invalid_state' });
      const { user } = await this.social.resolveUser(profile, client);
      const exchangeCode = randomBytes(32).toString('base64url');
      await this.flows.setExchangeCode(context.flow.id, user, sha256(exchangeCode), new Date(Date.now() + EXCHANGE_MS));
      return this.frontend(context.flow.nextPath, { code: exchangeCode });
    } catch (error) {
      const reason = error instanceof ValidationFailedError ? 'account_exists' : error instanceof AppError ? error.code : 'server_error';
      if (!(error instanceof AppError)) this.logger.error({ err: { message: (error as Error).message } }, 'redirect sign-in failed');
      return this.frontend(context.flow?.nextPath ?? '/', { error: reason });
    }
  }

  async exchange(code: string, client: ClientContext): Promise<SignedIn | MfaRequired> {
    const spent = await this.flows.spendExchangeCode(sha256(code));
    const user = spent ? await this.users.findById(spent.userId) : null;
    // Earned with the credentials of its time: a reset or an address claim since voids it.
    if (!user || user.credentialsVersion !== spent!.credentialsVersion) throw new TokenNotValidError();
    return this.social.signInAs(user, client);
  }
}
