import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SECURITY_EVENTS = [
  'signup',
  'login_succeeded',
  'login_failed',
  'login_throttled',
  'reauth_failed',
  'reauth_throttled',
  'refresh_reuse',
  'logout',
  'logout_all',
  'session_ended',
  'password_changed',
  'password_reset',
  'email_verified',
  'unverified_credentials_revoked',
  'mfa_enabled',
  'mfa_disabled',
  'mfa_recovery_codes_regenerated',
] as const;
export type SecurityEventType = (typeof SECURITY_EVENTS)[number];

/** The audit log: what happened to an account, from where. */
@Entity({ name: 'security_events' })
export class SecurityEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 40 })
  event: SecurityEventType;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
