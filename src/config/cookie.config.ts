import { loadAppConfig, type AppConfig } from './app.config.js';
import { configArea, bool, ConfigError, list, oneOf, str, type Env } from './env.js';
import { defineSettings, type SettingsEnv } from './settings.js';

export const cookieSettings = defineSettings('Cookie mode and browsers', {
  AUTH_COOKIE: 'deliver tokens as HttpOnly cookies instead of in the body, and accept the access cookie; unsafe cookie-authenticated requests must echo the CSRF cookie in the CSRF header (see docs/api.md, Cookie mode)',
  AUTH_COOKIE_ACCESS_NAME: 'name of the access cookie',
  AUTH_COOKIE_REFRESH_NAME: 'name of the refresh cookie',
  AUTH_COOKIE_PATH: 'path of the access cookie',
  AUTH_COOKIE_REFRESH_PATH: 'path of the refresh cookie: it only travels to the refresh endpoint',
  AUTH_COOKIE_DOMAIN: 'cookie domain; unset means this host only',
  AUTH_COOKIE_SAMESITE: '`SameSite` attribute; `none` needs `AUTH_COOKIE_SECURE=true`',
  AUTH_COOKIE_SECURE: '`Secure` attribute; turn it off only for plain-http local development',
  CSRF_COOKIE_NAME: 'the readable CSRF cookie set at login',
  CSRF_HEADER_NAME: 'the header that must echo it',
  CORS_ORIGINS: {
    doc: 'comma-separated origins whose pages may call the API with credentials (every method: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS; the CSRF header allowed), e.g. `https://app.example.com`; `*` is refused. Unset: the `FRONTEND_BASE_URL` origin outside production, no origin in production. The start-up log says what is allowed',
    default: 'unset (`FRONTEND_BASE_URL` origin outside production)',
  },
});

/**
 * CORS_ORIGINS, or in development (any NODE_ENV but production) the FRONTEND_BASE_URL origin,
 * so the SPA of the default set-up can call the API; production allows only what is listed.
 */
function corsOrigins(env: SettingsEnv<'CORS_ORIGINS'>, app: Pick<AppConfig, 'isProduction' | 'frontendBaseUrl'>): { origins: string[]; source: string } {
  const origins = list(env, 'CORS_ORIGINS');
  for (const origin of origins) {
    if (origin === '*') throw new ConfigError('CORS_ORIGINS', 'must list origins explicitly: "*" cannot be combined with credentials');
    try {
      if (new URL(origin).origin !== origin) throw new Error();
    } catch {
      throw new ConfigError('CORS_ORIGINS', `must be a comma-separated list of origins like https://app.example.com, got "${origin}"`);
    }
  }
  if (origins.length) return { origins, source: 'CORS_ORIGINS' };
  if (app.isProduction) return { origins: [], source: 'CORS_ORIGINS unset (production allows no origin by default)' };
  return { origins: [new URL(app.frontendBaseUrl).origin], source: 'FRONTEND_BASE_URL (development default while CORS_ORIGINS is unset)' };
}

/** app: the app config loadConfig already read; read here only when called on its own. */
export function loadCookieConfig(source: Env = process.env, app: Pick<AppConfig, 'isProduction' | 'frontendBaseUrl'> = loadAppConfig(source)) {
  const env = cookieSettings.read(source);
  const sameSite = oneOf(env, 'AUTH_COOKIE_SAMESITE', ['lax', 'strict', 'none'] as const, 'lax');
  const secure = bool(env, 'AUTH_COOKIE_SECURE', true);
  if (sameSite === 'none' && !secure) throw new ConfigError('AUTH_COOKIE_SAMESITE', 'may only be none when AUTH_COOKIE_SECURE is true');
  const cors = corsOrigins(env, app);
  return {
    /** Also deliver tokens as HttpOnly cookies, and accept the access cookie (with CSRF) instead of a bearer header. */
    enabled: bool(env, 'AUTH_COOKIE', false),
    accessName: str(env, 'AUTH_COOKIE_ACCESS_NAME', 'access_token'),
    refreshName: str(env, 'AUTH_COOKIE_REFRESH_NAME', 'refresh_token'),
    path: str(env, 'AUTH_COOKIE_PATH', '/'),
    /** The refresh cookie only travels to the refresh endpoint (logout by cookie uses the access cookie). */
    refreshPath: str(env, 'AUTH_COOKIE_REFRESH_PATH', '/api/token/refresh'),
    domain: str(env, 'AUTH_COOKIE_DOMAIN'),
    sameSite,
    secure,
    csrfCookieName: str(env, 'CSRF_COOKIE_NAME', 'csrftoken'),
    csrfHeaderName: str(env, 'CSRF_HEADER_NAME', 'X-CSRFToken').toLowerCase(),
    /** Origins whose pages may call with credentials, and where that list came from (said at start-up). */
    corsOrigins: cors.origins,
    corsSource: cors.source,
  };
}

export type CookieConfig = ReturnType<typeof loadCookieConfig>;
export const cookieConfig = configArea<CookieConfig>('cookie');
