import { Module } from '@nestjs/common';
import { BackupSocketListener } from './backup-socket.listener.js';

/** Backups of the embedded database while the server runs: the backup socket (backup-socket.ts). */
@Module({
  providers: [BackupSocketListener],
})
export class BackupModule {}
