import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One browser redirect sign-in: the state and PKCE verifier sent to the provider, then the
 * one-time code the frontend exchanges for tokens. Only hashes of state and code are stored.
 */
@Entity({ name: 'oauth_flows' })
export class OauthFlow {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20 })
  provider: string;

  @Column({ name: 'state_hash', type: 'char', length: 64 })
  stateHash: string;

  @Column({ name: 'code_verifier', type: 'varchar', length: 128 })
  codeVerifier: string;

  @Column({ name: 'next_path', type: 'varchar', length: 512 })
  nextPath: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'state_used_at', type: 'timestamptz', nullable: true })
  stateUsedAt: Date | null;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  /** The account's credentials version when the code was issued: the code is void once it changes. */
  @Column({ name: 'credentials_version', type: 'int', nullable: true })
  credentialsVersion: number | null;

  @Column({ name: 'exchange_code_hash', type: 'char', length: 64, nullable: true })
  exchangeCodeHash: string | null;

  @Column({ name: 'exchange_expires_at', type: 'timestamptz', nullable: true })
  exchangeExpiresAt: Date | null;

  @Column({ name: 'exchanged_at', type: 'timestamptz', nullable: true })
  exchangedAt: Date | null;
}
