import { createHash } from 'node:crypto';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The running server's backup channel for the embedded database. PGlite is one process's
 * database: while the server has DATA_DIR open no other process may open it, so the CLI asks
 * the server for the copy, over a Unix socket.
 *
 * Who may ask is decided by the operating system: the socket sits in a folder only the service's
 * user can enter (0700, owned by it), so only that user and root can connect, and both can read
 * DATA_DIR's files anyway; a copy gives them nothing they could not already take. No token, no
 * network port, nothing reachable from outside the machine.
 *
 * It lives in the temporary folder, not in DATA_DIR: PGlite's dump reads every file in DATA_DIR
 * and fails on a socket. Its name comes from DATA_DIR's real path, so the server and the CLI
 * find the same one whatever their working folders.
 */
export function backupSocketPath(dataDir: string): string {
  const id = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  return join(tmpdir(), `nest-auth-${id}`, 'backup.sock');
}

/** The request line; the answer is `ok\n` and the gzipped tarball, or `error <reason>\n`. */
export const BACKUP_REQUEST = 'backup\n';

/**
 * Why the socket's folder cannot be trusted as `owner`'s private folder, or undefined when it
 * can: another local user could have made it first (the temporary folder is shared), to answer
 * in the server's place or to listen for what it is sent.
 */
export function untrustedFolder(socketPath: string, owner: number): string | undefined {
  const folder = dirname(socketPath);
  const stat = lstatSync(folder);
  if (!stat.isDirectory()) return `${folder} is not a folder`;
  if (stat.uid !== owner) return `${folder} belongs to user ${stat.uid}, not to DATA_DIR's owner ${owner}`;
  if ((stat.mode & 0o077) !== 0) return `${folder} is open to other users (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}

export class BackupChannelError extends Error {}

/**
 * Asks the server that has `dataDir` open for a copy: the gzipped tarball, or null when no
 * server answers there (none listening, or a server that sees another temporary folder).
 */
export async function requestBackup(dataDir: string): Promise<Buffer | null> {
  const path = backupSocketPath(dataDir);
  let problem: string | undefined;
  try {
    problem = untrustedFolder(path, statSync(dataDir).uid);
  } catch {
    return null;
  }
  if (problem) throw new BackupChannelError(`The backup socket's folder cannot be trusted: ${problem}.`);
  const answer = await new Promise<Buffer | null>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = createConnection(path);
    socket.on('connect', () => socket.write(BACKUP_REQUEST));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', (error: NodeJS.ErrnoException) => (['ENOENT', 'ECONNREFUSED'].includes(error.code ?? '') ? resolve(null) : reject(error)));
  });
  if (answer === null) return null;
  const newline = answer.indexOf(0x0a);
  const status = answer.subarray(0, newline < 0 ? answer.length : newline).toString('utf8');
  if (status === 'ok') return answer.subarray(newline + 1);
  throw new BackupChannelError(status.startsWith('error ') ? `The server could not copy the database: ${status.slice(6)}` : 'The server gave no backup (it may have stopped meanwhile).');
}
