import { SuperusersService } from '../../modules/admin/superusers.service.js';
import { CLI_ACTOR } from '../accounts.js';
import { UsageError, type Command } from '../command.js';
import { promptHidden, readLine } from '../password-input.js';
import { withServices } from '../services.js';

/** The password: one line from stdin, or typed twice at a hidden prompt. */
async function password(fromStdin: boolean): Promise<{ password: string; confirmation?: string }> {
  if (fromStdin) return { password: await readLine() };
  if (!process.stdin.isTTY) throw new UsageError('createsuperuser: no terminal to ask the password on; pipe it in with --password-stdin');
  const typed = await promptHidden('Password: ');
  return { password: typed, confirmation: await promptHidden('Password (again): ') };
}

export const createsuperuserCommand: Command = {
  name: 'createsuperuser',
  usage: '--email <email> [--password-stdin]',
  summary: 'create a superuser (staff too, address verified); the password policy applies',
  args: 0,
  options: {
    email: { type: 'string', help: 'the new account\'s e-mail address' },
    'password-stdin': { type: 'boolean', help: 'read the password from the first line of stdin instead of asking twice on the terminal' },
  },
  async run({ options, config }) {
    const email = options.email;
    if (typeof email !== 'string') throw new UsageError('createsuperuser: --email is required');
    const entered = await password(options['password-stdin'] === true);
    const user = await withServices(config, (app) => app.get(SuperusersService).create(CLI_ACTOR, { email, ...entered }));
    console.log(`Superuser ${user.email} created.`);
  },
};
