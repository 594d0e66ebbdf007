import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AccountTokenPurpose = 'verify_email' | 'password_reset';

/**
 * A single-use e-mail verification key or password reset token. Only its SHA-256 is stored;
 * `state_hash` binds it to the user's state when it was issued (the email, or the password hash),
 * so a password change or an email change voids it.
 */
@Entity({ name: 'account_tokens' })
export class AccountToken {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  purpose: AccountTokenPurpose;

  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash: string;

  @Column({ name: 'state_hash', type: 'char', length: 64 })
  stateHash: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
