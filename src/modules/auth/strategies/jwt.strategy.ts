import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthCookies, VIA_COOKIE } from '../../../common/http/auth-cookies.js';
import { UserInactiveError } from '../../../common/errors/app-error.js';
import type { AuthPrincipal } from '../../../common/decorators/current-user.decorator.js';
import { SessionAuthService } from '../../tokens/session-auth.service.js';
import { TokenKeysService } from '../../tokens/token-keys.service.js';
import { TokenVerifierService } from '../../tokens/token-verifier.service.js';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

type AuthRequest = FastifyRequest & { [VIA_COOKIE]?: boolean };

/**
 * The authentication step of every protected request. The header is checked before the
 * signature and the algorithm list has one entry; then one query finds the token's live session
 * and its user, so an ended session, a deleted user and (SECURITY.md 9) a disabled one are
 * refused here, before any endpoint runs, and the endpoint gets the user row it needs.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    private readonly verifier: TokenVerifierService,
    private readonly sessionAuth: SessionAuthService,
    private readonly cookies: AuthCookies,
    keys: TokenKeysService,
  ) {
    super({
      // A bearer header wins; the access cookie is read only in cookie mode (and then needs CSRF).
      jwtFromRequest: (request: AuthRequest) => {
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
      passReqToCallback: true,
    });
  }

  async validate(request: AuthRequest, payload: unknown): Promise<AuthPrincipal> {
    const claims = this.verifier.checkClaims(payload, ['access']);
    const user = await this.sessionAuth.liveSessionUser(claims);
    // A cookie is sent by the browser on its own, so a cookie-authenticated write must prove
    // it comes from our page (double-submit CSRF token). Checked after the token and before
    // the account state, in the order the answers had when each endpoint checked the account.
    if (request[VIA_COOKIE]) this.cookies.assertCsrf(request);
    if (!user.isActive) throw new UserInactiveError();
    return { userId: user.id, sessionId: claims.sid, jti: claims.jti, user };
  }
}
