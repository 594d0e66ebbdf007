import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BackupChannelError, requestBackup } from '../../modules/ops/backup-socket.js';
import { Refusal, type Command } from '../command.js';
import { dumpClosedFolder, embeddedFolderOrRefuse } from '../embedded-copy.js';

export const PG_DUMP_HINT = 'backups are pg_dump\'s: pg_dump --format=custom --file=FILE "$DATABASE_URL"';

/** Written under another name and renamed: a backup that failed halfway never looks like one. Only the owner may read it. */
function writePrivately(file: string, data: Buffer): void {
  const partial = `${file}.partial-${process.pid}`;
  try {
    writeFileSync(partial, data, { mode: 0o600, flag: 'wx' });
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new Refusal(`Cannot write ${file}: ${(error as Error).message}`);
  }
}

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`);

export const backupCommand: Command = {
  name: 'backup',
  usage: '<file>',
  summary: 'copy the embedded database (DATA_DIR) into a file (gzipped tar, readable by its owner only), with the server running or not',
  args: 1,
  async run({ args: [file], config }) {
    const folder = embeddedFolderOrRefuse(config.database, PG_DUMP_HINT);
    if (!existsSync(join(folder, 'PG_VERSION'))) throw new Refusal(`There is no database in DATA_DIR (${folder}) to back up.`);
    let tarball: Buffer | null;
    let from: string;
    // postmaster.pid: a process has the folder open (database-state.ts), and only it may read it.
    if (existsSync(join(folder, 'postmaster.pid'))) {
      try {
        tarball = await requestBackup(folder);
      } catch (error) {
        if (error instanceof BackupChannelError) throw new Refusal(error.message);
        throw error;
      }
      if (!tarball) {
        throw new Refusal(
          `The embedded database in DATA_DIR (${folder}) is open in another process, and no server answers on its backup socket ` +
            `(one that sees another temporary folder, TMPDIR or systemd's PrivateTmp, cannot be reached): stop it and run backup again ` +
            `(if none is running, a crash left ${join(folder, 'postmaster.pid')} behind: remove it).`,
        );
      }
      from = 'from the running server';
    } else {
      tarball = await dumpClosedFolder(folder);
      from = 'no server running';
    }
    writePrivately(resolve(file), tarball);
    console.log(`Backed up DATA_DIR (${folder}) to ${file} (${size(tarball.length)}, ${from}).`);
  },
};
