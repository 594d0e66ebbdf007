import { randomInt, randomUUID } from 'node:crypto';
import type request from 'supertest';

export const PASSWORD = 'violet-harbour-lantern-42';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}.${randomUUID().slice(0, 12)}@example.com`;
}

/** A random E.164 number: the PostgreSQL test database outlives a run, so fixed numbers would collide. */
export function uniquePhone(): string {
  return `+1${randomInt(200, 999)}${String(randomInt(0, 1e7)).padStart(7, '0')}`;
}

export interface SignedUp {
  email: string;
  password: string;
  access: string;
  refresh: string;
  userId: string;
}

/** Signs a new user up over HTTP and returns its credentials and first token pair. */
export async function signup(http: ReturnType<typeof request>, overrides: Record<string, unknown> = {}): Promise<SignedUp> {
  const email = (overrides.email as string) ?? uniqueEmail();
  const password = (overrides.password as string) ?? PASSWORD;
  const response = await http
    .post('/api/signup/')
    .send({ email, password, password_confirm: password, first_name: 'Test', last_name: 'User', ...overrides });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { email, password, access: response.body.access, refresh: response.body.refresh, userId: response.body.user.id };
}

export async function login(http: ReturnType<typeof request>, email: string, password = PASSWORD): Promise<{ access: string; refresh: string }> {
  const response = await http.post('/api/login/').send({ email, password });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { access: response.body.access, refresh: response.body.refresh };
}

export function bearer(token: string): [string, string] {
  return ['Authorization', `Bearer ${token}`];
}
