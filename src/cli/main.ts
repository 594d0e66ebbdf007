import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError, ValidationFailedError } from '../common/errors/app-error.js';
import { ConfigError } from '../config/env.js';
import { loadConfig } from '../config/load-config.js';
import { settingError } from '../start-errors.js';
import { Refusal, UsageError, type Command } from './command.js';
import { backupCommand } from './commands/backup.command.js';
import { createsuperuserCommand } from './commands/createsuperuser.command.js';
import { housekeepingCommand } from './commands/housekeeping.command.js';
import { migrationsStatusCommand } from './commands/migrations-status.command.js';
import { restoreCommand } from './commands/restore.command.js';
import { usersActivateCommand } from './commands/users-activate.command.js';
import { usersDeactivateCommand } from './commands/users-deactivate.command.js';
import { usersListCommand } from './commands/users-list.command.js';
import { usersLogoutCommand } from './commands/users-logout.command.js';
import { usersSetStaffCommand } from './commands/users-set-staff.command.js';
import { usersSetSuperuserCommand } from './commands/users-set-superuser.command.js';
import { usersUnlockCommand } from './commands/users-unlock.command.js';
import { Interrupted } from './password-input.js';

const COMMANDS: Command[] = [
  createsuperuserCommand,
  usersListCommand,
  usersDeactivateCommand,
  usersActivateCommand,
  usersLogoutCommand,
  usersUnlockCommand,
  usersSetStaffCommand,
  usersSetSuperuserCommand,
  migrationsStatusCommand,
  housekeepingCommand,
  backupCommand,
  restoreCommand,
];

const GENERAL_USAGE = 'Usage: cli <command> [arguments] [--help]';

const usage = (command: Command) => `Usage: cli ${command.name} ${command.usage}`.trimEnd();

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    GENERAL_USAGE,
    'Run as `npm run cli -- <command>`, or `node dist/src/cli.js <command>` in the image. Settings come from the environment and .env, as for the server.',
    '',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Exit status: 0 done, 1 refused (the reason on stderr), 2 bad usage.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options ?? {}).map(([name, option]) => `  --${name}  ${option.help}`);
  return [usage(command), '', `${command.name}: ${command.summary}`, ...(options.length ? ['', ...options] : [])].join('\n');
}

/** The one line a refusal prints: the API's messages, without field names. */
function reason(error: unknown): string | undefined {
  if (error instanceof Refusal) return error.message;
  if (error instanceof ValidationFailedError) return Object.values(error.fields).flat().join(' ');
  if (error instanceof AppError) return error.detail;
  const setting = error instanceof ConfigError ? error : settingError(error);
  return setting ? `Invalid configuration: ${setting.message}` : undefined;
}

/** Runs the command line; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    console.error(name === undefined ? 'No command given; `cli --help` lists them.' : `Unknown command "${name}"; \`cli --help\` lists the commands.`);
    console.error(GENERAL_USAGE);
    return 2;
  }
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    } catch (error) {
      // parseArgs' advice on '--' for positionals starting with a dash does not apply here.
      throw new UsageError(`${command.name}: ${(error as Error).message.replace(/\. To specify a positional.*$/s, '.')}`);
    }
    if (parsed.values.help) {
      console.log(commandHelp(command));
      return 0;
    }
    if (parsed.positionals.length !== command.args) {
      throw new UsageError(`${command.name}: expected ${command.args} argument${command.args === 1 ? '' : 's'}, got ${parsed.positionals.length}`);
    }
    // Same as the server: a .env in the working directory counts.
    if (existsSync('.env')) process.loadEnvFile('.env');
    const { config, misspelt } = loadConfig();
    // A misspelt DATABASE_URL would have the command act on another database: worth a line.
    for (const warning of misspelt) console.error(`Warning: ${warning}`);
    await command.run({ args: parsed.positionals, options: parsed.values as Record<string, string | boolean | undefined>, config });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      console.error(usage(command));
      return 2;
    }
    if (error instanceof Interrupted) return 130;
    const line = reason(error);
    console.error(line ?? error);
    return 1;
  }
}
