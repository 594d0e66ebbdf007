import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { authConfig } from '../../config/auth.config.js';
import { JwtService } from '@nestjs/jwt';
import { TokenNotValidError } from '../../common/errors/app-error.js';
import { TokenKeysService } from './token-keys.service.js';
import type { TokenClaims, TokenType } from './token-claims.js';

/** Header members that would point a verifier at a key chosen by the token's author (RFC 8725 §3.10). */
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Verifies our own JWTs. The algorithm list holds the one configured algorithm (never `none`),
 * the key is ours alone, and each token kind is accepted only as itself (SECURITY.md 6–8).
 */
@Injectable()
export class TokenVerifierService {
  readonly issuer: string;
  readonly audience: string;

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: TokenKeysService,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    this.issuer = config.issuer;
    this.audience = config.audience;
  }

  verify(token: unknown, expected: readonly TokenType[]): TokenClaims {
    if (typeof token !== 'string' || token.length > 4096) throw new TokenNotValidError();
    this.checkHeader(token);
    let claims: unknown;
    try {
      claims = this.jwt.verify(token);
    } catch {
      throw new TokenNotValidError();
    }
    return this.checkClaims(claims, expected);
  }

  /** Runs before any signature work: refuses tokens that name their own key or a key we do not have. */
  checkHeader(token: string): void {
    const dot = token.indexOf('.');
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'));
    } catch {
      throw new TokenNotValidError();
    }
    if (dot < 1 || header === null || typeof header !== 'object') throw new TokenNotValidError();
    if (header.alg !== this.keys.algorithm) throw new TokenNotValidError();
    if (FORBIDDEN_HEADERS.some((name) => name in header)) throw new TokenNotValidError();
    if (header.kid !== undefined && header.kid !== this.keys.kid) throw new TokenNotValidError();
  }

  checkClaims(claims: unknown, expected: readonly TokenType[]): TokenClaims {
    const c = claims as Partial<TokenClaims> | null;
    if (
      !c ||
      !expected.includes(c.token_type as TokenType) ||
      typeof c.exp !== 'number' ||
      typeof c.iat !== 'number' ||
      !UUID.test(c.jti ?? '') ||
      typeof c.sid !== 'string' ||
      !UUID.test(c.sub ?? '') ||
      c.user_id !== c.sub ||
      !UUID.test(c.sid)
    ) {
      throw new TokenNotValidError();
    }
    return c as TokenClaims;
  }
}
