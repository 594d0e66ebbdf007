import type { FieldErrors } from '../errors/app-error.js';
import { MESSAGES } from './messages.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be stored in a PostgreSQL text column, in DRF's words (its CharField
 * validators): NUL is refused by the server, a lone UTF-16 surrogate has no UTF-8 form and
 * the driver would silently turn it into U+FFFD.
 */
function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return MESSAGES.nullCharacters;
  const lone = LONE_SURROGATE.exec(text);
  return lone ? MESSAGES.surrogate(lone[0].charCodeAt(0)) : undefined;
}

/**
 * Every string in a parsed body, query or path parameters, keys included, under the dotted
 * path of its field (the shape toFieldErrors uses). Empty when everything is storable.
 */
export function unstorableFields(value: unknown, prefix = '', out: FieldErrors = {}): FieldErrors {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    if (reason) out[prefix || 'non_field_errors'] ??= [reason];
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const keyReason = unstorableReason(key);
      if (keyReason) {
        out[prefix || 'non_field_errors'] ??= [keyReason];
        continue;
      }
      unstorableFields(child, prefix ? `${prefix}.${key}` : key, out);
    }
  }
  return out;
}
