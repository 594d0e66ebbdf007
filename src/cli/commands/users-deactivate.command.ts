import { AdminUsersService } from '../../modules/admin/admin-users.service.js';
import { accountByEmail, CLI_ACTOR } from '../accounts.js';
import type { Command } from '../command.js';
import { withServices } from '../services.js';

export const usersDeactivateCommand: Command = {
  name: 'users:deactivate',
  usage: '<email>',
  summary: 'deactivate an account: it cannot sign in, and every session of it ends at once',
  args: 1,
  async run({ args: [email], config }) {
    console.log(
      await withServices(config, async (app) => {
        const user = await accountByEmail(app, email);
        if (!user.isActive) return `${user.email} was already deactivated.`;
        await app.get(AdminUsersService).update(CLI_ACTOR, user.id, { isActive: false });
        return `${user.email} is deactivated; its sessions have ended.`;
      }),
    );
  },
};
