import { appSettings } from './app.config.js';
import { configArea, int, str, url, type Env } from './env.js';
import { defineSettings } from './settings.js';

const HTTPS = ['https:', 'http:'];

/** A provider without its id and secret answers 404 provider_not_configured. */
export const socialSettings = defineSettings('Social sign-in', {
  SOCIAL_HTTP_TIMEOUT_MS: 'time limit of each call to a provider, ms (503 past it)',
  SOCIAL_JWKS_COOLDOWN_MS: 'least time between two key-set fetches caused by unknown key ids, ms, so random `kid`s cannot make us hammer a provider',
  GOOGLE_OAUTH_CLIENT_ID: 'Google OAuth client id; ID tokens must be issued to it. Unset: Google answers 404 `provider_not_configured`',
  GOOGLE_OAUTH_CLIENT_SECRET: 'Google OAuth client secret, needed for `code` and the redirect flow',
  GOOGLE_ISSUER: 'one more accepted ID-token issuer besides `https://accounts.google.com` and `accounts.google.com` (tests point it at a fake)',
  GOOGLE_JWKS_URL: "Google's key set for ID tokens",
  GOOGLE_TOKENINFO_URL: "Google's tokeninfo endpoint (checks opaque access tokens)",
  GOOGLE_USERINFO_URL: "Google's userinfo endpoint",
  GOOGLE_TOKEN_URL: "Google's token endpoint (`code` exchange)",
  GOOGLE_AUTHORIZE_URL: "Google's authorization endpoint (redirect flow)",
  FACEBOOK_APP_ID: 'Facebook app id; tokens must be issued to this app. Unset: Facebook answers 404 `provider_not_configured`',
  FACEBOOK_APP_SECRET: 'Facebook app secret',
  FACEBOOK_GRAPH_URL: "Facebook's Graph API",
  FACEBOOK_DIALOG_URL: "Facebook's login dialog (redirect flow)",
  MICROSOFT_APP_ID: 'Microsoft identity platform app registration id. Unset: Microsoft answers 404 `provider_not_configured`',
  MICROSOFT_APP_SECRET: 'Microsoft app secret',
  MICROSOFT_TENANT: 'which tenants may sign in: `common`, `organizations`, `consumers` or a tenant id',
  MICROSOFT_LOGIN_URL: "Microsoft's login host",
  MICROSOFT_GRAPH_URL: "Microsoft Graph",
  GITHUB_CLIENT_ID: 'GitHub OAuth app client id. Unset: GitHub answers 404 `provider_not_configured`',
  GITHUB_CLIENT_SECRET: 'GitHub OAuth app secret',
  GITHUB_OAUTH_URL: "GitHub's OAuth endpoints",
  GITHUB_API_URL: "GitHub's REST API",
});

/** Every provider URL is configurable, so tests (and private deployments) can point elsewhere. */
export function loadSocialConfig(source: Env = process.env) {
  const env = socialSettings.read(source, appSettings);
  return {
    timeoutMs: int(env, 'SOCIAL_HTTP_TIMEOUT_MS', 5000, 100, 60000),
    /** Least time between two JWKS fetches caused by unknown key ids, so random kids cannot make us hammer a provider. */
    /** Where providers send the browser back: PUBLIC_URL + /api/auth/{provider}/callback/. */
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${env.PORT ?? 8000}`, HTTPS).replace(/\/+$/, ''),
    jwksCooldownMs: int(env, 'SOCIAL_JWKS_COOLDOWN_MS', 30000, 0, 3600000),
    google: {
      clientId: str(env, 'GOOGLE_OAUTH_CLIENT_ID'),
      clientSecret: str(env, 'GOOGLE_OAUTH_CLIENT_SECRET'),
      issuers: ['https://accounts.google.com', 'accounts.google.com', ...(str(env, 'GOOGLE_ISSUER') ? [str(env, 'GOOGLE_ISSUER')!] : [])],
      jwksUrl: url(env, 'GOOGLE_JWKS_URL', 'https://www.googleapis.com/oauth2/v3/certs', HTTPS),
      tokenInfoUrl: url(env, 'GOOGLE_TOKENINFO_URL', 'https://oauth2.googleapis.com/tokeninfo', HTTPS),
      userInfoUrl: url(env, 'GOOGLE_USERINFO_URL', 'https://openidconnect.googleapis.com/v1/userinfo', HTTPS),
      tokenUrl: url(env, 'GOOGLE_TOKEN_URL', 'https://oauth2.googleapis.com/token', HTTPS),
      authorizeUrl: url(env, 'GOOGLE_AUTHORIZE_URL', 'https://accounts.google.com/o/oauth2/v2/auth', HTTPS),
    },
    facebook: {
      appId: str(env, 'FACEBOOK_APP_ID'),
      appSecret: str(env, 'FACEBOOK_APP_SECRET'),
      graphUrl: url(env, 'FACEBOOK_GRAPH_URL', 'https://graph.facebook.com/v19.0', HTTPS),
      dialogUrl: url(env, 'FACEBOOK_DIALOG_URL', 'https://www.facebook.com/v19.0/dialog/oauth', HTTPS),
    },
    microsoft: {
      appId: str(env, 'MICROSOFT_APP_ID'),
      appSecret: str(env, 'MICROSOFT_APP_SECRET'),
      tenant: str(env, 'MICROSOFT_TENANT', 'common'),
      loginUrl: url(env, 'MICROSOFT_LOGIN_URL', 'https://login.microsoftonline.com', HTTPS),
      graphUrl: url(env, 'MICROSOFT_GRAPH_URL', 'https://graph.microsoft.com/v1.0', HTTPS),
    },
    github: {
      clientId: str(env, 'GITHUB_CLIENT_ID'),
      clientSecret: str(env, 'GITHUB_CLIENT_SECRET'),
      oauthUrl: url(env, 'GITHUB_OAUTH_URL', 'https://github.com/login/oauth', HTTPS),
      apiUrl: url(env, 'GITHUB_API_URL', 'https://api.github.com', HTTPS),
    },
  };
}

export type SocialConfig = ReturnType<typeof loadSocialConfig>;
export const socialConfig = configArea<SocialConfig>('social');
