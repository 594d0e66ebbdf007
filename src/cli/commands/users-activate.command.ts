import { AdminUsersService } from '../../modules/admin/admin-users.service.js';
import { accountByEmail, CLI_ACTOR } from '../accounts.js';
import type { Command } from '../command.js';
import { withServices } from '../services.js';

export const usersActivateCommand: Command = {
  name: 'users:activate',
  usage: '<email>',
  summary: 'activate a deactivated account: it can sign in again',
  args: 1,
  async run({ args: [email], config }) {
    console.log(
      await withServices(config, async (app) => {
        const user = await accountByEmail(app, email);
        if (user.isActive) return `${user.email} was already active.`;
        await app.get(AdminUsersService).update(CLI_ACTOR, user.id, { isActive: true });
        return `${user.email} is active.`;
      }),
    );
  },
};
