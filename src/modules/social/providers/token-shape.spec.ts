import { describe, expect, it } from '@jest/globals';
import { OAuthTokenInvalidError } from '../../../common/errors/app-error.js';
import { assertCodeGrant, assertOpaqueToken, assertProviderJwt, looksLikeJwt } from './token-shape.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwt = (header: unknown, payload: unknown = { sub: 'x' }, signature = b64('signature')) => `${b64(header)}.${b64(payload)}.${signature}`;

describe('provider token shapes', () => {
  it('returns the unverified payload of a well-formed RS256 JWT', () => {
    expect(assertProviderJwt(jwt({ alg: 'RS256', kid: 'k1', typ: 'JWT' }, { sub: 'abc' }))).toEqual({ sub: 'abc' });
  });

  it.each([
    ['alg none with an empty signature', jwt({ alg: 'none' }, { sub: 'x' }, '')],
    ['alg none with a signature', jwt({ alg: 'none' })],
    ['HS256', jwt({ alg: 'HS256' })],
    ['no alg', jwt({ typ: 'JWT' })],
    ['a jku header', jwt({ alg: 'RS256', jku: 'https://evil.example/keys' })],
    ['an embedded jwk', jwt({ alg: 'RS256', jwk: { kty: 'RSA' } })],
    ['a crit header', jwt({ alg: 'RS256', crit: ['exp'] })],
    ['a kid that is not a string', jwt({ alg: 'RS256', kid: 7 })],
    ['a header that is not JSON', `${b64('{"alg":')}.${b64({ sub: 'x' })}.${b64('s')}`],
    ['a header that is a JSON array', `${b64(['RS256'])}.${b64({ sub: 'x' })}.${b64('s')}`],
    ['a payload that is not an object', jwt({ alg: 'RS256' }, 'just a string')],
    ['four parts', `${jwt({ alg: 'RS256' })}.${b64('more')}`],
    ['characters outside base64url', `${jwt({ alg: 'RS256' })}+/=`],
    ['more than 8192 characters', jwt({ alg: 'RS256' }, { sub: 'x', pad: 'p'.repeat(8192) })],
  ])('refuses %s', (_name, token) => {
    expect(() => assertProviderJwt(token)).toThrow(OAuthTokenInvalidError);
  });

  it('takes anything with two dots for a JWT, and nothing with fewer', () => {
    expect(looksLikeJwt('a.b.')).toBe(true);
    expect(looksLikeJwt('..')).toBe(true);
    expect(looksLikeJwt('ya29.a0Af')).toBe(false);
  });

  it('accepts opaque b64token values and refuses JWT shapes, odd characters and oversize ones', () => {
    expect(() => assertOpaqueToken('ya29.a0AfB_byC-1~x/y+z==')).not.toThrow();
    for (const token of ['a.b.c', 'has space', 'ünïcode', 'x'.repeat(4097), '=leading']) {
      expect(() => assertOpaqueToken(token)).toThrow(OAuthTokenInvalidError);
    }
  });

  it('accepts a code grant with an RFC 7636 verifier and an https redirect URI', () => {
    expect(() => assertCodeGrant({ code: '4/0AX4XfWh-abc_DEF', redirect_uri: 'https://app.example/cb', code_verifier: 'v'.repeat(43) })).not.toThrow();
  });

  it.each([
    ['no code', { redirect_uri: 'https://app.example/cb' }],
    ['a code with a space', { code: 'a b' }],
    ['a code with a control character', { code: 'a\u0000b' }],
    ['a code over 2048 characters', { code: 'c'.repeat(2049) }],
    ['a short verifier', { code: 'c', code_verifier: 'v'.repeat(42) }],
    ['a verifier with reserved characters', { code: 'c', code_verifier: `${'v'.repeat(43)}/` }],
    ['a javascript: redirect URI', { code: 'c', redirect_uri: 'javascript:alert(1)' }],
    ['a relative redirect URI', { code: 'c', redirect_uri: '/cb' }],
  ])('refuses %s', (_name, grant) => {
    expect(() => assertCodeGrant(grant)).toThrow(OAuthTokenInvalidError);
  });
});
