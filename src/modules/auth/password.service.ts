import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import * as argon2 from 'argon2';
import { authConfig } from '../../config/auth.config.js';
import { lowerThreadPoolPriority } from '../../common/threadpool.js';

/**
 * argon2id at no less than the OWASP minimum (m=19456 KiB, t=2, p=1). Hashing runs on libuv's
 * thread pool, off the event loop, at a lower CPU priority (ARGON2_THREAD_NICE) so that a login
 * flood cannot starve the event loop.
 */
@Injectable()
export class PasswordService implements OnModuleInit {
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };
  private dummyHash = '';
  private readonly threadNice: number;

  constructor(@Inject(authConfig.KEY) config: ConfigType<typeof authConfig>) {
    this.threadNice = config.argon2ThreadNice;
    this.options = { type: argon2.argon2id, memoryCost: config.argon2MemoryKib, timeCost: config.argon2TimeCost, parallelism: 1 };
  }

  async onModuleInit(): Promise<void> {
    // The first hash starts the thread pool, so its threads exist by now.
    this.dummyHash = await this.hash(randomBytes(24).toString('base64'));
    lowerThreadPoolPriority(this.threadNice);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same time as a real verification, for a user that does not exist or has no
   * password, so the response time does not tell whether the account exists (SECURITY.md 4).
   */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(this.dummyHash, password);
    return false;
  }

  /** True when the hash was made with weaker parameters than the configured ones. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, this.options);
  }
}
