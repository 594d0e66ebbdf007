import { AdminUsersService } from '../../modules/admin/admin-users.service.js';
import { accountByEmail, CLI_ACTOR } from '../accounts.js';
import type { Command } from '../command.js';
import { withServices } from '../services.js';

export const usersLogoutCommand: Command = {
  name: 'users:logout',
  usage: '<email>',
  summary: 'end every session of an account: its tokens are refused from now on, on every instance',
  args: 1,
  async run({ args: [email], config }) {
    console.log(
      await withServices(config, async (app) => {
        const user = await accountByEmail(app, email);
        const ended = await app.get(AdminUsersService).endSessions(CLI_ACTOR, user.id);
        return `Ended ${ended} session${ended === 1 ? '' : 's'} of ${user.email}.`;
      }),
    );
  },
};
