import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Refusal, type Command } from '../command.js';
import { refuseOpenEmbedded } from '../database-state.js';
import { embeddedFolderOrRefuse, putInPlace, unpackAndCheck } from '../embedded-copy.js';

const PG_RESTORE_HINT = 'restores are pg_restore\'s: pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" FILE';

export const restoreCommand: Command = {
  name: 'restore',
  usage: '<file> [--force]',
  summary: 'put a backup (from `backup`) into DATA_DIR, which must be empty or new and not open; the backup is checked before anything changes',
  args: 1,
  options: {
    force: { type: 'boolean', help: 'restore into a DATA_DIR that is not empty: what it held is moved aside, next to it, not deleted' },
  },
  async run({ args: [file], options, config }) {
    const target = resolve(embeddedFolderOrRefuse(config.database, PG_RESTORE_HINT));
    refuseOpenEmbedded(config.database);
    if (existsSync(target) && readdirSync(target).length && options.force !== true) {
      throw new Refusal(`DATA_DIR (${target}) is not empty: restore into an empty or new folder (set DATA_DIR to it), or pass --force to move what it holds aside.`);
    }
    let tarball: Buffer;
    try {
      tarball = readFileSync(file);
    } catch (error) {
      throw new Refusal(`Cannot read ${file}: ${(error as Error).message}`);
    }
    let checked: Awaited<ReturnType<typeof unpackAndCheck>>;
    try {
      checked = await unpackAndCheck(tarball, target);
    } catch (error) {
      const reason = (error as Error).message || String(error);
      throw new Refusal(`${file} is not a backup of this service's database that opens (${reason.split('\n')[0]}); nothing was changed.`);
    }
    // Checked while the folder was still free: a server started meanwhile must not have its files swapped.
    refuseOpenEmbedded(config.database);
    const aside = putInPlace(checked.folder, target);
    const lines = [`Restored ${file} into DATA_DIR (${target}): ${checked.accounts} account${checked.accounts === 1 ? '' : 's'}, ${checked.migrations} migrations applied.`];
    if (aside) lines.push(`What DATA_DIR held before is in ${aside}; delete it once the restored database is known good.`);
    console.log(lines.join('\n'));
  },
};
