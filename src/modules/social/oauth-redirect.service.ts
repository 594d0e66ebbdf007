import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { appConfig } from '../../config/app.config.js';
import { socialConfig } from '../../config/social.config.js';
import { sha256Hex as sha256 } from '../../common/crypto.js';
import { frontendUrl } from '../../common/http/frontend-url.js';
import { AppError, TokenNotValidError, ValidationFailedError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import type { MfaRequired, SignedIn } from '../auth/sign-in.service.js';
import { UsersService } from '../users/users.service.js';
import { OauthFlow } from './oauth-flow.entity.js';
import { SocialService } from './social.service.js';

const random = () => randomBytes(32).toString('base64url');
const FLOW_MS = 10 * 60 * 1000;
const EXCHANGE_MS = 60 * 1000;

/**
 * The browser redirect flow for web apps without a provider SDK (RFC 9700): authorization code
 * with PKCE S256 and a single-use state; the frontend receives only a one-time, one-minute code
 * that POST /api/auth/exchange/ turns into tokens. No token ever appears in a URL.
 */
@Injectable()
export class OauthRedirectService {
  private readonly logger = new Logger('OAuthRedirect');

  constructor(
    private readonly dataSource: DataSource,
    private readonly social: SocialService,
    private readonly users: UsersService,
    @Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  private callbackUrl(provider: string): string {
    return `${this.config.publicUrl}/api/auth/${provider}/callback/`;
  }

  /** Only a path on the frontend: an absolute or protocol-relative `next` would be an open redirect. */
  private safeNext(next: unknown): string {
    return typeof next === 'string' && /^\/(?![/\\])[\w\-./~%?=&#]*$/.test(next) && next.length <= 512 ? next : '/';
  }

  private frontend(path: string, params: Record<string, string>): string {
    return frontendUrl(this.app.frontendBaseUrl, path, params);
  }

  async start(providerName: string, next: unknown): Promise<string> {
    const provider = this.social.provider(providerName);
    const state = random();
    const verifier = random();
    await this.dataSource.manager.insert(OauthFlow, {
      id: randomUUID(),
      provider: provider.name,
      stateHash: sha256(state),
      codeVerifier: verifier,
      nextPath: this.safeNext(next),
      expiresAt: new Date(Date.now() + FLOW_MS),
    });
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    return provider.authorizeUrl({ state, codeChallenge: challenge, redirectUri: this.callbackUrl(provider.name) });
  }

  /** Always ends on the frontend: with `code` on success, with `error` otherwise. */
  async callback(providerName: string, query: { code?: unknown; state?: unknown; error?: unknown }, client: ClientContext): Promise<string> {
    const provider = this.social.provider(providerName);
    if (typeof query.state !== 'string') return this.frontend('/', { error: 'invalid_state' });
    const claimed = await this.dataSource.manager
      .createQueryBuilder()
      .update(OauthFlow)
      .set({ stateUsedAt: () => 'now()' })
      .where('state_hash = :hash AND provider = :provider AND state_used_at IS NULL AND expires_at > now()', { hash: sha256(query.state), provider: provider.name })
      .returning('*')
      .execute();
    const flow = (claimed.raw as { id: string; code_verifier: string; next_path: string }[])[0];
    if (!flow) return this.frontend('/', { error: 'invalid_state' });
    if (typeof query.code !== 'string' || query.error !== undefined) return this.frontend(flow.next_path, { error: 'access_denied' });
    try {
      const profile = await provider.profileFromCode(query.code, this.callbackUrl(provider.name), flow.code_verifier);
      const { user } = await this.social.resolveUser(profile, client);
      const code = random();
      await this.dataSource.manager.update(OauthFlow, { id: flow.id }, { userId: user.id, exchangeCodeHash: sha256(code), exchangeExpiresAt: new Date(Date.now() + EXCHANGE_MS) });
      return this.frontend(flow.next_path, { code });
    } catch (error) {
      const reason = error instanceof ValidationFailedError ? 'account_exists' : error instanceof AppError ? error.code : 'server_error';
      if (!(error instanceof AppError)) this.logger.error({ err: { message: (error as Error).message } }, 'redirect sign-in failed');
      return this.frontend(flow.next_path, { error: reason });
    }
  }

  async exchange(code: string, client: ClientContext): Promise<SignedIn | MfaRequired> {
    const spent = await this.dataSource.manager
      .createQueryBuilder()
      .update(OauthFlow)
      .set({ exchangedAt: () => 'now()' })
      .where('exchange_code_hash = :hash AND exchanged_at IS NULL AND exchange_expires_at > now()', { hash: sha256(code) })
      .returning('*')
      .execute();
    const userId = (spent.raw as { user_id: string }[])[0]?.user_id;
    const user = userId ? await this.users.findById(userId) : null;
    if (!user) throw new TokenNotValidError();
    return this.social.signInAs(user, client);
  }
}
