import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DatabaseConfig } from '../config/database.config.js';
import { dumpEmbedded, openEmbedded } from '../database/data-source.js';
import { Refusal } from './command.js';
import { embeddedFolder } from './database-state.js';

/** The embedded database's folder on disk; refused with DATABASE_URL (`postgres` says what to use instead) and with DATA_DIR=memory://. */
export function embeddedFolderOrRefuse(config: DatabaseConfig, postgres: string): string {
  const folder = embeddedFolder(config);
  if (folder) return folder;
  if (!config.embedded) throw new Refusal(`With DATABASE_URL the database is PostgreSQL's, and ${postgres} (docs/operations.md, Backups).`);
  throw new Refusal('DATA_DIR is memory://: the embedded database is in the server\'s memory, never on disk, and has nothing to back up or restore.');
}

/** A copy of a folder no process has open: opened here, dumped, closed. */
export async function dumpClosedFolder(folder: string): Promise<Buffer> {
  const pglite = await openEmbedded(folder);
  try {
    return await dumpEmbedded(pglite);
  } finally {
    await pglite.close();
  }
}

export interface Checked {
  /** Where the backup was unpacked, closed cleanly: ready to be moved into place. */
  folder: string;
  accounts: number;
  migrations: number;
}

/**
 * Unpacks `tarball` into a new folder and opens it as the server would, with a query on this
 * service's tables, so nothing in DATA_DIR is touched until the copy is known to work. The
 * folder is made next to `target` (the move into place is then a rename), else in the
 * temporary folder.
 */
export async function unpackAndCheck(tarball: Buffer, target: string): Promise<Checked> {
  let folder: string;
  try {
    folder = mkdtempSync(join(dirname(target), `.${basename(target)}.restore-`));
  } catch {
    folder = mkdtempSync(join(tmpdir(), 'nest-auth-restore-'));
  }
  try {
    // Unzipped here: a damaged file is named for what it is ("unexpected end of file"), not by PGlite's stream error.
    const tar = tarball[0] === 0x1f && tarball[1] === 0x8b ? gunzipSync(tarball) : tarball;
    if (tar.subarray(257, 262).toString('latin1') !== 'ustar') throw new Error('not a tar archive, gzipped or not');
    const pglite = await openEmbedded(folder, new Blob([new Uint8Array(tar)], { type: 'application/x-tar' }));
    try {
      // Every table read through once: a damaged page fails here rather than under the server.
      const tables = (await pglite.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")).rows.map((row) => row.name);
      const rows: Record<string, number> = {};
      for (const table of tables) rows[table] = (await pglite.query<{ count: number }>(`SELECT count(*)::int AS count FROM "${table}"`)).rows[0].count;
      if (rows.users === undefined || rows.typeorm_migrations === undefined) throw new Error('it has no users or typeorm_migrations table');
      return { folder, accounts: rows.users, migrations: rows.typeorm_migrations };
    } finally {
      // A clean close: the copy's postmaster.pid (taken while the server had it open) goes with it.
      await pglite.close();
    }
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Moves every entry of `from` into `to` (which exists): renames, or copies across file systems. */
export function moveEntries(from: string, to: string): void {
  for (const entry of readdirSync(from)) {
    try {
      renameSync(join(from, entry), join(to, entry));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      cpSync(join(from, entry), join(to, entry), { recursive: true, preserveTimestamps: true });
      rmSync(join(from, entry), { recursive: true, force: true });
    }
  }
}

/**
 * Replaces the contents of `target` with the checked copy. What it held before (only with
 * --force) is moved aside, next to it, and its path returned: a restore onto the wrong folder
 * can be undone. Entries are moved rather than the folder renamed, so a mount point works.
 */
export function putInPlace(checked: string, target: string): string | undefined {
  mkdirSync(target, { recursive: true, mode: 0o700 });
  let aside: string | undefined;
  if (readdirSync(target).length) {
    aside = mkdtempSync(join(dirname(target), `${basename(target)}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}-`));
    moveEntries(target, aside);
  }
  moveEntries(checked, target);
  rmSync(checked, { recursive: true, force: true });
  return aside;
}
