import { createHash, createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { JWK } from 'jose';
import { authConfig, type JwtAlgorithm } from '../../config/auth.config.js';

/**
 * The signing and verification keys. Secrets are KeyObjects, never strings: jsonwebtoken then
 * skips re-parsing the key on every verify (about 10 µs instead of 0.5 ms), and refuses to use
 * a public key as an HMAC secret (the RS256→HS256 confusion attack, RFC 8725 §2.1).
 */
@Injectable()
export class TokenKeysService {
  readonly algorithm: JwtAlgorithm;
  readonly signingKey: KeyObject;
  readonly verifyKey: KeyObject;
  /** Key id: the RFC 7638 thumbprint for asymmetric keys, a hash prefix for the HMAC secret. */
  readonly kid: string;
  private readonly jwk?: JWK;

  constructor(@Inject(authConfig.KEY) config: ConfigType<typeof authConfig>) {
    this.algorithm = config.algorithm;
    if (config.algorithm === 'HS256') {
      this.signingKey = createSecretKey(Buffer.from(config.secret!, 'utf8'));
      this.verifyKey = this.signingKey;
      this.kid = createHash('sha256').update(config.secret!).digest('base64url').slice(0, 16);
    } else {
      // loadAuthConfig has already checked that the key parses and fits the algorithm.
      this.signingKey = createPrivateKey(config.privateKeyPem!);
      this.verifyKey = createPublicKey(this.signingKey);
      const jwk = this.verifyKey.export({ format: 'jwk' }) as JWK;
      const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
      this.kid = createHash('sha256').update(JSON.stringify(members)).digest('base64url');
      this.jwk = { ...members, kid: this.kid, alg: config.algorithm, use: 'sig' };
    }
  }

  /** The public keys for `/.well-known/jwks.json`; empty when tokens are signed with a shared secret. */
  jwks(): { keys: JWK[] } {
    return { keys: this.jwk ? [this.jwk] : [] };
  }
}

