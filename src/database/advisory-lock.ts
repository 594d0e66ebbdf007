import type { DataSource, QueryRunner } from 'typeorm';

export type Locked<T> = { ran: true; result: T } | { ran: false };

export interface LockOptions {
  /**
   * Wait for the lock when another process holds it, instead of giving up; `onWait` is called
   * once before waiting. The wait is not bounded by the pool's statement_timeout.
   */
  wait?: { onWait?: () => void };
}

/**
 * Runs `work` while this process holds the PostgreSQL session-level advisory lock `key`; when
 * another process holds it, returns `{ ran: false }` at once instead of waiting (unless told to
 * wait).
 *
 * The lock lives on a connection of its own, held for the whole of `work` and handed to it:
 * work that must hold no second connection (migrations, on a pool of one) runs on it; other
 * work's statements go through the pool and each commits on its own: no transaction stays open
 * for the length of the run (holding row locks and holding back vacuum). When that connection
 * dies the server drops the lock with it, so a crashed process never keeps it.
 *
 * The embedded database is one session for the whole process, behind a pool of one connection:
 * holding that connection would stall every request, and the lock is trivially ours. There the
 * same lock is taken on that one session through the pool, and `work` gets no connection.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  embedded: boolean,
  key: bigint,
  work: (runner: QueryRunner | undefined) => Promise<T>,
  options: LockOptions = {},
): Promise<Locked<T>> {
  const runner = embedded ? undefined : dataSource.createQueryRunner();
  const query = (sql: string, withKey = true) => (runner ? runner.query(sql, withKey ? [String(key)] : []) : dataSource.query(sql, withKey ? [String(key)] : [])) as Promise<{ locked: boolean }[]>;
  try {
    const [{ locked }] = await query('SELECT pg_try_advisory_lock($1::bigint) AS locked');
    if (!locked) {
      if (!options.wait) return { ran: false };
      options.wait.onWait?.();
      // Another process's migrations may take longer than a request's statement_timeout; RESET
      // returns to the connection's own setting once the lock is ours.
      await query('SET statement_timeout = 0', false);
      await query('SELECT pg_advisory_lock($1::bigint)');
      await query('RESET statement_timeout', false);
    }
    try {
      return { ran: true, result: await work(runner) };
    } finally {
      await query('SELECT pg_advisory_unlock($1::bigint) AS locked');
    }
  } finally {
    await runner?.release();
  }
}
