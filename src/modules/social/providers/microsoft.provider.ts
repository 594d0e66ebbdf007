import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import { OauthStateStore } from '../oauth-state.store.js';
import { JwksVerifier } from './jwks-verifier.js';
import { OpenIdRedirect } from './openid-redirect.js';
import { ProviderHttp } from './provider-http.js';
import { callbackUrl } from './registry.js';
import { assertProviderJwt } from './token-shape.js';
import type { SocialCredentials, SocialProfile, SocialProvider } from './social-provider.js';

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Microsoft identity platform, validated with jose (passport-azure-ad is archived, see
 * docs/social-sign-in.md). ID tokens: the tenant's JWKS, audience our app, issuer matching the
 * token's own tid. Graph access tokens (User.Read) cannot be verified by us, so their appid/azp
 * must name our app and Graph /me must accept them. Accounts are keyed by tid + oid; the email
 * claim is tenant-controlled, so it is never treated as verified (SECURITY.md 23).
 *
 * The browser redirect flow goes through openid-client and asks for the Graph token only
 * (scope User.Read): with the `common`, `organizations` or `consumers` tenant an ID token's
 * issuer names the user's own tenant, which openid-client cannot be told to accept without
 * discovery against login.microsoftonline.com. The Graph token, fresh from our own code
 * exchange, gets the same checks as one posted by an app.
 */
@Injectable()
export class MicrosoftProvider implements SocialProvider {
  readonly name = 'microsoft' as const;
  readonly redirect: OpenIdRedirect;
  private readonly idTokens: JwksVerifier;

  constructor(
    private readonly http: ProviderHttp,
    @Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>,
    states: OauthStateStore,
  ) {
    const { loginUrl, tenant, appId, appSecret } = config.microsoft;
    this.idTokens = new JwksVerifier(`${loginUrl}/${tenant}/discovery/v2.0/keys`, config.timeoutMs, config.jwksCooldownMs);
    this.redirect = new OpenIdRedirect(
      'microsoft',
      () => ({
        issuer: `${loginUrl}/${tenant}/v2.0`,
        authorizationEndpoint: `${loginUrl}/${tenant}/oauth2/v2.0/authorize`,
        tokenEndpoint: `${loginUrl}/${tenant}/oauth2/v2.0/token`,
        clientId: appId!,
        clientSecret: appSecret,
        scope: 'User.Read',
        callbackUrl: callbackUrl(config.publicUrl, 'microsoft'),
      }),
      states,
      http,
      (token) => this.fromGraphToken(token),
    );
  }

  async profile(credentials: SocialCredentials): Promise<SocialProfile> {
    if (credentials.id_token) return this.fromIdToken(credentials.id_token);
    if (credentials.access_token) return this.fromGraphToken(credentials.access_token);
    throw new OAuthTokenInvalidError();
  }

  private allowedTenant(tid: unknown): tid is string {
    const { tenant } = this.config.microsoft;
    if (typeof tid !== 'string' || !TENANT_ID.test(tid)) return false;
    if (TENANT_ID.test(tenant)) return tid === tenant;
    const consumers = '9188040d-6c67-4c5b-b112-36a304b66dad';
    if (tenant === 'consumers') return tid === consumers;
    if (tenant === 'organizations') return tid !== consumers;
    return true;
  }

  private async fromIdToken(token: string): Promise<SocialProfile> {
    const claims = await this.idTokens.verify(token, this.config.microsoft.appId!);
    const tid = claims.tid;
    if (!this.allowedTenant(tid) || claims.iss !== `${this.config.microsoft.loginUrl}/${tid}/v2.0`) throw new OAuthTokenInvalidError();
    if (typeof claims.oid !== 'string') throw new OAuthTokenInvalidError();
    const [first, ...rest] = String(claims.name ?? '').split(' ');
    return { provider: 'microsoft', subject: `${tid}:${claims.oid}`, email: typeof claims.email === 'string' ? claims.email : null, emailVerified: false, firstName: first ?? '', lastName: rest.join(' ') };
  }

  private async fromGraphToken(token: string): Promise<SocialProfile> {
    // Unverifiable here, but a token that is not even a well-formed RS256 JWT never reaches Graph.
    const claims = assertProviderJwt(token);
    const appId = claims.appid ?? claims.azp;
    if (appId !== this.config.microsoft.appId || !this.allowedTenant(claims.tid) || typeof claims.oid !== 'string') throw new OAuthTokenInvalidError();
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) throw new OAuthTokenInvalidError();
    const me = await this.http.json<{ id?: string; mail?: string | null; userPrincipalName?: string; givenName?: string | null; surname?: string | null }>(`${this.config.microsoft.graphUrl}/me`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (me.id !== claims.oid) throw new OAuthTokenInvalidError();
    return { provider: 'microsoft', subject: `${claims.tid}:${claims.oid}`, email: me.mail ?? null, emailVerified: false, firstName: me.givenName ?? '', lastName: me.surname ?? '' };
  }
}
