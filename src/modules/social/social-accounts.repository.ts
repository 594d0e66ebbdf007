import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import type { SocialProfile } from './providers/social-provider.js';
import { SocialAccount } from './social-account.entity.js';

@Injectable()
export class SocialAccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByProviderUid(provider: string, uid: string): Promise<SocialAccount | null> {
    return this.dataSource.manager.findOne(SocialAccount, { where: { provider: provider as SocialAccount['provider'], uid } });
  }

  listForUser(userId: string): Promise<SocialAccount[]> {
    return this.dataSource.manager.find(SocialAccount, { where: { userId }, order: { dateJoined: 'ASC' } });
  }

  async link(em: EntityManager, userId: string, profile: SocialProfile): Promise<SocialAccount> {
    const account = { id: randomUUID(), userId, provider: profile.provider, uid: profile.subject, email: profile.email, dateJoined: new Date(), lastLogin: new Date() };
    try {
      await em.insert(SocialAccount, account);
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') {
        throw ValidationFailedError.field('non_field_errors', 'This account is already connected to a user.');
      }
      throw error;
    }
    return account;
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.manager.update(SocialAccount, { id }, { lastLogin: new Date() });
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.manager.delete(SocialAccount, { id });
  }

  countForUser(userId: string): Promise<number> {
    return this.dataSource.manager.count(SocialAccount, { where: { userId } });
  }
}
