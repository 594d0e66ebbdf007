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

export interface SocialProvider {
  readonly name: ProviderName;
  readonly configured: boolean;
  /** Verifies the credentials with the provider; throws OAuthTokenInvalidError when it refuses them. */
  profile(credentials: SocialCredentials): Promise<SocialProfile>;
}
