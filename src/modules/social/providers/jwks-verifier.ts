import { createRemoteJWKSet, jwtVerify, errors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { OAuthTokenInvalidError, ServiceUnavailableError } from '../../../common/errors/app-error.js';

const PROVIDER_ALGORITHMS = ['RS256'];

/**
 * Verifies a provider's ID token against its JWKS: RS256 only, our audience, an accepted
 * issuer, not expired. An unknown kid makes jose refetch the key set once (key rotation).
 */
export class JwksVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(jwksUrl: string, timeoutMs: number, cooldownMs: number) {
    this.keys = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: timeoutMs, cooldownDuration: cooldownMs });
  }

  async verify(token: string, audience: string, issuer?: string | string[]): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys, { audience, issuer, algorithms: PROVIDER_ALGORITHMS, requiredClaims: ['exp', 'sub'] });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || (error as Error).name === 'TypeError') throw new ServiceUnavailableError('The sign-in provider did not answer in time, try again later.');
      throw new OAuthTokenInvalidError();
    }
  }
}

export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
