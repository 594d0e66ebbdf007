import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import type { SocialCredentials } from './social-provider.js';

/**
 * What a provider credential must look like before any request is made for it
 * (SECURITY.md 38): a token that cannot be genuine is refused here, so it never costs an
 * outbound call, never waits on a slow provider and never turns into a 503.
 */

/** Google and Microsoft sign ID tokens (and Graph access tokens) with RS256 only. */
export const PROVIDER_ALGORITHMS = ['RS256'];

/** Provider JWTs are 1–3 kB; opaque tokens and codes far less. */
const MAX_JWT_LENGTH = 8192;
const MAX_OPAQUE_LENGTH = 4096;
const MAX_CODE_LENGTH = 2048;
const MAX_KID_LENGTH = 256;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** RFC 6750 §2.1 b64token. */
const OPAQUE_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** RFC 6749 Appendix A.11 (visible ASCII), without the space no provider puts in a code. */
const CODE = /^[\x21-\x7E]+$/;
/** RFC 7636 §4.1. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** Headers that point at or carry a key of the sender's choosing; no provider sends them. */
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit'];

const invalid = () => new OAuthTokenInvalidError();

/** Two dots make a JWT: such a token is judged as one and never passed on as an opaque token. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length >= 3;
}

function decodeObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * A compact JWS of three non-empty base64url parts whose header and payload are JSON objects,
 * signed with an allowed algorithm (so `alg: none`, an empty signature and HS256 stop here).
 * Returns the payload, unverified.
 */
export function assertProviderJwt(token: string): Record<string, unknown> {
  if (token.length > MAX_JWT_LENGTH) throw invalid();
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw invalid();
  const header = decodeObject(parts[0]);
  const payload = decodeObject(parts[1]);
  if (!header || !payload) throw invalid();
  if (typeof header.alg !== 'string' || !PROVIDER_ALGORITHMS.includes(header.alg)) throw invalid();
  if (FORBIDDEN_HEADERS.some((name) => name in header)) throw invalid();
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > MAX_KID_LENGTH)) throw invalid();
  return payload;
}

/** An opaque bearer token (Google OAuth, Facebook): bounded, b64token characters, not a JWT. */
export function assertOpaqueToken(token: string): void {
  if (token.length > MAX_OPAQUE_LENGTH || !OPAQUE_TOKEN.test(token) || looksLikeJwt(token)) throw invalid();
}

/** An authorization code as a provider issues it: bounded, visible ASCII. */
export function isWellFormedCode(code: string): boolean {
  return code.length > 0 && code.length <= MAX_CODE_LENGTH && CODE.test(code);
}

/** An authorization code grant: the code, the redirect URI it was issued for and the PKCE verifier. */
export function assertCodeGrant(credentials: Pick<SocialCredentials, 'code' | 'redirect_uri' | 'code_verifier'>): void {
  const { code, redirect_uri: redirectUri, code_verifier: verifier } = credentials;
  if (!code || !isWellFormedCode(code)) throw invalid();
  if (verifier !== undefined && !CODE_VERIFIER.test(verifier)) throw invalid();
  if (redirectUri !== undefined && !isHttpUrl(redirectUri)) throw invalid();
}

function isHttpUrl(value: string): boolean {
  if (value.length > MAX_CODE_LENGTH) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
