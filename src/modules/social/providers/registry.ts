import type { SocialConfig } from '../../../config/social.config.js';

/** One sign-in provider as the rest of the service sees it: its words in the API document and when it is usable. */
export interface ProviderEntry {
  /** The provider's name for people ("Sign in with …"). */
  readonly title: string;
  /** What its POST /api/auth/{name}/ accepts, for the API document. */
  readonly accepts: string;
  /** Whether this server has the provider's credentials; without them every endpoint answers provider_not_configured. */
  configured(config: SocialConfig): boolean;
}

/**
 * The sign-in providers: the one list that makes the routes (social.controller.ts), the body
 * and response documentation (dto/social.dto.ts), the API document and the configuration check.
 * Each name also needs its adapter in social-providers.ts (the compiler insists) and its
 * settings under the same key in social.config.ts.
 */
export const PROVIDERS = {
  google: {
    title: 'Google',
    accepts: '`access_token` (an ID token from Google Identity Services, or an OAuth access token), or `id_token`, or `code` + `redirect_uri` (+ `code_verifier`).',
    configured: (config) => Boolean(config.google.clientId),
  },
  facebook: {
    title: 'Facebook',
    accepts: '`access_token`: checked with debug_token against our app.',
    configured: (config) => Boolean(config.facebook.appId && config.facebook.appSecret),
  },
  microsoft: {
    title: 'Microsoft',
    accepts: '`access_token` (MSAL token for Graph, scope User.Read) or `id_token`. Accounts are keyed by tenant and object id.',
    configured: (config) => Boolean(config.microsoft.appId),
  },
  github: {
    title: 'GitHub',
    accepts: '`code` + `redirect_uri` from the GitHub authorization redirect.',
    configured: (config) => Boolean(config.github.clientId && config.github.clientSecret),
  },
} as const satisfies Record<string, ProviderEntry>;

export type ProviderName = keyof typeof PROVIDERS;

export const PROVIDER_NAMES = Object.keys(PROVIDERS) as ProviderName[];

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDERS, name);
}

/** Where a provider sends the browser back (register it at the provider): PUBLIC_URL + /api/auth/{name}/callback/. */
export function callbackUrl(publicUrl: string, name: ProviderName): string {
  return `${publicUrl}/api/auth/${name}/callback/`;
}
