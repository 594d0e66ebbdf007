import { dictionary } from '@zxcvbn-ts/language-common';
import { MESSAGES } from '../../common/validation/messages.js';

/**
 * Password rules after NIST SP 800-63B and Django's default validators (same messages):
 * length in code points, no composition rules, refuse common, all-numeric and user-like passwords.
 */
export interface PasswordContext {
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const MAX_SIMILARITY = 0.7;
const MIN_ATTRIBUTE_PART_LENGTH = 3;

const ATTRIBUTES: ReadonlyArray<readonly [keyof PasswordContext, string]> = [
  ['email', 'email'],
  ['first_name', 'first name'],
  ['last_name', 'last name'],
];

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/**
 * The one form in which a password is measured, hashed and checked (NIST SP 800-63B 5.1.1.2):
 * Unicode NFC, so "é" typed as one code point or as "e" + U+0301 is the same password.
 * Never trimmed or case-changed.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

/** Returns the list of human-readable problems (empty when acceptable). Length counts the code points of the NFC form. */
export function checkPassword(raw: string, context: PasswordContext): string[] {
  const password = normalizePassword(raw);
  const length = [...password].length;
  // Refuse before anything else: the similarity check is quadratic in the password length.
  if (length > PASSWORD_MAX_LENGTH) {
    return [`Ensure this field has no more than ${PASSWORD_MAX_LENGTH} characters.`];
  }

  const problems: string[] = [];
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push(MESSAGES.passwordTooShort(PASSWORD_MIN_LENGTH));
  }
  const similarTo = findSimilarAttribute(password, context);
  if (similarTo) {
    problems.push(`The password is too similar to the ${similarTo}.`);
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase().trim())) {
    problems.push(MESSAGES.passwordTooCommon);
  }
  if (/^[0-9]+$/.test(password)) {
    problems.push('This password is entirely numeric.');
  }
  return problems;
}

/**
 * The checks of a password change or reset (Django's SetPasswordForm): the two entries must
 * match, and the new password must pass the policy for this user.
 */
export function checkNewPassword(password: string, confirmation: string, context: PasswordContext): string[] {
  const problems = checkPassword(password, context);
  if (normalizePassword(password) !== normalizePassword(confirmation)) problems.unshift('The two password fields didn’t match.');
  return problems;
}

/** Label of the first attribute the password is too similar to (Django's UserAttributeSimilarityValidator). */
function findSimilarAttribute(password: string, context: PasswordContext): string | undefined {
  const pwd = [...password.toLowerCase()];
  for (const [key, label] of ATTRIBUTES) {
    const value = context[key];
    if (!value) continue;
    const lower = value.toLowerCase();
    for (const part of [...lower.split(/\W+/), lower]) {
      const chars = [...part];
      if (chars.length < MIN_ATTRIBUTE_PART_LENGTH) continue;
      // Django's shortcut: a password ten times longer than the value cannot reach 0.7.
      if (pwd.length >= 10 * chars.length) continue;
      if (similarityRatio(pwd, chars) >= MAX_SIMILARITY) return label;
    }
  }
  return undefined;
}

/** Python's difflib.SequenceMatcher(a, b).ratio() without junk heuristics: 2 * matches / total length. */
function similarityRatio(a: readonly string[], b: readonly string[]): number {
  const total = a.length + b.length;
  return total === 0 ? 1 : (2 * countMatches(a, 0, a.length, b, 0, b.length)) / total;
}

/** Characters matched by taking the longest common block, then recursing on both sides of it. */
function countMatches(a: readonly string[], aLo: number, aHi: number, b: readonly string[], bLo: number, bHi: number): number {
  // Like difflib, ties go to the block starting earliest in a, then earliest in b.
  let bestI = aLo;
  let bestJ = bLo;
  let bestSize = 0;
  let prev = new Array<number>(bHi - bLo + 1).fill(0);
  for (let i = aLo; i < aHi; i++) {
    const cur = new Array<number>(bHi - bLo + 1).fill(0);
    for (let j = bLo; j < bHi; j++) {
      if (a[i] !== b[j]) continue;
      const size = prev[j - bLo] + 1;
      cur[j - bLo + 1] = size;
      if (size > bestSize) {
        bestI = i - size + 1;
        bestJ = j - size + 1;
        bestSize = size;
      }
    }
    prev = cur;
  }
  if (bestSize === 0) return 0;
  return (
    bestSize +
    countMatches(a, aLo, bestI, b, bLo, bestJ) +
    countMatches(a, bestI + bestSize, aHi, b, bestJ + bestSize, bHi)
  );
}
