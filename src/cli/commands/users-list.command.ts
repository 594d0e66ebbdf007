import { AdminUsersService } from '../../modules/admin/admin-users.service.js';
import type { User } from '../../modules/users/user.entity.js';
import { booleanArgument, UsageError, type Command } from '../command.js';
import { withServices } from '../services.js';

const MAX_LIMIT = 1000;

const yesNo = (value: boolean) => (value ? 'yes' : 'no');
const minute = (date: Date | null) => (date ? new Date(date).toISOString().slice(0, 16).replace('T', ' ') : '-');

const COLUMNS: [string, (user: User) => string][] = [
  ['EMAIL', (user) => user.email],
  ['NAME', (user) => `${user.firstName} ${user.lastName}`.trim() || '-'],
  ['ACTIVE', (user) => yesNo(user.isActive)],
  ['STAFF', (user) => yesNo(user.isStaff)],
  ['SUPERUSER', (user) => yesNo(user.isSuperuser)],
  ['VERIFIED', (user) => yesNo(user.emailVerified)],
  ['MFA', (user) => yesNo(user.mfaEnabled)],
  ['JOINED (UTC)', (user) => minute(user.dateJoined)],
  ['LAST LOGIN (UTC)', (user) => minute(user.lastLogin)],
];

/** Left-aligned columns, two spaces apart, the header first. */
function table(users: User[]): string {
  const rows = [COLUMNS.map(([title]) => title), ...users.map((user) => COLUMNS.map(([, cell]) => cell(user)))];
  const widths = COLUMNS.map((_, index) => Math.max(...rows.map((row) => row[index].length)));
  return rows.map((row) => row.map((cell, index) => cell.padEnd(widths[index])).join('  ').trimEnd()).join('\n');
}

function limit(value: string | boolean | undefined): number {
  if (value === undefined) return 100;
  const parsed = Number(value);
  if (!/^\d+$/.test(String(value)) || parsed < 1 || parsed > MAX_LIMIT) throw new UsageError(`users:list: --limit must be a whole number from 1 to ${MAX_LIMIT}, got "${value}"`);
  return parsed;
}

export const usersListCommand: Command = {
  name: 'users:list',
  usage: '[--search <text>] [--staff true|false] [--active true|false] [--limit <n>]',
  summary: 'list accounts as a table, by address',
  args: 0,
  options: {
    search: { type: 'string', help: 'a prefix, any case, of the address, a name or the phone number (as the admin API\'s search)' },
    staff: { type: 'string', help: 'only staff (true) or only non-staff (false) accounts' },
    active: { type: 'string', help: 'only active (true) or only deactivated (false) accounts' },
    limit: { type: 'string', help: `how many to show, at most ${MAX_LIMIT} (default 100)` },
  },
  async run({ options, config }) {
    const query = {
      search: typeof options.search === 'string' ? options.search.trim() || undefined : undefined,
      isStaff: typeof options.staff === 'string' ? booleanArgument(options.staff, 'users:list: --staff') : undefined,
      isActive: typeof options.active === 'string' ? booleanArgument(options.active, 'users:list: --active') : undefined,
      ordering: 'email' as const,
      offset: 0,
      limit: limit(options.limit),
    };
    const { count, users } = await withServices(config, (app) => app.get(AdminUsersService).list(query));
    if (users.length) console.log(table(users));
    const shown = users.length < count ? `${users.length} of ${count} accounts shown; narrow with --search or raise --limit.` : `${count} account${count === 1 ? '' : 's'}.`;
    console.log(shown);
  },
};
