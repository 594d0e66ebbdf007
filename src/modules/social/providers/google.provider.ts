import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Strategy as GoogleStrategy, type GoogleCallbackParameters, type Profile, type VerifyCallback } from 'passport-google-oauth20';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import { OauthStateStore } from '../oauth-state.store.js';
import { JwksVerifier } from './jwks-verifier.js';
import { PassportRedirect } from './passport-redirect.js';
import { ProviderHttp } from './provider-http.js';
import { callbackUrl } from './registry.js';
import { assertCodeGrant, assertOpaqueToken, looksLikeJwt } from './token-shape.js';
import type { SocialCredentials, SocialProfile, SocialProvider } from './social-provider.js';

/**
 * Google: ID tokens (GIS `credential`) by JWKS, opaque access tokens by tokeninfo + userinfo, or
 * an authorization code. The browser redirect flow is passport-google-oauth20's; the ID token
 * it brings back is judged like any other (our audience, Google's issuer and keys, azp).
 */
@Injectable()
export class GoogleProvider implements SocialProvider {
  readonly name = 'google' as const;
  readonly redirect: PassportRedirect;
  private readonly idTokens: JwksVerifier;

  constructor(
    private readonly http: ProviderHttp,
    @Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>,
    states: OauthStateStore,
  ) {
    this.idTokens = new JwksVerifier(config.google.jwksUrl, config.timeoutMs, config.jwksCooldownMs);
    const google = config.google;
    this.redirect = new PassportRedirect(
      () =>
        new GoogleStrategy(
          {
            clientID: google.clientId!,
            clientSecret: google.clientSecret ?? '',
            callbackURL: callbackUrl(config.publicUrl, 'google'),
            authorizationURL: google.authorizeUrl,
            tokenURL: google.tokenUrl,
            scope: ['openid', 'email', 'profile'],
            state: true,
            pkce: true,
            store: states.forPassport('google') as never,
            // The person is read from the ID token of the code exchange, not from userinfo.
            skipUserProfile: true,
          },
          (_accessToken: string, _refreshToken: string, params: GoogleCallbackParameters, _profile: Profile, done: VerifyCallback) => {
            this.fromIdToken(params.id_token ?? '').then((profile) => done(null, profile), done);
          },
        ),
      config.timeoutMs,
    );
  }

  async profile(credentials: SocialCredentials): Promise<SocialProfile> {
    const { clientId, clientSecret, tokenUrl } = this.config.google;
    if (credentials.code) {
      assertCodeGrant(credentials);
      if (!credentials.redirect_uri || !clientSecret) throw new OAuthTokenInvalidError();
      const body = new URLSearchParams({ grant_type: 'authorization_code', code: credentials.code, redirect_uri: credentials.redirect_uri, client_id: clientId!, client_secret: clientSecret });
      if (credentials.code_verifier) body.set('code_verifier', credentials.code_verifier);
      const tokens = await this.http.json<{ id_token?: string }>(tokenUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      if (!tokens.id_token) throw new OAuthTokenInvalidError();
      return this.fromIdToken(tokens.id_token);
    }
    if (credentials.id_token) return this.fromIdToken(credentials.id_token);
    const token = credentials.access_token;
    if (!token) throw new OAuthTokenInvalidError();
    // GIS hands the ID token over as `access_token` too: anything shaped like a JWT is judged as one.
    if (looksLikeJwt(token)) return this.fromIdToken(token);
    assertOpaqueToken(token);
    return this.fromAccessToken(token);
  }

  private async fromIdToken(token: string): Promise<SocialProfile> {
    const claims = await this.idTokens.verify(token, this.config.google.clientId!, this.config.google.issuers);
    // azp, when present, must be us too (RFC 9700: the token was issued to this application).
    if (claims.azp !== undefined && claims.azp !== this.config.google.clientId) throw new OAuthTokenInvalidError();
    return this.toProfile(claims as Record<string, unknown>);
  }

  private async fromAccessToken(token: string): Promise<SocialProfile> {
    const info = await this.http.json<{ aud?: string; azp?: string; expires_in?: string | number }>(`${this.config.google.tokenInfoUrl}?access_token=${encodeURIComponent(token)}`);
    const mine = info.aud === this.config.google.clientId || info.azp === this.config.google.clientId;
    if (!mine || !(Number(info.expires_in) > 0)) throw new OAuthTokenInvalidError();
    const user = await this.http.json<Record<string, unknown>>(this.config.google.userInfoUrl, { headers: { Authorization: `Bearer ${token}` } });
    return this.toProfile(user);
  }

  private toProfile(claims: Record<string, unknown>): SocialProfile {
    if (typeof claims.sub !== 'string' || !claims.sub) throw new OAuthTokenInvalidError();
    return {
      provider: 'google',
      subject: claims.sub,
      email: typeof claims.email === 'string' ? claims.email : null,
      emailVerified: claims.email_verified === true || claims.email_verified === 'true',
      firstName: typeof claims.given_name === 'string' ? claims.given_name : '',
      lastName: typeof claims.family_name === 'string' ? claims.family_name : '',
    };
  }
}
