import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { PROCESS_ROLE, type ProcessRole } from '../../common/process-role.js';
import { databaseConfig } from '../../config/database.config.js';
import { EmbeddedDataSource } from '../../database/data-source.js';
import { BACKUP_REQUEST, backupSocketPath, untrustedFolder } from './backup-socket.js';

/**
 * The server's end of the backup channel (backup-socket.ts): while the server has the embedded
 * database open on disk, `cli backup` gets its copy here. Nothing listens with DATABASE_URL
 * (pg_dump's job), with DATA_DIR=memory:// (nothing on disk) or in the CLI.
 */
@Injectable()
export class BackupSocketListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Backup');
  private server?: Server;
  private path?: string;
  private readonly copies = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(databaseConfig.KEY) private readonly database: ConfigType<typeof databaseConfig>,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dataSource = this.dataSource;
    if (this.role !== 'server' || !(dataSource instanceof EmbeddedDataSource) || this.database.dataDir.startsWith('memory://')) return;
    const path = backupSocketPath(this.database.dataDir);
    try {
      this.server = await listen(path, (socket) => this.answer(socket, dataSource));
      this.path = path;
    } catch (error) {
      // The service runs without it; only `cli backup` while it runs is affected, and says so.
      this.logger.warn({ socket: path, err: { message: (error as Error).message } }, 'backup socket unavailable: `cli backup` works only with the server stopped');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.server) {
      this.server.close();
      // The socket and its folder go now, not when the last client hangs up: a stopped server leaves nothing in the temporary folder.
      rmSync(this.path!, { force: true });
      try {
        rmdirSync(dirname(this.path!));
      } catch {
        // Not empty (not ours to empty) or already gone.
      }
    }
    // A copy being sent is finished first: it holds the database's one connection until then.
    await Promise.all(this.copies);
  }

  private answer(socket: Socket, dataSource: EmbeddedDataSource): void {
    let line = '';
    socket.setEncoding('latin1');
    socket.on('error', () => socket.destroy());
    // A client that connects and says nothing holds nothing for long.
    socket.setTimeout(30_000, () => socket.destroy());
    socket.on('data', (chunk: string) => {
      line += chunk;
      if (line.length > BACKUP_REQUEST.length * 4) return void socket.destroy();
      if (!line.includes('\n')) return;
      socket.removeAllListeners('data');
      if (line !== BACKUP_REQUEST) return void socket.end('error unknown request\n');
      const copy = this.send(socket, dataSource).finally(() => this.copies.delete(copy));
      this.copies.add(copy);
    });
  }

  private async send(socket: Socket, dataSource: EmbeddedDataSource): Promise<void> {
    const started = Date.now();
    try {
      const tarball = await dataSource.dumpDataDir();
      socket.write('ok\n');
      socket.end(tarball);
      // The copy holds every password hash and (encrypted) MFA secret: who took one is on record.
      this.logger.log({ bytes: tarball.length, ms: Date.now() - started }, 'backup: a copy of the embedded database was sent over the backup socket');
    } catch (error) {
      this.logger.error({ err: { message: (error as Error).message } }, 'backup: copying the embedded database failed');
      socket.end(`error ${(error as Error).message.replace(/\s+/g, ' ')}\n`);
    }
  }
}

/** Listens on `path` in a folder of its own that only this user may enter (0700). */
async function listen(path: string, onConnection: (socket: Socket) => void): Promise<Server> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const problem = untrustedFolder(path, process.getuid!());
  if (problem) throw new Error(problem);
  // A server that crashed left its socket behind; a live one on the same DATA_DIR cannot exist (PGlite is one process's).
  rmSync(path, { force: true });
  const server = createServer(onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return server;
}
