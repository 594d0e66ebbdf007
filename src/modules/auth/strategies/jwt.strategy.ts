import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthCookies, VIA_COOKIE } from '../../../common/http/auth-cookies.js';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();
import { TokenNotValidError } from '../../../common/errors/app-error.js';
import type { AuthPrincipal } from '../../../common/decorators/current-user.decorator.js';
import { RevocationService } from '../../tokens/revocation.service.js';
import { TokenKeysService } from '../../tokens/token-keys.service.js';
import { TokenVerifierService } from '../../tokens/token-verifier.service.js';

/**
 * Bearer access tokens. The header is checked before the signature, the algorithm list has
 * one entry, and a token of an ended session is refused without a database round trip.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly verifier: TokenVerifierService,
    private readonly revocation: RevocationService,
    keys: TokenKeysService,
    cookies: AuthCookies,
  ) {
    super({
      // A bearer header wins; the access cookie is read only in cookie mode (and then needs CSRF).
      jwtFromRequest: (request: FastifyRequest & { [VIA_COOKIE]?: boolean }) => {
        const header = fromBearer(request);
        if (header) return header;
        const cookie = cookies.accessCookie(request);
        if (cookie) request[VIA_COOKIE] = true;
        return cookie ?? null;
      },
      secretOrKeyProvider: (_request: unknown, rawToken: string, done: (error: unknown, key?: any) => void) => {
        try {
          verifier.checkHeader(rawToken);
          done(null, keys.verifyKey);
        } catch (error) {
          done(error);
        }
      },
      algorithms: [keys.algorithm],
      issuer: verifier.issuer,
      audience: verifier.audience,
      ignoreExpiration: false,
    });
  }

  async validate(payload: unknown): Promise<AuthPrincipal> {
    const claims = this.verifier.checkClaims(payload, ['access']);
    if (await this.revocation.isRevoked(claims.sid)) throw new TokenNotValidError();
    return { userId: claims.sub, sessionId: claims.sid, jti: claims.jti };
  }
}
