import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One MFA login ticket (the jti of an mfa_token), so the ticket can be spent once. */
@Entity({ name: 'mfa_challenges' })
export class MfaChallenge {
  @PrimaryColumn('uuid')
  jti: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** The account's credentials version when the password was checked. */
  @Column({ name: 'credentials_version', type: 'int', default: 0 })
  credentialsVersion: number;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
