import { createHash } from 'node:crypto';

/** SHA-256 in hex: how single-use secrets (reset tokens, recovery codes, OAuth state) are stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
