import { AdminUsersService } from '../../modules/admin/admin-users.service.js';
import { accountByEmail, CLI_ACTOR } from '../accounts.js';
import { booleanArgument, type Command } from '../command.js';
import { withServices } from '../services.js';

export const usersSetSuperuserCommand: Command = {
  name: 'users:set-superuser',
  usage: '<email> true|false',
  summary: 'grant superuser rights (and staff) to an existing account, or remove them (it stays staff)',
  args: 2,
  async run({ args: [email, value], config }) {
    const superuser = booleanArgument(value, 'users:set-superuser: the second argument');
    console.log(
      await withServices(config, async (app) => {
        const user = await accountByEmail(app, email);
        if (user.isSuperuser === superuser) return `${user.email} ${superuser ? 'was already' : 'was not'} a superuser.`;
        await app.get(AdminUsersService).update(CLI_ACTOR, user.id, superuser ? { isStaff: true, isSuperuser: true } : { isSuperuser: false });
        return superuser ? `${user.email} is a superuser now.` : `${user.email} is no longer a superuser (still staff).`;
      }),
    );
  },
};
