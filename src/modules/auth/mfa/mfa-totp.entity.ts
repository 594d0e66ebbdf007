import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user's TOTP secret, encrypted at rest; unconfirmed until a first code proves the enrolment. */
@Entity({ name: 'mfa_totp' })
export class MfaTotp {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'secret_encrypted', type: 'text' })
  secretEncrypted: string;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  /** The last 30-second step whose code was accepted: each code works once (SECURITY.md 21). */
  @Column({ name: 'last_used_step', type: 'bigint', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  lastUsedStep: number;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
