import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { authConfig } from '../../config/auth.config.js';
import { MFA_TOKEN_LIFETIME, type IssuedToken, type TokenClaims, type TokenType } from './token-claims.js';

/** Signs access and refresh tokens with the claims of API.md. */
@Injectable()
export class TokenIssuerService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  get refreshLifetimeMs(): number {
    return this.config.refreshTokenLifetime * 1000;
  }

  get accessLifetimeMs(): number {
    return this.config.accessTokenLifetime * 1000;
  }

  /** With the `jti` and time of an earlier token, signs the same claims again. */
  issue(type: TokenType, userId: string, sessionId: string, now = Date.now(), jti: string = randomUUID()): IssuedToken {
    const iat = Math.floor(now / 1000);
    const lifetime = type === 'access' ? this.config.accessTokenLifetime : type === 'refresh' ? this.config.refreshTokenLifetime : MFA_TOKEN_LIFETIME;
    const claims: TokenClaims = {
      token_type: type,
      jti,
      sub: userId,
      user_id: userId,
      sid: sessionId,
      iat,
      exp: iat + lifetime,
      iss: this.config.issuer,
      aud: this.config.audience,
    };
    return { token: this.jwt.sign(claims), jti, issuedAt: new Date(iat * 1000), expiresAt: new Date(claims.exp * 1000) };
  }
}
