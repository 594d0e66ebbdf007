import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AuthCookies } from '../../../common/http/auth-cookies.js';
import { UserInactiveError } from '../../../common/errors/app-error.js';
import type { AuthPrincipal } from '../../../common/decorators/current-user.decorator.js';
import { ownPassport } from './own-passport.js';
import { SessionAuthService } from './session-auth.service.js';
import { TokenVerifierService } from './token-verifier.service.js';

const fromBearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/** A request's access token and where it came from. */
export interface AccessCredential {
  token: string;
  /** Sent by the browser on its own: a write must then prove it comes from our page. */
  viaCookie: boolean;
}

/** A bearer header wins; the access cookie is read only in cookie mode. */
function accessCredential(request: FastifyRequest, cookies: AuthCookies): AccessCredential | undefined {
  const header = fromBearer(request);
  if (header) return { token: header, viaCookie: false };
  const cookie = cookies.accessCookie(request);
  return cookie ? { token: cookie, viaCookie: true } : undefined;
}

/**
 * The authentication step of every protected request, run by JwtAuthGuard: extract the access
 * token (bearer header or cookie) → verify it (header checks before the signature, then the
 * options of TokenVerifierService) → find its live session and that session's user in one query
 * (revocation, a deleted user) → CSRF for cookie writes → refuse a disabled user (SECURITY.md 9).
 * The endpoint gets the user row and the session it needs and re-checks none of this.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    private readonly verifier: TokenVerifierService,
    private readonly sessionAuth: SessionAuthService,
    private readonly cookies: AuthCookies,
  ) {
    super({
      ...verifier.options,
      jwtFromRequest: (request: FastifyRequest) => accessCredential(request, cookies)?.token ?? null,
      // passport-jwt's type says string or Buffer; jsonwebtoken takes our KeyObject as well.
      secretOrKeyProvider: (_request: unknown, rawToken: string, done: (error: unknown, key?: any) => void) => {
        try {
          done(null, verifier.keyFor(rawToken));
        } catch (error) {
          done(error);
        }
      },
      passReqToCallback: true,
    });
  }

  /** Registers this strategy on an Authenticator of its own, not on passport's process-wide one. */
  getPassportInstance() {
    return ownPassport(this);
  }

  credential(request: FastifyRequest): AccessCredential | undefined {
    return accessCredential(request, this.cookies);
  }

  async validate(request: FastifyRequest, payload: unknown): Promise<AuthPrincipal> {
    const claims = this.verifier.checkClaims(payload, ['access']);
    const { user, secondFactor } = await this.sessionAuth.liveSessionUser(claims);
    // Checked after the token and before the account state, in the order the answers had when
    // each endpoint checked the account: 401 token_not_valid, then 403 CSRF, then 403 user_inactive.
    if (this.credential(request)?.viaCookie) this.cookies.assertCsrf(request);
    if (!user.isActive) throw new UserInactiveError();
    return { user, session: { id: claims.sid, jti: claims.jti, secondFactor } };
  }
}
