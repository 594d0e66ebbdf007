import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 in hex: how single-use secrets (reset tokens, recovery codes, OAuth state) are stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Whether two secrets are equal, in a time that does not depend on where they differ (nor on their lengths). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
