import { createHash, createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { JWK } from 'jose';
import { authConfig, type JwtAlgorithm } from '../../config/auth.config.js';
import { legacySecretKid, requiredMembers, secretKid, thumbprint } from './key-ids.js';

export interface KeySet {
  keys: JWK[];
}

/**
 * The signing key and every key that may verify: the signer's own and the verify-only keys of a
 * rotation (docs/operations.md, "Signing-key rotation"). Built once at start. Secrets are
 * KeyObjects, never strings: jsonwebtoken then skips re-parsing the key on every verify (about
 * 10 µs instead of 0.5 ms), and refuses to use a public key as an HMAC secret (the RS256→HS256
 * confusion attack, RFC 8725 §2.1).
 */
@Injectable()
export class TokenKeysService {
  readonly algorithm: JwtAlgorithm;
  readonly signingKey: KeyObject;
  /** The `kid` of every token signed now: RFC 7638 thumbprint, or for a secret see secretKid. */
  readonly kid: string;
  /** What `/.well-known/jwks.json` serves (nothing for secrets), with its ETag. */
  readonly jwks: KeySet;
  readonly jwksEtag: string;
  /** A token's `kid` → the key that checks it; a Map lookup per request, no key parsing. */
  private readonly byKid = new Map<string, KeyObject>();
  /** Checks tokens that carry no `kid` (see verificationKey). */
  private readonly signerVerifyKey: KeyObject;

  constructor(@Inject(authConfig.KEY) config: ConfigType<typeof authConfig>) {
    this.algorithm = config.algorithm;
    if (config.algorithm === 'HS256') {
      const secrets = [config.secret!, ...config.verifySecrets].map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
      for (const key of secrets) {
        this.byKid.set(secretKid(key), key);
        this.byKid.set(legacySecretKid(key), key);
      }
      this.signingKey = this.signerVerifyKey = secrets[0];
      this.kid = secretKid(this.signingKey);
      // A shared secret cannot be published: other services use POST /api/token/verify/.
      this.jwks = { keys: [] };
    } else {
      // loadAuthConfig has already checked that every key parses and fits the algorithm.
      this.signingKey = createPrivateKey(config.privateKeyPem!);
      this.signerVerifyKey = createPublicKey(this.signingKey);
      const publicKeys = [this.signerVerifyKey, ...config.verifyPublicKeyPems.map((pem) => createPublicKey(pem))];
      for (const key of publicKeys) this.byKid.set(thumbprint(key), key);
      this.kid = thumbprint(this.signerVerifyKey);
      this.jwks = { keys: publicKeys.map((key) => ({ ...requiredMembers(key), kid: thumbprint(key), alg: config.algorithm, use: 'sig' })) };
    }
    this.jwksEtag = `"${createHash('sha256').update(JSON.stringify(this.jwks)).digest('base64url').slice(0, 22)}"`;
  }

  /**
   * The key for a token whose header names `kid`, or undefined when no configured key has that
   * id (a withdrawn key, a forgery). A token without `kid` is checked with the signing key alone.
   * Every token this service has signed carries one; a token without it was made with the
   * signing secret by someone else (a script, a test), and holding it to the current signer
   * keeps it from outliving a rotation or picking its key.
   */
  verificationKey(kid: unknown): KeyObject | undefined {
    if (kid === undefined) return this.signerVerifyKey;
    return typeof kid === 'string' ? this.byKid.get(kid) : undefined;
  }
}
