import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import type { SocialProfile } from './providers/social-provider.js';
import { SocialAccount } from './social-account.entity.js';

@Injectable()
export class SocialAccountsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get em() {
    return this.txHost.tx;
  }

  findByProviderUid(provider: string, uid: string): Promise<SocialAccount | null> {
    return this.em.findOne(SocialAccount, { where: { provider: provider as SocialAccount['provider'], uid } });
  }

  listForUser(userId: string): Promise<SocialAccount[]> {
    return this.em.find(SocialAccount, { where: { userId }, order: { dateJoined: 'ASC' } });
  }

  async link(userId: string, profile: SocialProfile): Promise<SocialAccount> {
    const account = { id: randomUUID(), userId, provider: profile.provider, uid: profile.subject, email: profile.email, dateJoined: new Date(), lastLogin: new Date() };
    try {
      await this.em.insert(SocialAccount, account);
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') {
        throw ValidationFailedError.field('non_field_errors', 'This account is already connected to a user.');
      }
      throw error;
    }
    return account;
  }

  async touch(id: string): Promise<void> {
    await this.em.update(SocialAccount, { id }, { lastLogin: new Date() });
  }

  async remove(id: string): Promise<void> {
    await this.em.delete(SocialAccount, { id });
  }

  /** Unlinks every provider account of a user; returns how many there were. */
  async removeAllForUser(userId: string): Promise<number> {
    return (await this.em.delete(SocialAccount, { userId })).affected ?? 0;
  }

  countForUser(userId: string): Promise<number> {
    return this.em.count(SocialAccount, { where: { userId } });
  }
}
