import { AdminUsersService } from '../../modules/admin/admin-users.service.js';
import { accountByEmail, CLI_ACTOR } from '../accounts.js';
import { Refusal, type Command } from '../command.js';
import { withServices } from '../services.js';

export const usersUnlockCommand: Command = {
  name: 'users:unlock',
  usage: '<email>',
  summary: 'clear the login, re-authentication and MFA throttles of an account (needs REDIS_URL)',
  args: 1,
  async run({ args: [email], config }) {
    console.log(
      await withServices(config, async (app) => {
        const user = await accountByEmail(app, email);
        // Without Redis each server process counts in its own memory: clearing this process's counters would unlock nothing.
        if (!config.redis.url) {
          throw new Refusal(`Without REDIS_URL the throttles live in the server's memory, out of this command's reach: use POST /api/admin/users/${user.id}/unlock/ or restart the server.`);
        }
        await app.get(AdminUsersService).unlock(CLI_ACTOR, user.id);
        return `${user.email} can sign in again.`;
      }),
    );
  },
};
