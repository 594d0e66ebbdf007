import { describe, expect, it } from '@jest/globals';
import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, checkNewPassword, checkPassword, normalizePassword, type PasswordContext } from './password-policy.js';

const TOO_SHORT = 'This password is too short. It must contain at least 8 characters.';
const TOO_LONG = 'Ensure this field has no more than 128 characters.';
const TOO_COMMON = 'This password is too common.';
const NUMERIC = 'This password is entirely numeric.';

const user: PasswordContext = { email: 'john.doe@example.com', first_name: 'John', last_name: 'Doe' };

describe('checkPassword', () => {
  it('uses the NIST length bounds', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(PASSWORD_MAX_LENGTH).toBe(128);
  });

  it('accepts a long random passphrase', () => {
    expect(checkPassword('violet tractor umbrella quietly 42', user)).toEqual([]);
  });

  it('counts length in code points, so 8 emoji are long enough', () => {
    const password = '😀'.repeat(8);
    expect(password.length).toBe(16);
    expect(checkPassword(password, user)).toEqual([]);
  });

  it('refuses 7 code points of emoji as too short', () => {
    expect(checkPassword('😀'.repeat(7), {})).toEqual([TOO_SHORT]);
  });

  it('does not trim the password for the length rule', () => {
    expect(checkPassword(' abcdefg', {})).not.toContain(TOO_SHORT);
    expect(checkPassword('abcdefg', {})).toContain(TOO_SHORT);
  });

  it('accepts 128 characters', () => {
    expect(checkPassword('xq7-'.repeat(32), user)).toEqual([]);
  });

  it('refuses 129 characters with only the too-long message', () => {
    expect(checkPassword('x'.repeat(129), {})).toEqual([TOO_LONG]);
    // Would otherwise also be common, numeric and similar.
    expect(checkPassword('1'.repeat(129), { first_name: '1'.repeat(129) })).toEqual([TOO_LONG]);
  });

  it('has no composition rules', () => {
    expect(checkPassword('lowercase only words here', {})).toEqual([]);
  });

  it('refuses common passwords, ignoring case and surrounding spaces', () => {
    expect(checkPassword('password', {})).toEqual([TOO_COMMON]);
    expect(checkPassword('qwerty123', {})).toEqual([TOO_COMMON]);
    expect(checkPassword('Password123', {})).toEqual([TOO_COMMON]);
    expect(checkPassword('  TrustNo1  ', {})).toEqual([TOO_COMMON]);
  });

  it('knows far more than the top 10,000 common passwords (SECURITY.md 1)', () => {
    const list = dictionary['passwords-common'];
    expect(list.length).toBeGreaterThanOrEqual(10_000);
    // Entries from past the 10,000th that the other rules would let through are refused as common.
    const deep = list.slice(10_000).filter((entry) => [...entry].length >= 8 && !/^\d+$/.test(entry)).slice(0, 200);
    expect(deep.length).toBe(200);
    for (const entry of deep) expect(checkPassword(entry, {})).toEqual([TOO_COMMON]);
  });

  it('refuses a password that is entirely numeric', () => {
    expect(checkPassword('12345678901234', {})).toContain(NUMERIC);
    expect(checkPassword('83910274651', {})).toEqual([NUMERIC]);
  });

  it('only treats ASCII digits as numeric', () => {
    expect(checkPassword('٣٨٤٩٢٧١٥٦', {})).not.toContain(NUMERIC);
  });

  it('refuses a password equal to the email local part', () => {
    expect(checkPassword('jonathansmith', { email: 'jonathansmith@example.com' })).toEqual([
      'The password is too similar to the email.',
    ]);
  });

  it('refuses a password close to the email, ignoring case', () => {
    expect(checkPassword('JonathanSmith1', { email: 'jonathansmith@example.com' })).toEqual([
      'The password is too similar to the email.',
    ]);
  });

  it('refuses a password similar to the first name', () => {
    expect(checkPassword('alexandria99', { first_name: 'Alexandria' })).toEqual([
      'The password is too similar to the first name.',
    ]);
  });

  it('refuses a password similar to the last name', () => {
    expect(checkPassword('montgomery!', { last_name: 'Montgomery' })).toEqual([
      'The password is too similar to the last name.',
    ]);
  });

  it('reports only the first similar attribute, email first', () => {
    expect(checkPassword('alexandria99', { email: 'alexandria@example.com', first_name: 'Alexandria' })).toEqual([
      'The password is too similar to the email.',
    ]);
  });

  it('accepts a password sharing only fragments with the email (difflib ratio 0.47)', () => {
    expect(checkPassword('johndoe123', user)).toEqual([]);
  });

  it('ignores attribute parts shorter than 3 characters and missing attributes', () => {
    expect(checkPassword('jo-jo-jo-jo', { email: 'jo@x.io', first_name: null, last_name: undefined })).toEqual([]);
  });

  it('returns every problem in order: short, similar, common, numeric', () => {
    expect(checkPassword('1234567', { first_name: '1234567' })).toEqual([
      TOO_SHORT,
      'The password is too similar to the first name.',
      TOO_COMMON,
      NUMERIC,
    ]);
  });

  it('counts the code points of the NFC form: 7 letters with a combining accent are still too short', () => {
    const decomposed = 'qxzvbné'.normalize('NFD');
    expect([...decomposed].length).toBe(8);
    expect(checkPassword(decomposed, {})).toEqual([TOO_SHORT]);
    expect(checkPassword(`${decomposed}w`, {})).toEqual([]);
  });

  it('counts 128 composed characters typed decomposed as 128, not 256', () => {
    const decomposed = 'é'.repeat(128).normalize('NFD');
    expect([...decomposed].length).toBe(256);
    expect(checkPassword(decomposed, {})).not.toContain(TOO_LONG);
  });

  it('checks the NFC form against the common list and the user attributes', () => {
    expect(checkPassword('motdepassé'.normalize('NFD'), { first_name: 'Motdepassé' })).toContain('The password is too similar to the first name.');
  });
});

describe('normalizePassword and checkNewPassword', () => {
  it('turns decomposed text into NFC and leaves everything else alone (no trimming, no case change)', () => {
    expect(normalizePassword('e\u0301')).toBe('\u00e9');
    expect(normalizePassword('  MiXeD  ')).toBe('  MiXeD  ');
  });

  it('treats the NFC and NFD spellings of one password as matching confirmations', () => {
    const nfc = 'Crème-brûlée-à-Noël-42'.normalize('NFC');
    expect(checkNewPassword(nfc, nfc.normalize('NFD'), {})).toEqual([]);
  });
});
