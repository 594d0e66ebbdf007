import type { CallbackContext } from '../oauth-state.store.js';
import type { ProviderName } from './registry.js';

export type { ProviderName } from './registry.js';

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

/** The browser redirect flow of one provider: authorization code with PKCE S256, state in our database (OauthStateStore). */
export interface RedirectSignIn {
  /** The provider's authorization URL, for a new flow that lands on `next` (a frontend path) afterwards. */
  authorizationUrl(next: unknown): Promise<string>;
  /**
   * Claims the callback's state (single use; the flow is recorded on `context.flow`) and trades
   * its code, with the flow's PKCE verifier, for the person's profile. Null when the state is not
   * one we issued to this provider, or is used or expired.
   */
  profileFromCallback(context: CallbackContext): Promise<SocialProfile | null>;
}

export interface SocialProvider {
  readonly name: ProviderName;
  /** Verifies the credentials with the provider; throws OAuthTokenInvalidError when it refuses them. */
  profile(credentials: SocialCredentials): Promise<SocialProfile>;
  readonly redirect: RedirectSignIn;
}
