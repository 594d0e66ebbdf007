import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AddressClaimService, type ClaimRevocation } from '../auth/address-claim.service.js';
import { OauthFlowsRepository } from './oauth-flows.repository.js';
import { SocialAccountsRepository } from './social-accounts.repository.js';

/**
 * What an address claim revokes of social sign-in (SECURITY.md 34): every provider account linked
 * while the address was unverified, and the browser sign-ins they earned that are not exchanged
 * yet. Registered with AddressClaimService at start, so every claim runs it in its transaction.
 */
@Injectable()
export class SocialClaimRevocation implements ClaimRevocation, OnModuleInit {
  constructor(
    private readonly claims: AddressClaimService,
    private readonly accounts: SocialAccountsRepository,
    private readonly flows: OauthFlowsRepository,
  ) {}

  onModuleInit(): void {
    this.claims.register(this);
  }

  async revokeForClaim(userId: string): Promise<number> {
    const links = await this.accounts.removeAllForUser(userId);
    await this.flows.spendPendingForUser(userId);
    return links;
  }
}
