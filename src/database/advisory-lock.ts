import type { DataSource } from 'typeorm';

export type Locked<T> = { ran: true; result: T } | { ran: false };

/**
 * Runs `work` while this process holds the PostgreSQL session-level advisory lock `key`; when
 * another process holds it, returns `{ ran: false }` at once instead of waiting.
 *
 * The lock lives on a connection of its own, held for the whole of `work`, while `work`'s
 * statements go through the pool and each commits on its own: no transaction stays open for the
 * length of the run (holding row locks and holding back vacuum). When that connection dies the
 * server drops the lock with it, so a crashed process never keeps it.
 *
 * The embedded database is one session for the whole process, behind a pool of one connection:
 * holding that connection would stall every request, and the lock is trivially ours. There the
 * same lock is taken on that one session through the pool.
 */
export async function withAdvisoryLock<T>(dataSource: DataSource, embedded: boolean, key: bigint, work: () => Promise<T>): Promise<Locked<T>> {
  const runner = embedded ? undefined : dataSource.createQueryRunner();
  const query = (sql: string) => (runner ? runner.query(sql, [String(key)]) : dataSource.query(sql, [String(key)])) as Promise<{ locked: boolean }[]>;
  try {
    const [{ locked }] = await query('SELECT pg_try_advisory_lock($1::bigint) AS locked');
    if (!locked) return { ran: false };
    try {
      return { ran: true, result: await work() };
    } finally {
      await query('SELECT pg_advisory_unlock($1::bigint) AS locked');
    }
  } finally {
    await runner?.release();
  }
}
