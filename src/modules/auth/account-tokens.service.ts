import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sha256Hex as sha256 } from '../../common/crypto.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { AccountToken, AccountTokenPurpose } from './account-token.entity.js';
import { AccountTokensRepository } from './account-tokens.repository.js';


/**
 * Verification keys and reset tokens (SECURITY.md 18): 256 random bits, only their hash
 * stored, single use, expiring, bound to one user and to that user's state when issued.
 */
@Injectable()
export class AccountTokensService {
  constructor(
    private readonly tokens: AccountTokensRepository,
    private readonly users: UsersService,
  ) {}

  /** What a token is bound to: the address for verification, the password hash (and address) for reset. */
  private stateOf(user: User, purpose: AccountTokenPurpose): string {
    return sha256(purpose === 'verify_email' ? `email:${user.email.toLowerCase()}` : `password:${user.passwordHash ?? ''}:${user.email.toLowerCase()}`);
  }

  async issue(user: User, purpose: AccountTokenPurpose, lifetimeSeconds: number): Promise<string> {
    const raw = randomBytes(32).toString('base64url');
    await this.tokens.insert({
      userId: user.id,
      purpose,
      tokenHash: sha256(raw),
      stateHash: this.stateOf(user, purpose),
      expiresAt: new Date(Date.now() + lifetimeSeconds * 1000),
    });
    return raw;
  }

  /** The token and its user when the token is live, of this purpose, of `userId` (when given), and the user's state is unchanged. */
  async check(raw: unknown, purpose: AccountTokenPurpose, userId?: string): Promise<{ token: AccountToken; user: User } | null> {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > 128) return null;
    const token = await this.tokens.findLive(sha256(raw), purpose);
    if (!token || (userId !== undefined && token.userId !== userId)) return null;
    const user = await this.users.findById(token.userId);
    if (!user || !user.isActive || this.stateOf(user, purpose) !== token.stateHash) return null;
    return { token, user };
  }

  spend(token: AccountToken): Promise<boolean> {
    return this.tokens.spend(token.id);
  }

  spendAll(userId: string, purpose: AccountTokenPurpose): Promise<void> {
    return this.tokens.spendAll(userId, purpose);
  }

  /** Housekeeping: deletes up to `limit` links expired at `now`. An expired link is refused with or without its row. */
  purgeExpired(now: Date, limit: number): Promise<number> {
    return this.tokens.deleteExpired(now, limit);
  }
}
