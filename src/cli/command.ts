import type { Config } from '../config/load-config.js';

/** What a command was given: its arguments, its flags and the service's settings (.env included). */
export interface CommandInput {
  args: string[];
  options: Record<string, string | boolean | undefined>;
  config: Config;
}

/** One operator command (src/cli/commands/, one per file); its output goes to stdout. */
export interface Command {
  name: string;
  /** What follows the name in the usage line, e.g. `<email> true|false`. */
  usage: string;
  summary: string;
  /** How many arguments it takes, exactly. */
  args: number;
  /** Its flags (node:util parseArgs), each with a line of help. */
  options?: Record<string, { type: 'string' | 'boolean'; help: string }>;
  run(input: CommandInput): Promise<void>;
}

/** The command line is wrong: exit 2, with the command's usage line. */
export class UsageError extends Error {}

/** The action was refused (or had nothing to act on): exit 1, with this one line. */
export class Refusal extends Error {}

/** `true` or `false`, as the admin API takes booleans; anything else is bad usage. */
export function booleanArgument(value: string, what: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${what} must be true or false, got "${value}"`);
}
