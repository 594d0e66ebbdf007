import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { emailKey, hasValidEmailKey, isStorableEmailKey, normalizeEmail } from './email.js';

describe('emailKey', () => {
  it.each([
    ['İ (U+0130) is i, as PostgreSQL lower() had it', 'kfİx@example.com', 'kfix@example.com'],
    ['ı (dotless i) is i', 'kfıx@example.com', 'kfix@example.com'],
    ['i with a combining dot above is i', 'kfi\u0307x@example.com', 'kfix@example.com'],
    ['I with a combining dot above (İ decomposed) is i', 'KFI\u0307X@example.com', 'kfix@example.com'],
    ['ß is ss', 'straße@example.com', 'strasse@example.com'],
    ['capital ẞ is ss too', 'STRAẞE@example.com', 'strasse@example.com'],
    ['the Kelvin sign is k', '\u212Aate@example.com', 'kate@example.com'],
    ['the ﬀ ligature is ff', 'je\uFB00@example.com', 'jeff@example.com'],
    ['ſ (long s) is s', 'ſam@example.com', 'sam@example.com'],
    ['full-width letters and ＠ are ASCII', 'ＫＦｉｘ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'kfix@example.com'],
    ['mathematical bold letters are ASCII', '𝐤𝐟𝐢𝐱@example.com', 'kfix@example.com'],
    ['σ at the end of the local part is final ς, however typed', 'οδοσ@example.gr', 'οδος@example.gr'],
    ['capital Σ likewise', 'ΟΔΟΣ@example.gr', 'οδος@example.gr'],
    ['NBSP around is trimmed', '\u00A0kfix@example.com\u00A0', 'kfix@example.com'],
    ['ideographic spaces around are trimmed', '\u3000kfix@example.com\u3000', 'kfix@example.com'],
    ['any letter case, local part and domain', 'KfIx@EXAMPLE.Com', 'kfix@example.com'],
    ['an IDN domain is its punycode', 'kfix@Bücher.de', 'kfix@xn--bcher-kva.de'],
    ['a punycode domain stays itself', 'kfix@xn--bcher-kva.de', 'kfix@xn--bcher-kva.de'],
    ['ß in the domain follows IDNA 2008 (not folded to ss)', 'kfix@straße.de', 'kfix@xn--strae-oqa.de'],
  ])('%s', (_name, typed, key) => {
    expect(emailKey(typed)).toBe(key);
  });

  it.each([
    ['NBSP inside becomes a space', 'kf\u00A0ix@example.com', 'kf ix@example.com'],
    ['a trailing dot on the domain is kept (and refused as an address)', 'kfix@example.com.', 'kfix@example.com.'],
    ['a zero-width space is kept (and refused as an address)', 'kf\u200Bix@example.com', 'kf\u200Bix@example.com'],
  ])('%s', (_name, typed, key) => {
    expect(emailKey(typed)).toBe(key);
  });

  const anyString = fc.string({ unit: 'binary', maxLength: 40 });
  const address = fc.tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 })).map(([local, domain]) => `${local}@${domain}`);

  it('never throws and always returns a fixed point', () => {
    fc.assert(
      fc.property(fc.oneof(anyString, address), (typed) => {
        const key = emailKey(typed);
        expect(emailKey(key)).toBe(key);
      }),
      { numRuns: 5000 },
    );
  });

  it('keys a capital sigma in the domain as the stored form keys it (final sigma before a hyphen)', () => {
    for (const sigma of ['Σ', 'ς', 'σ', '\u03f9']) {
      expect(emailKey(`eve@δοκιμ${sigma}-1.gr`)).toBe(emailKey(normalizeEmail(`eve@δοκιμ${sigma}-1.gr`)));
    }
    expect(emailKey('eve@δοκιμΣ-1.gr')).toBe(emailKey('eve@δοκιμς-1.gr'));
  });

  it('does not depend on the display normalisation applied first', () => {
    fc.assert(
      fc.property(address, (typed) => {
        expect(emailKey(normalizeEmail(typed))).toBe(emailKey(typed));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('normalizeEmail', () => {
  it('stores the compatibility form, trimmed, with only the domain lowercased', () => {
    expect(normalizeEmail('\u00A0ＫＦｉｘ＠ＥＸＡＭＰＬＥ．com ')).toBe('KFix@example.com');
    expect(normalizeEmail('Je\uFB00.Straße@Example.COM')).toBe('Jeff.Straße@example.com');
    expect(normalizeEmail(normalizeEmail('kf\u00A0İx@EXAMPLE.com'))).toBe(normalizeEmail('kf\u00A0İx@EXAMPLE.com'));
  });
});

describe('hasValidEmailKey', () => {
  it.each([
    'kfix@example.com',
    'kfİx@example.com',
    'ｋｆｉｘ@example.com',
    '\u00A0kfix@example.com\u00A0',
    'jörg@bücher.de',
    'straße@example.com',
  ])('accepts %j', (typed) => {
    expect(hasValidEmailKey(typed)).toBe(true);
  });

  it.each([
    ['NBSP inside', 'kf\u00A0ix@example.com'],
    ['a space inside', 'kf ix@example.com'],
    ['a trailing dot on the domain', 'kfix@example.com.'],
    ['a zero-width space', 'kf\u200Bix@example.com'],
    ['a soft hyphen', 'kf\u00ADix@example.com'],
    ['a right-to-left override', 'kf\u202Eix@example.com'],
    ['a control character', 'kf\u0007ix@example.com'],
    ['a NUL byte', 'kf\u0000ix@example.com'],
    ['a lone surrogate', 'kf\uD800ix@example.com'],
    ['a private-use character', 'kf\uE000ix@example.com'],
    ['an unassigned code point', 'kf\u0378ix@example.com'],
    ['a domain IDNA refuses', 'kfix@exa\u0000mple.com'],
    ['a key longer than 254 characters', `${'a'.repeat(60)}@${'b'.repeat(60)}.${'\uFDFA'.repeat(10)}.com`],
    ['no @ at all', 'kfix.example.com'],
  ])('refuses %s', (_name, typed) => {
    expect(hasValidEmailKey(typed)).toBe(false);
  });
});

describe('isStorableEmailKey', () => {
  it('refuses NUL and lone surrogates only', () => {
    expect(isStorableEmailKey('kf ix@example.com')).toBe(true);
    expect(isStorableEmailKey('a\u0000b@example.com')).toBe(false);
    expect(isStorableEmailKey('a\uDC00b@example.com')).toBe(false);
    expect(isStorableEmailKey('a😀b@example.com')).toBe(true);
  });
});
