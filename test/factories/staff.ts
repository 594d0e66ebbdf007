import type { TestApp } from '../setup/test-app.js';
import { signup, type SignedUp } from './users.js';

/**
 * A signed-up account made staff (or superuser) directly in the database: the admin API reads
 * the roles from there on every request, so the token from signup works at once. The CLI that
 * operators use to do this is tested as a process in cli.e2e-spec.ts.
 */
export async function staffMember(t: TestApp, { superuser = false } = {}): Promise<SignedUp> {
  const user = await signup(t.http);
  await t.db.query('UPDATE users SET is_staff = true, is_superuser = $2, email_verified = true WHERE id = $1', [user.userId, superuser]);
  return user;
}
