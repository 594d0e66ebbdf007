import { configArea, int, str, url, type Env } from './env.js';

const HTTPS = ['https:', 'http:'];

/** Every provider URL is configurable, so tests (and private deployments) can point elsewhere. */
export function loadSocialConfig(env: Env = process.env) {
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
