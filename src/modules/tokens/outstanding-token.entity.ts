import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every refresh token issued (simplejwt's OutstandingToken); only its jti is kept, never the token. */
@Entity({ name: 'outstanding_tokens' })
export class OutstandingToken {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid', unique: true })
  jti: string;

  @Index()
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
