import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Redis } from 'ioredis';
import { authConfig } from '../../config/auth.config.js';
import { ServiceUnavailableError } from '../../common/errors/app-error.js';
import { REDIS } from '../../redis/redis.module.js';
import { SessionsRepository } from './sessions.repository.js';

/**
 * Which sessions have ended, consulted on every authenticated request without a database
 * round trip. A revoked session id is remembered for one access-token lifetime: after that
 * every access token of the session has expired on its own.
 *
 * With REDIS_URL the set lives in Redis, so a revoke on one instance is seen by all at once;
 * without it, in this process. PostgreSQL stays the source of truth: the set is rebuilt from
 * the sessions table at start and whenever Redis comes back (it keeps nothing on disk).
 * A Redis failure is never read as "not revoked" (SECURITY.md 28): the check fails with 503.
 */
@Injectable()
export class RevocationService implements OnModuleInit {
  private readonly logger = new Logger(RevocationService.name);
  private readonly local = new Map<string, number>();
  private readonly keepMs: number;
  /** False from a Redis disconnect until the set is rebuilt: a restarted Redis may have lost it. */
  private seeded = false;

  constructor(
    private readonly sessions: SessionsRepository,
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
  ) {
    this.keepMs = config.accessTokenLifetime * 1000;
  }

  async onModuleInit(): Promise<void> {
    if (this.redis) {
      this.redis.on('close', () => {
        this.seeded = false;
      });
      this.redis.on('ready', () => {
        this.reseed()
          .then(() => {
            this.seeded = true;
          })
          .catch((error: Error) => this.logger.error({ err: { message: error.message } }, 'revocation reseed failed'));
      });
      if (this.redis.status === 'ready') {
        await this.reseed();
        this.seeded = true;
      }
    } else {
      await this.reseed();
    }
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    if (!this.redis) {
      const until = this.local.get(sessionId);
      if (until === undefined) return false;
      if (until > Date.now()) return true;
      this.local.delete(sessionId);
      return false;
    }
    // Until the set is rebuilt after a reconnect, "not in Redis" does not mean "not revoked".
    if (!this.seeded) throw new ServiceUnavailableError();
    try {
      return (await this.redis.exists(key(sessionId))) === 1;
    } catch {
      throw new ServiceUnavailableError();
    }
  }

  /** Call after the sessions are marked revoked in the database. */
  async markRevoked(sessionIds: string[], revokedAt = Date.now()): Promise<void> {
    if (sessionIds.length === 0) return;
    const until = revokedAt + this.keepMs;
    if (!this.redis) {
      for (const id of sessionIds) this.local.set(id, until);
      this.sweep();
      return;
    }
    try {
      const pipeline = this.redis.multi();
      for (const id of sessionIds) pipeline.set(key(id), '1', 'PXAT', until);
      await pipeline.exec();
    } catch {
      throw new ServiceUnavailableError();
    }
  }

  private async reseed(): Promise<void> {
    const recent = await this.sessions.findRevokedSince(new Date(Date.now() - this.keepMs));
    if (this.redis && recent.length) {
      const pipeline = this.redis.multi();
      for (const session of recent) pipeline.set(key(session.id), '1', 'PXAT', session.revokedAt!.getTime() + this.keepMs);
      await pipeline.exec();
    } else {
      for (const session of recent) this.local.set(session.id, session.revokedAt!.getTime() + this.keepMs);
    }
    if (recent.length) this.logger.log(`restored ${recent.length} recent revocations`);
  }

  private sweep(): void {
    if (this.local.size < 10_000) return;
    const now = Date.now();
    for (const [id, until] of this.local) if (until <= now) this.local.delete(id);
  }
}

function key(sessionId: string): string {
  return `revoked:${sessionId}`;
}
