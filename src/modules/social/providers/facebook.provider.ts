import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Strategy as FacebookStrategy } from 'passport-facebook';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import { OauthStateStore } from '../oauth-state.store.js';
import { PassportRedirect } from './passport-redirect.js';
import { ProviderHttp } from './provider-http.js';
import { callbackUrl } from './registry.js';
import { assertOpaqueToken } from './token-shape.js';
import type { SocialCredentials, SocialProfile, SocialProvider } from './social-provider.js';

/**
 * Facebook: debug_token with the app token (valid, issued to our app, unexpired), then /me with
 * appsecret_proof. The browser redirect flow is passport-facebook's; the access token it brings
 * back goes through the same checks.
 */
@Injectable()
export class FacebookProvider implements SocialProvider {
  readonly name = 'facebook' as const;
  readonly redirect: PassportRedirect;

  constructor(
    private readonly http: ProviderHttp,
    @Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>,
    states: OauthStateStore,
  ) {
    const facebook = config.facebook;
    this.redirect = new PassportRedirect(
      () =>
        new FacebookStrategy(
          {
            clientID: facebook.appId!,
            clientSecret: facebook.appSecret!,
            callbackURL: callbackUrl(config.publicUrl, 'facebook'),
            authorizationURL: facebook.dialogUrl,
            tokenURL: `${facebook.graphUrl}/oauth/access_token`,
            scope: ['email'],
            state: true,
            pkce: true,
            store: states.forPassport('facebook') as never,
            // profile() below reads /me itself, after debug_token.
            skipUserProfile: true,
          },
          (accessToken, _refreshToken, _profile, done) => {
            this.profile({ access_token: accessToken }).then((profile) => done(null, profile), done);
          },
        ),
      config.timeoutMs,
    );
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
