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
  // What operators did (actor_id, target_id, details): through the admin API, or the CLI (details.via = "cli").
  'admin_user_changed',
  'admin_user_deleted',
  'admin_sessions_ended',
  'admin_throttles_cleared',
  'admin_password_reset_sent',
  'admin_mfa_reset',
  'admin_superuser_created',
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

  /** Who did it, when not the user itself: the staff member (null for the CLI and the user's own actions). */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  /** The account an admin action was about; no foreign key, so the record outlives the account. */
  @Column({ name: 'target_id', type: 'uuid', nullable: true })
  targetId: string | null;

  /** What an admin action changed, e.g. `{"is_active": [true, false]}`, and where it came from (`"via": "cli"`). */
  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
