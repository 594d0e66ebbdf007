import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProviderName } from './providers/social-provider.js';

/** A provider identity linked to a user, unique on (provider, uid): the provider's subject, never an email. */
@Entity({ name: 'social_accounts' })
export class SocialAccount {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 20 })
  provider: ProviderName;

  @Column({ type: 'varchar', length: 255 })
  uid: string;

  @Column({ type: 'citext', nullable: true })
  email: string | null;

  @Column({ name: 'date_joined', type: 'timestamptz', default: () => 'now()' })
  dateJoined: Date;

  @Column({ name: 'last_login', type: 'timestamptz', nullable: true })
  lastLogin: Date | null;
}
