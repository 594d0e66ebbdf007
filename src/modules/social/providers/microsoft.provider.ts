import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import { JwksVerifier } from './jwks-verifier.js';
import { ProviderHttp } from './provider-http.js';
import { assertCodeGrant, assertProviderJwt } from './token-shape.js';
import { withQuery, type AuthorizeParams, type SocialCredentials, type SocialProfile, type SocialProvider } from './social-provider.js';

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Microsoft identity platform, validated with jose (passport-azure-ad is deprecated).
 * ID tokens: the tenant's JWKS, audience our app, issuer matching the token's own tid.
 * Graph access tokens (User.Read) cannot be verified by us, so their appid/azp must name our app
 * and Graph /me must accept them. Accounts are keyed by tid + oid; the email claim is
 * tenant-controlled, so it is never treated as verified (SECURITY.md 23).
 */
@Injectable()
export class MicrosoftProvider implements SocialProvider {
  readonly name = 'microsoft' as const;
  private readonly idTokens: JwksVerifier;

  constructor(
    private readonly http: ProviderHttp,
    @Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>,
  ) {
    const { loginUrl, tenant } = config.microsoft;
    this.idTokens = new JwksVerifier(`${loginUrl}/${tenant}/discovery/v2.0/keys`, config.timeoutMs, config.jwksCooldownMs);
  }

  get configured(): boolean {
    return Boolean(this.config.microsoft.appId);
  }

  async profile(credentials: SocialCredentials): Promise<SocialProfile> {
    if (credentials.id_token) return this.fromIdToken(credentials.id_token);
    if (credentials.access_token) return this.fromGraphToken(credentials.access_token);
    throw new OAuthTokenInvalidError();
  }

  authorizeUrl({ state, codeChallenge, redirectUri }: AuthorizeParams): string {
    const { loginUrl, tenant, appId } = this.config.microsoft;
    return withQuery(`${loginUrl}/${tenant}/oauth2/v2.0/authorize`, {
      client_id: appId!,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile email User.Read',
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async profileFromCode(code: string, redirectUri: string, codeVerifier: string): Promise<SocialProfile> {
    assertCodeGrant({ code, redirect_uri: redirectUri, code_verifier: codeVerifier });
    const { loginUrl, tenant, appId, appSecret } = this.config.microsoft;
    const body = new URLSearchParams({ client_id: appId!, client_secret: appSecret ?? '', grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
    const tokens = await this.http.json<{ id_token?: string }>(`${loginUrl}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    if (!tokens.id_token) throw new OAuthTokenInvalidError();
    return this.fromIdToken(tokens.id_token);
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
