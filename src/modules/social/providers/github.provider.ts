import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import { OauthStateStore } from '../oauth-state.store.js';
import { OpenIdRedirect } from './openid-redirect.js';
import { ProviderHttp } from './provider-http.js';
import { callbackUrl } from './registry.js';
import { assertCodeGrant } from './token-shape.js';
import type { SocialCredentials, SocialProfile, SocialProvider } from './social-provider.js';

/**
 * GitHub: the authorization code is exchanged for a token (openid-client, for a code posted by
 * the app as for one from our redirect flow), then the user and its verified primary email.
 */
@Injectable()
export class GithubProvider implements SocialProvider {
  readonly name = 'github' as const;
  readonly redirect: OpenIdRedirect;

  constructor(
    private readonly http: ProviderHttp,
    @Inject(socialConfig.KEY) config: ConfigType<typeof socialConfig>,
    states: OauthStateStore,
  ) {
    const { clientId, clientSecret, oauthUrl } = config.github;
    this.redirect = new OpenIdRedirect(
      'github',
      () => ({
        issuer: oauthUrl,
        authorizationEndpoint: `${oauthUrl}/authorize`,
        tokenEndpoint: `${oauthUrl}/access_token`,
        clientId: clientId!,
        clientSecret: clientSecret!,
        scope: 'read:user user:email',
        callbackUrl: callbackUrl(config.publicUrl, 'github'),
      }),
      states,
      http,
      (token) => this.fromAccessToken(token, config.github.apiUrl),
    );
  }

  async profile(credentials: SocialCredentials): Promise<SocialProfile> {
    assertCodeGrant(credentials);
    if (!credentials.code || !credentials.redirect_uri) throw new OAuthTokenInvalidError();
    return this.redirect.profileFromCode(credentials.code, credentials.redirect_uri, credentials.code_verifier);
  }

  private async fromAccessToken(token: string, apiUrl: string): Promise<SocialProfile> {
    const auth = { Authorization: `Bearer ${token}` };
    const user = await this.http.json<{ id?: number; name?: string | null }>(`${apiUrl}/user`, { headers: auth });
    if (typeof user.id !== 'number') throw new OAuthTokenInvalidError();
    const emails = await this.http.json<{ email: string; primary: boolean; verified: boolean }[]>(`${apiUrl}/user/emails`, { headers: auth });
    const primary = Array.isArray(emails) ? emails.find((e) => e.primary) : undefined;
    const [first, ...rest] = (user.name ?? '').split(' ');
    return { provider: 'github', subject: String(user.id), email: primary?.email ?? null, emailVerified: primary?.verified === true, firstName: first ?? '', lastName: rest.join(' ') };
  }
}
