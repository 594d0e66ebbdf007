import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { NotFoundError, UserInactiveError, ValidationFailedError } from '../../common/errors/app-error.js';
import type { ClientContext } from '../../common/http/client-context.js';
import { AddressClaimService } from '../auth/address-claim.service.js';
import { SignInService, type MfaRequired, type SignedIn } from '../auth/sign-in.service.js';
import { normalizeEmail } from '../users/email.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { SocialProviders } from './providers/social-providers.js';
import type { ProviderName, SocialCredentials, SocialProfile, SocialProvider } from './providers/social-provider.js';
import type { SocialAccount } from './social-account.entity.js';
import { SocialAccountsRepository } from './social-accounts.repository.js';

export interface SocialSignIn {
  created: boolean;
  result: SignedIn | MfaRequired;
}

/**
 * Sign-in through a provider. Accounts are found by (provider, subject) only. A new identity
 * joins an existing local account only when the provider asserts the email is verified;
 * otherwise the person must sign in and connect it (SECURITY.md 23). Joining an account whose
 * address was not verified yet is the owner claiming it: whatever was set up on it before is
 * revoked first (AddressClaimService, SECURITY.md 34).
 */
@Injectable()
export class SocialService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly accounts: SocialAccountsRepository,
    private readonly users: UsersService,
    private readonly signIns: SignInService,
    private readonly claims: AddressClaimService,
    private readonly providers: SocialProviders,
  ) {}

  /** A configured provider adapter; 404 for an unknown name, provider_not_configured without credentials. */
  provider(name: string): SocialProvider {
    return this.providers.get(name);
  }

  private verify(name: string, credentials: SocialCredentials): Promise<SocialProfile> {
    return this.provider(name).profile(credentials);
  }

  async signIn(name: ProviderName, credentials: SocialCredentials, client: ClientContext): Promise<SocialSignIn> {
    const { user, created } = await this.resolveUser(await this.verify(name, credentials), client);
    return { created, result: await this.signInAs(user, client) };
  }

  /** The user behind a provider identity: linked, linked now (verified email), or created. */
  async resolveUser(profile: SocialProfile, client: ClientContext | null): Promise<{ user: User; created: boolean }> {
    const name = profile.provider;
    const linked = await this.accounts.findByProviderUid(profile.provider, profile.subject);
    if (linked) {
      const user = await this.users.findById(linked.userId);
      if (!user) throw new NotFoundError();
      await this.accounts.touch(linked.id);
      return { user, created: false };
    }
    if (!profile.email) throw ValidationFailedError.field('non_field_errors', `${name} did not share an e-mail address; allow it and try again.`);
    const email = normalizeEmail(profile.email);
    const existing = await this.users.findByEmail(email);
    if (existing) {
      if (!profile.emailVerified) {
        throw ValidationFailedError.field('non_field_errors', `An account with this e-mail already exists. Sign in to it, then connect ${name} from your account.`);
      }
      if (!existing.isActive) throw new UserInactiveError();
      const user = await this.txHost.withTransaction(async () => {
        await this.claims.claim(existing.id, 'provider_sign_in', client);
        await this.accounts.link(existing.id, profile);
        return this.users.findById(existing.id);
      });
      return { user: user!, created: false };
    }
    const user = await this.txHost.withTransaction(async () => {
      const created = await this.users.register({
        id: randomUUID(),
        email,
        passwordHash: null,
        firstName: profile.firstName.slice(0, 150),
        lastName: profile.lastName.slice(0, 150),
        emailVerified: profile.emailVerified,
        dateJoined: new Date(),
      });
      await this.accounts.link(created.id, profile);
      return created;
    });
    return { user, created: true };
  }

  /** A disabled account is refused (403); with MFA on, the provider only earns a ticket for the second step. */
  signInAs(user: User, client: ClientContext): Promise<SignedIn | MfaRequired> {
    return this.signIns.complete(user, client, 'social');
  }

  async connect(userId: string, name: ProviderName, credentials: SocialCredentials): Promise<SocialAccount> {
    const profile = await this.verify(name, credentials);
    const linked = await this.accounts.findByProviderUid(profile.provider, profile.subject);
    if (linked && linked.userId === userId) return linked;
    if (linked) throw ValidationFailedError.field('non_field_errors', 'This account is already connected to another user.');
    return this.accounts.link(userId, profile);
  }

  list(userId: string): Promise<SocialAccount[]> {
    return this.accounts.listForUser(userId);
  }

  async disconnect(user: User, accountId: string): Promise<void> {
    const account = (await this.accounts.listForUser(user.id)).find((a) => a.id === accountId);
    if (!account) throw new NotFoundError();
    if (user.passwordHash === null && (await this.accounts.countForUser(user.id)) <= 1) {
      throw ValidationFailedError.field('non_field_errors', 'This is the last way to sign in to your account: set a password first.');
    }
    await this.accounts.remove(account.id);
  }
}
