import { createRemoteJWKSet, jwtVerify, errors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { OAuthTokenInvalidError, ServiceUnavailableError } from '../../../common/errors/app-error.js';
import { assertProviderJwt, PROVIDER_ALGORITHMS } from './token-shape.js';

/**
 * Verifies a provider's ID token against its JWKS: RS256 only, our audience, an accepted
 * issuer, not expired. An unknown kid makes jose refetch the key set once (key rotation).
 * A token that is not a well-formed RS256 JWT is refused before the key set is fetched.
 */
export class JwksVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(jwksUrl: string, timeoutMs: number, cooldownMs: number) {
    this.keys = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: timeoutMs, cooldownDuration: cooldownMs });
  }

  async verify(token: string, audience: string, issuer?: string | string[]): Promise<JWTPayload> {
    assertProviderJwt(token);
    try {
      const { payload } = await jwtVerify(token, this.keys, { audience, issuer, algorithms: PROVIDER_ALGORITHMS, requiredClaims: ['exp', 'sub'] });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || (error as Error).name === 'TypeError') throw new ServiceUnavailableError('The sign-in provider did not answer in time, try again later.');
      throw new OAuthTokenInvalidError();
    }
  }
}
