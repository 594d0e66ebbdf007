/** API.md: emails are trimmed and their domain lowercased; comparison is case-insensitive. */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : trimmed.slice(0, at) + '@' + trimmed.slice(at + 1).toLowerCase();
}

/**
 * The one canonical identity of an address (SECURITY.md 32): uniqueness, lookup, and every
 * throttle and mail-limit key use it, so two spellings the database treats as one account can
 * never draw on two budgets. Compatibility-normalised (NFKC: full-width letters, ligatures,
 * the Kelvin sign) and case-folded (upper then lower, so ß and ss, ı and i meet).
 */
export function emailKey(email: string): string {
  return normalizeEmail(email).normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
