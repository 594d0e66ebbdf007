import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import * as argon2 from 'argon2';
import { authConfig } from '../../config/auth.config.js';
import { lowerThreadPoolPriority } from '../../common/threadpool.js';
import { UsersService } from '../users/users.service.js';
import { normalizePassword } from './password-policy.js';

/**
 * argon2id at no less than the OWASP minimum (m=19456 KiB, t=2, p=1). Hashing runs on libuv's
 * thread pool, off the event loop, at a lower CPU priority (ARGON2_THREAD_NICE) so that a login
 * flood cannot starve the event loop.
 *
 * Every password is NFC-normalised here, and only here, before it is hashed or checked
 * (NIST SP 800-63B 5.1.1.2, SECURITY.md 37), so the composed and decomposed spellings of one
 * password are the same password whichever endpoint asks for it.
 */
@Injectable()
export class PasswordService implements OnModuleInit {
  private readonly logger = new Logger(PasswordService.name);
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };
  private dummyHash = '';
  private readonly threadNice: number;

  constructor(
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
    private readonly users: UsersService,
  ) {
    this.threadNice = config.argon2ThreadNice;
    this.options = { type: argon2.argon2id, memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost, parallelism: 1 };
  }

  async onModuleInit(): Promise<void> {
    // The first hash starts the thread pool, so its threads exist by now.
    this.dummyHash = await this.hash(randomBytes(24).toString('base64'));
    lowerThreadPoolPriority(this.threadNice);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(normalizePassword(password), this.options);
  }

  /**
   * True when the password matches. A hash stored before passwords were normalised may hold a
   * raw non-NFC password: that one still matches, and the stored hash is replaced at once by
   * one of the normalised form, so the account needs the fallback only once.
   */
  async verify(hash: string, password: string): Promise<boolean> {
    const match = await this.match(hash, password);
    if (match === 'raw') await this.upgradeLegacy(hash, password);
    return match !== false;
  }

  /**
   * Spends the same time as a real verification, for a user that does not exist or has no
   * password, so the response time does not tell whether the account exists (SECURITY.md 4).
   */
  async verifyDummy(password: string): Promise<false> {
    await this.match(this.dummyHash, password);
    return false;
  }

  /** A wrong password costs the same whether or not the account exists: one argon2 run, two for a non-NFC password. */
  private async match(hash: string, password: string): Promise<'normalised' | 'raw' | false> {
    const normalised = normalizePassword(password);
    if (await this.argon2Verify(hash, normalised)) return 'normalised';
    if (normalised !== password && (await this.argon2Verify(hash, password))) return 'raw';
    return false;
  }

  private async argon2Verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Keyed by the old hash (its salt makes it unique), so a password changed meanwhile is left alone. */
  private async upgradeLegacy(oldHash: string, password: string): Promise<void> {
    try {
      await this.users.rehashPassword(oldHash, await this.hash(password));
    } catch (error) {
      // The password was right; the upgrade is retried at the next successful check.
      this.logger.warn({ err: { message: (error as Error).message } }, 'could not rehash a legacy password');
    }
  }

  /** True when the hash was made with weaker parameters than the configured ones. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, this.options);
  }
}
