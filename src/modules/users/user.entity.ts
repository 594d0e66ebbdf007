import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn('uuid')
  id: string;

  /** The address as given (trimmed, domain lowercased): where mail goes. Never compared; see emailKey. */
  @Column({ type: 'text' })
  email: string;

  /** emailKey(email), written by UsersRepository: the one column uniqueness and lookup use (SECURITY.md 32). */
  @Column({ name: 'email_key', type: 'text', unique: true })
  emailKey: string;

  /** argon2id PHC string; null for accounts that only sign in through a provider. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ name: 'first_name', type: 'varchar', length: 150, default: '' })
  firstName: string;

  @Column({ name: 'last_name', type: 'varchar', length: 150, default: '' })
  lastName: string;

  @Column({ type: 'varchar', length: 20, nullable: true, unique: true })
  phone: string | null;

  @Column({ name: 'is_active', default: true })
  isActive: boolean;

  @Column({ name: 'is_staff', default: false })
  isStaff: boolean;

  /** Superuser rights (grant or remove staff rights, act on other staff); a superuser is always staff too (ck_users_superuser_is_staff). */
  @Column({ name: 'is_superuser', default: false })
  isSuperuser: boolean;

  @Column({ name: 'email_verified', default: false })
  emailVerified: boolean;

  @Column({ name: 'mfa_enabled', default: false })
  mfaEnabled: boolean;

  /** Bumped by every change of the account's credentials; a sign-in opens a session only while it is unchanged. */
  @Column({ name: 'credentials_version', type: 'int', default: 0 })
  credentialsVersion: number;

  @Column({ name: 'date_joined', type: 'timestamptz', default: () => 'now()' })
  dateJoined: Date;

  @Column({ name: 'last_login', type: 'timestamptz', nullable: true })
  lastLogin: Date | null;
}
