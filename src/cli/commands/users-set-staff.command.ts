import { AdminUsersService } from '../../modules/admin/admin-users.service.js';
import { accountByEmail, CLI_ACTOR } from '../accounts.js';
import { booleanArgument, type Command } from '../command.js';
import { withServices } from '../services.js';

export const usersSetStaffCommand: Command = {
  name: 'users:set-staff',
  usage: '<email> true|false',
  summary: 'grant or remove staff rights (the admin API); removing them from a superuser removes superuser too',
  args: 2,
  async run({ args: [email, value], config }) {
    const staff = booleanArgument(value, 'users:set-staff: the second argument');
    console.log(
      await withServices(config, async (app) => {
        const user = await accountByEmail(app, email);
        if (user.isStaff === staff) return `${user.email} ${staff ? 'was already' : 'was not'} staff.`;
        // A superuser is always staff (a database constraint): "not staff" can only mean neither,
        // and the operator asked for the account to lose its admin access. The last active
        // superuser keeps both (UsersService.changeByAdmin).
        await app.get(AdminUsersService).update(CLI_ACTOR, user.id, staff ? { isStaff: true } : { isStaff: false, isSuperuser: false });
        if (staff) return `${user.email} is staff now.`;
        return `${user.email} is no longer staff${user.isSuperuser ? ' nor superuser' : ''}.`;
      }),
    );
  },
};
