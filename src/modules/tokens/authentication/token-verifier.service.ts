import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { authConfig, type JwtAlgorithm } from '../../../config/auth.config.js';
import { TokenNotValidError } from '../../../common/errors/app-error.js';
import { TokenKeysService } from '../token-keys.service.js';
import type { TokenClaims, TokenType } from '../token-claims.js';

/** Header members that would point a verifier at a key chosen by the token's author (RFC 8725 §3.10). */
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Far above any token we issue; longer input is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 4096;

/** jsonwebtoken's verify options; passport-jwt takes them under the same names. */
export interface VerifyOptions {
  algorithms: [JwtAlgorithm];
  issuer: string;
  audience: string;
}

/**
 * Verifies our own JWTs, for the authentication step (through passport-jwt, jwt.strategy.ts) and
 * for the token endpoints alike. The one place that decides what a token of ours is: the header
 * checks, the key (ours alone: the one its `kid` names), the algorithm list (the one configured
 * algorithm, never `none`), issuer and audience, and the claims of each token kind, accepted
 * only as itself (SECURITY.md 6–8).
 */
@Injectable()
export class TokenVerifierService {
  readonly options: VerifyOptions;

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: TokenKeysService,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    this.options = { algorithms: [keys.algorithm], issuer: config.issuer, audience: config.audience };
  }

  verify(token: unknown, expected: readonly TokenType[]): TokenClaims {
    const key = this.keyFor(token);
    let claims: unknown;
    try {
      // @nestjs/jwt types this publicKey as string | Buffer; jsonwebtoken under it takes the KeyObject.
      claims = this.jwt.verify(token as string, { ...this.options, publicKey: key as unknown as Buffer });
    } catch {
      throw new TokenNotValidError();
    }
    return this.checkClaims(claims, expected);
  }

  /**
   * The key to check the token's signature with, once its header has passed: runs before any
   * signature work and refuses tokens that name their own key or a key we do not have.
   */
  keyFor(token: unknown): KeyObject {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new TokenNotValidError();
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
    // The kid picks one of our configured keys or none: a withdrawn key's tokens end here.
    const key = this.keys.verificationKey(header.kid);
    if (key === undefined) throw new TokenNotValidError();
    return key;
  }

  /** The claims of a correctly signed token, checked for the expected token kinds. */
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
