export type ProviderName = 'google' | 'facebook' | 'microsoft' | 'github';

/** What every provider adapter hands back: the provider's stable subject and what it says about the person. */
export interface SocialProfile {
  provider: ProviderName;
  /** The provider's stable id for the person; for Microsoft `tid:oid`. Never the email. */
  subject: string;
  email: string | null;
  /** Only a provider's explicit assertion counts; without it the email never links accounts. */
  emailVerified: boolean;
  firstName: string;
  lastName: string;
}

/** The credentials a client may send; each provider accepts the kinds it supports. */
export interface SocialCredentials {
  access_token?: string;
  id_token?: string;
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
}

export interface AuthorizeParams {
  state: string;
  codeChallenge: string;
  redirectUri: string;
}

export interface SocialProvider {
  readonly name: ProviderName;
  readonly configured: boolean;
  /** Verifies the credentials with the provider; throws OAuthTokenInvalidError when it refuses them. */
  profile(credentials: SocialCredentials): Promise<SocialProfile>;
  /** The provider's authorization URL for the browser redirect flow (authorization code + PKCE S256). */
  authorizeUrl(params: AuthorizeParams): string;
  /** The profile behind an authorization code from the redirect flow. */
  profileFromCode(code: string, redirectUri: string, codeVerifier: string): Promise<SocialProfile>;
}

export function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
