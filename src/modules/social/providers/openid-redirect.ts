import * as oidc from 'openid-client';
import { AppError, OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import type { CallbackContext, OauthStateStore } from '../oauth-state.store.js';
import type { ProviderHttp } from './provider-http.js';
import type { ProviderName } from './registry.js';
import type { RedirectSignIn, SocialProfile } from './social-provider.js';

export interface OAuthClientSettings {
  /** Identifies the server in openid-client's metadata; no ID token is requested, so nothing is checked against it. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret?: string;
  scope: string;
  callbackUrl: string;
}

/**
 * The redirect flow, and the code exchange, through openid-client (Microsoft, GitHub). The
 * server metadata is built from the configured URLs rather than discovered (GitHub has no
 * discovery document; tests and private deployments point the URLs elsewhere, over http on
 * loopback, which `allowInsecureRequests` permits only for an http URL configured so). Every
 * request goes through ProviderHttp, so a provider that is down or slow is a 503 in time.
 * The state and verifier are OauthStateStore's, as for the Passport strategies.
 */
export class OpenIdRedirect implements RedirectSignIn {
  private configuration?: oidc.Configuration;

  /** `settings` is read once, on first use: the client cannot be built without credentials. */
  constructor(
    private readonly provider: ProviderName,
    private readonly settings: () => OAuthClientSettings,
    private readonly states: OauthStateStore,
    private readonly http: ProviderHttp,
    private readonly profileFromAccessToken: (accessToken: string) => Promise<SocialProfile>,
  ) {}

  async authorizationUrl(next: unknown): Promise<string> {
    const { scope, callbackUrl } = this.settings();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = await this.states.create(this.provider, verifier, next);
    const challenge = await oidc.calculatePKCECodeChallenge(verifier);
    return oidc.buildAuthorizationUrl(this.client(), { redirect_uri: callbackUrl, scope, state, code_challenge: challenge, code_challenge_method: 'S256' }).href;
  }

  async profileFromCallback(context: CallbackContext): Promise<SocialProfile | null> {
    const flow = await this.states.claim(this.provider, context.query.state);
    if (!flow) return null;
    context.flow = flow;
    return this.profileFromCode(context.query.code, this.settings().callbackUrl, flow.codeVerifier);
  }

  /** The person behind an authorization code (RFC 6749 §4.1.3, with the PKCE verifier when there is one). */
  async profileFromCode(code: string, redirectUri: string, codeVerifier?: string): Promise<SocialProfile> {
    return this.profileFromAccessToken(await this.exchangeCode(code, redirectUri, codeVerifier));
  }

  private async exchangeCode(code: string, redirectUri: string, codeVerifier?: string): Promise<string> {
    try {
      const tokens = await oidc.genericGrantRequest(this.client(), 'authorization_code', { code, redirect_uri: redirectUri, ...(codeVerifier ? { code_verifier: codeVerifier } : {}) });
      return tokens.access_token;
    } catch (error) {
      // ProviderHttp's 503 reaches us as the cause of openid-client's error; any other failure is the provider refusing the code.
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof AppError) throw cause;
      throw new OAuthTokenInvalidError();
    }
  }

  private client(): oidc.Configuration {
    if (this.configuration) return this.configuration;
    const { issuer, authorizationEndpoint, tokenEndpoint, clientId, clientSecret } = this.settings();
    const configuration = new oidc.Configuration({ issuer, authorization_endpoint: authorizationEndpoint, token_endpoint: tokenEndpoint }, clientId, clientSecret);
    configuration[oidc.customFetch] = this.http.fetch;
    if (new URL(tokenEndpoint).protocol === 'http:') oidc.allowInsecureRequests(configuration);
    this.configuration = configuration;
    return configuration;
  }
}
