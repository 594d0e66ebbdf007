import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import { ProviderHttp } from './provider-http.js';
import { assertCodeGrant } from './token-shape.js';
import { withQuery, type AuthorizeParams, type SocialCredentials, type SocialProfile, type SocialProvider } from './social-provider.js';

/** GitHub: the authorization code is exchanged for a token, then the user and its verified primary email. */
@Injectable()
export class GithubProvider implements SocialProvider {
  readonly name = 'github' as const;

  constructor(
    private readonly http: ProviderHttp,
    @Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.github.clientId && this.config.github.clientSecret);
  }

  authorizeUrl({ state, codeChallenge, redirectUri }: AuthorizeParams): string {
    return withQuery(`${this.config.github.oauthUrl}/authorize`, {
      client_id: this.config.github.clientId!,
      redirect_uri: redirectUri,
      scope: 'read:user user:email',
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  profileFromCode(code: string, redirectUri: string, codeVerifier: string): Promise<SocialProfile> {
    return this.profile({ code, redirect_uri: redirectUri, code_verifier: codeVerifier });
  }

  async profile(credentials: SocialCredentials): Promise<SocialProfile> {
    assertCodeGrant(credentials);
    if (!credentials.code || !credentials.redirect_uri) throw new OAuthTokenInvalidError();
    const { clientId, clientSecret, oauthUrl, apiUrl } = this.config.github;
    const body = new URLSearchParams({ client_id: clientId!, client_secret: clientSecret!, code: credentials.code, redirect_uri: credentials.redirect_uri });
    if (credentials.code_verifier) body.set('code_verifier', credentials.code_verifier);
    const exchanged = await this.http.json<{ access_token?: string }>(`${oauthUrl}/access_token`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    if (!exchanged.access_token) throw new OAuthTokenInvalidError();
    const auth = { Authorization: `Bearer ${exchanged.access_token}` };
    const user = await this.http.json<{ id?: number; name?: string | null }>(`${apiUrl}/user`, { headers: auth });
    if (typeof user.id !== 'number') throw new OAuthTokenInvalidError();
    const emails = await this.http.json<{ email: string; primary: boolean; verified: boolean }[]>(`${apiUrl}/user/emails`, { headers: auth });
    const primary = Array.isArray(emails) ? emails.find((e) => e.primary) : undefined;
    const [first, ...rest] = (user.name ?? '').split(' ');
    return { provider: 'github', subject: String(user.id), email: primary?.email ?? null, emailVerified: primary?.verified === true, firstName: first ?? '', lastName: rest.join(' ') };
  }
}
