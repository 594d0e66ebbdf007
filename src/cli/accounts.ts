import type { INestApplicationContext } from '@nestjs/common';
import type { AdminActor } from '../modules/audit/security-events.service.js';
import type { User } from '../modules/users/user.entity.js';
import { UsersService } from '../modules/users/users.service.js';
import { Refusal } from './command.js';

/** The CLI acts with a superuser's rights and no user; its audit events say `via: "cli"`. */
export const CLI_ACTOR: AdminActor = { user: null, client: null };

/** The account the operator named, under any spelling of its address that signs in to it. */
export async function accountByEmail(app: INestApplicationContext, email: string): Promise<User> {
  const user = await app.get(UsersService).findByEmail(email);
  if (!user) throw new Refusal(`No account with the e-mail address ${email}.`);
  return user;
}
