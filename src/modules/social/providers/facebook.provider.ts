import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import { ProviderHttp } from './provider-http.js';
import { assertCodeGrant, assertOpaqueToken } from './token-shape.js';
import { withQuery, type AuthorizeParams, type SocialCredentials, type SocialProfile, type SocialProvider } from './social-provider.js';

/** Facebook: debug_token with the app token (valid, issued to our app, unexpired), then /me with appsecret_proof. */
@Injectable()
export class FacebookProvider implements SocialProvider {
  readonly name = 'facebook' as const;

  constructor(
    private readonly http: ProviderHttp,
    @Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.facebook.appId && this.config.facebook.appSecret);
  }

  authorizeUrl({ state, codeChallenge, redirectUri }: AuthorizeParams): string {
    return withQuery(this.config.facebook.dialogUrl, {
      client_id: this.config.facebook.appId!,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'email',
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async profileFromCode(code: string, redirectUri: string, codeVerifier: string): Promise<SocialProfile> {
    assertCodeGrant({ code, redirect_uri: redirectUri, code_verifier: codeVerifier });
    const { appId, appSecret, graphUrl } = this.config.facebook;
    const exchanged = await this.http.json<{ access_token?: string }>(
      withQuery(`${graphUrl}/oauth/access_token`, { client_id: appId!, client_secret: appSecret!, redirect_uri: redirectUri, code, code_verifier: codeVerifier }),
    );
    if (!exchanged.access_token) throw new OAuthTokenInvalidError();
    return this.profile({ access_token: exchanged.access_token });
  }

  async profile(credentials: SocialCredentials): Promise<SocialProfile> {
    const token = credentials.access_token;
    if (!token) throw new OAuthTokenInvalidError();
    assertOpaqueToken(token);
    const { appId, appSecret, graphUrl } = this.config.facebook;
    const debug = await this.http.json<{ data?: { is_valid?: boolean; app_id?: string; user_id?: string; expires_at?: number } }>(
      `${graphUrl}/debug_token?input_token=${encodeURIComponent(token)}&access_token=${encodeURIComponent(`${appId}|${appSecret}`)}`,
    );
    const data = debug.data;
    const expired = data?.expires_at !== undefined && data.expires_at !== 0 && data.expires_at * 1000 <= Date.now();
    if (!data?.is_valid || data.app_id !== appId || !data.user_id || expired) throw new OAuthTokenInvalidError();
    const proof = createHmac('sha256', appSecret!).update(token).digest('hex');
    const me = await this.http.json<{ id?: string; email?: string; first_name?: string; last_name?: string }>(
      `${graphUrl}/me?fields=id,email,first_name,last_name&access_token=${encodeURIComponent(token)}&appsecret_proof=${proof}`,
    );
    if (me.id !== data.user_id) throw new OAuthTokenInvalidError();
    // Facebook does not say whether an address was confirmed, so it never links accounts.
    return { provider: 'facebook', subject: me.id, email: me.email ?? null, emailVerified: false, firstName: me.first_name ?? '', lastName: me.last_name ?? '' };
  }
}
