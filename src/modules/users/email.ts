import { domainToASCII } from 'node:url';
import { isEmail } from 'class-validator';

/**
 * The stored display form, where mail goes. API.md: trimmed, domain lowercased; and in NFKC, so
 * a full-width or ligature spelling is stored as the address it stands for. Compared only
 * through emailKey.
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.normalize('NFKC').trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : trimmed.slice(0, at) + '@' + trimmed.slice(at + 1).toLowerCase();
}

// Lowercasing İ (U+0130) gives "i" + U+0307; on a soft-dotted letter (i, j) that dot is already
// there, so it is dropped and kfİx meets kfix, as PostgreSQL's lower() made them meet before.
const REDUNDANT_DOT_ABOVE = /(?<=\p{Soft_Dotted})\u0307/gu;

/**
 * Compatibility form (full-width, ligatures, the Kelvin sign, NBSP to a space), then upper-
 * then lowercase so ß and ss, ı and i, ς and σ meet. Repeated until stable: ẞ lowercases to ß,
 * which only the next round turns into ss.
 */
function fold(text: string): string {
  let current = text;
  for (let round = 0; round < 4; round++) {
    const next = current.normalize('NFKC').toUpperCase().toLowerCase().replace(REDUNDANT_DOT_ABOVE, '').normalize('NFKC');
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * IDNA (UTS #46), as DNS sees the domain: bücher.de and xn--bcher-kva.de are one. A domain IDNA
 * refuses is only folded, and is never a valid key (hasValidEmailKey wants an ASCII domain).
 */
function domainKey(domain: string): string {
  return domainToASCII(domain) || fold(domain);
}

/**
 * The one canonical identity of an address (SECURITY.md 32): uniqueness, lookup, and every
 * throttle and mail-limit key use it, so two spellings the database treats as one account can
 * never draw on two budgets. Total (never throws) and idempotent, so it can key anything typed.
 *
 * - NFKC first: full-width letters and ＠, ligatures (ﬀ → ff), the Kelvin sign, ſ, NBSP → space.
 * - Trimmed after that (JavaScript's trim covers NBSP and the other Unicode spaces), so NBSP
 *   around the address is dropped; NBSP inside becomes a space, which no valid address holds.
 * - Local part case-folded (see fold): İ, ı, I and i are one letter; ß is ss.
 * - Domain through IDNA to its ASCII form (case, width, punycode). A trailing dot is kept: such
 *   an address is refused at signup (RFC 5321 has no root dot), so it never reaches an account.
 */
export function emailKey(email: string): string {
  // From the stored form, so the key of what is typed and the key of what is stored always agree
  // (a final sigma lowercased there, say).
  const compat = normalizeEmail(email);
  const at = compat.lastIndexOf('@');
  if (at < 0) return fold(compat);
  return `${fold(compat.slice(0, at))}@${domainKey(compat.slice(at + 1))}`;
}

// Controls, format characters (zero-width, bidi, soft hyphen), surrogates, private use,
// unassigned code points (a later Unicode may give them a case mapping) and every space.
const NOT_IN_ADDRESS = /[\p{C}\p{Z}]/u;

/**
 * Whether the canonical form of what was typed is itself a valid address: what passes here is
 * what may be stored, so the account key is never something the owner could not have meant.
 */
export function hasValidEmailKey(email: string): boolean {
  const key = emailKey(email);
  const domain = key.slice(key.lastIndexOf('@') + 1);
  return key.length <= 254 && !NOT_IN_ADDRESS.test(key) && /^[\x21-\x7e]+$/.test(domain) && isEmail(key);
}

/** A key PostgreSQL cannot hold (NUL, lone surrogates) matches no account; querying it would fail. */
export function isStorableEmailKey(key: string): boolean {
  return !/[\u0000\p{Cs}]/u.test(key);
}
