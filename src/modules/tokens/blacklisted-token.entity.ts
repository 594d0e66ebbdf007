import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A spent or logged-out refresh token (simplejwt's BlacklistedToken). The unique token_id is
 * what lets exactly one of many parallel refreshes of the same token rotate it.
 */
@Entity({ name: 'blacklisted_tokens' })
export class BlacklistedToken {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'token_id', type: 'uuid', unique: true })
  tokenId: string;

  @Column({ name: 'blacklisted_at', type: 'timestamptz', default: () => 'now()' })
  blacklistedAt: Date;

  /** The refresh token that replaced this one: with its issue time, enough to sign it again. */
  @Column({ name: 'successor_jti', type: 'uuid', nullable: true })
  successorJti: string | null;

  @Column({ name: 'successor_issued_at', type: 'timestamptz', nullable: true })
  successorIssuedAt: Date | null;
}
