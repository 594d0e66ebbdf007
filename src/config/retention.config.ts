import { bool, configArea, int, type Env } from './env.js';
import { defineSettings } from './settings.js';

export const retentionSettings = defineSettings('Data retention', {
  HOUSEKEEPING_ENABLED: 'the server deletes expired rows on a schedule (one instance at a time, under a PostgreSQL advisory lock); `false` on instances that should leave it to the others',
  HOUSEKEEPING_INTERVAL_SECONDS: 'seconds between housekeeping runs, each one ±10 % so replicas drift apart; the first run comes 1–10 s after start',
  HOUSEKEEPING_BATCH_SIZE: 'rows deleted per statement; a run deletes batch after batch, letting requests through in between, until nothing is left',
  SESSION_RETENTION_DAYS: 'days an ended session (logged out, revoked or expired) is kept for the record, counted from its end; never before its last refresh token has expired',
  MAIL_RETENTION_DAYS: 'days a finished outbox row (sent, skipped or given up) is kept, counted from when it finished; pending and retrying mail is never deleted',
  AUDIT_RETENTION_DAYS: "days a security event is kept, every kind alike, the admin actions included (`36500` in effect keeps them)",
});

export function loadRetentionConfig(source: Env = process.env) {
  const env = retentionSettings.read(source);
  return {
    enabled: bool(env, 'HOUSEKEEPING_ENABLED', true),
    intervalSeconds: int(env, 'HOUSEKEEPING_INTERVAL_SECONDS', 3600, 60, 7 * 24 * 3600),
    batchSize: int(env, 'HOUSEKEEPING_BATCH_SIZE', 1000, 10, 100_000),
    sessionDays: int(env, 'SESSION_RETENTION_DAYS', 30, 1, 36500),
    mailDays: int(env, 'MAIL_RETENTION_DAYS', 14, 1, 36500),
    auditDays: int(env, 'AUDIT_RETENTION_DAYS', 90, 1, 36500),
  };
}

export type RetentionConfig = ReturnType<typeof loadRetentionConfig>;
export const retentionConfig = configArea<RetentionConfig>('retention');
