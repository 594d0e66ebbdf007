import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import { startApp, type TestApp } from './setup/test-app.js';
import { userPageStatements, type UserQuery } from '../src/modules/users/users.repository.js';

const USERS = 100_000;

/**
 * The admin list at 100,000 accounts: the plans of the very statements UsersRepository.page runs
 * (userPageStatements), on both databases. The accounts are inserted in a transaction that is
 * rolled back, so a shared PostgreSQL database is left as it was. Timing belongs to the bench;
 * this proves the shape: index scans, no scan of the whole table for a page.
 */
describe(`admin user list at ${USERS.toLocaleString('en')} accounts`, () => {
  let t: TestApp;
  let runner: QueryRunner;
  const tag = `scale${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await startApp();
    runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(
      `INSERT INTO users (id, email, email_key, first_name, last_name, phone, date_joined, last_login)
       SELECT gen_random_uuid(), '${tag}.' || n || '@example.com', '${tag}.' || n || '@example.com',
              'First' || n, 'Last' || (n % 5000), '+1555' || lpad(n::text, 7, '0'),
              now() - n * interval '1 minute', CASE WHEN n % 3 = 0 THEN NULL ELSE now() - n * interval '1 second' END
         FROM generate_series(1, ${USERS}) AS n`,
    );
    await runner.query('ANALYZE users');
  }, 120_000);
  afterAll(async () => {
    await runner?.rollbackTransaction();
    await runner?.release();
    await t?.close();
  });

  async function plan(query: Partial<UserQuery>): Promise<string> {
    const { page } = userPageStatements({ ordering: '-date_joined', offset: 0, limit: 25, ...query }, 'id, email');
    const rows: Record<string, string>[] = await runner.query(`EXPLAIN ${page.sql}`, page.params);
    return rows.map((row) => Object.values(row)[0]).join('\n');
  }

  async function countPlan(query: Partial<UserQuery>): Promise<string> {
    const { count } = userPageStatements({ ordering: '-date_joined', offset: 0, limit: 25, ...query }, 'id');
    const rows: Record<string, string>[] = await runner.query(`EXPLAIN ${count.sql}`, count.params);
    return rows.map((row) => Object.values(row)[0]).join('\n');
  }

  it('searches through the prefix indexes (a bitmap of index scans), never a scan of the table', async () => {
    for (const search of [`${tag}.4242`, 'first4242', 'last4242', 'first4242 last', '+1555000424']) {
      // The count has no LIMIT: it must read the matches through the search indexes.
      expect([search, await countPlan({ search })]).toEqual([search, expect.stringMatching(/Bitmap Index Scan on ix_users_search_(email|first_name|last_name|full_name|phone)/)]);
      // The page may do the same, or walk the ordering's index until 25 match when the
      // statistics (on a shared database, other tests' accounts count too) say that is cheaper.
      const shown = await plan({ search });
      expect([search, shown]).toEqual([search, expect.stringMatching(/Bitmap Index Scan on ix_users_search_|Index Scan Backward using ix_users_date_joined/)]);
      expect(shown).not.toMatch(/Seq Scan on users/);
    }
  });

  it('pages a broad search by the ordering index, and still counts it through the search indexes', async () => {
    // 'last42' matches about 2,000 accounts: walking the date index until 25 match is cheaper.
    const shown = await plan({ search: 'last42' });
    expect(shown).toMatch(/Index Scan Backward using ix_users_date_joined|Bitmap Index Scan on ix_users_search_/);
    expect(shown).not.toMatch(/Seq Scan on users/);
    expect(await countPlan({ search: 'last42' })).toMatch(/Bitmap Index Scan on ix_users_search_last_name/);
  });

  it('reads each ordering\'s first page from its index', async () => {
    const expected: Record<UserQuery['ordering'], RegExp> = {
      '-date_joined': /Index Scan Backward using ix_users_date_joined/,
      date_joined: /Index Scan using ix_users_date_joined/,
      '-last_login': /Index Scan using ix_users_last_login_desc/,
      last_login: /Index Scan using ix_users_last_login /,
      email: /Index Scan using (uq_users_email_key|ix_users_search_email)/,
      '-email': /Index Scan Backward using (uq_users_email_key|ix_users_search_email)/,
    };
    for (const [ordering, index] of Object.entries(expected)) {
      const shown = await plan({ ordering: ordering as UserQuery['ordering'] });
      expect([ordering, shown]).toEqual([ordering, expect.stringMatching(index)]);
      expect(shown).not.toMatch(/Seq Scan on users/);
    }
  });

  it('finds the accounts the plans are about', async () => {
    const { page, count } = userPageStatements({ search: `${tag}.4242`, ordering: 'email', offset: 0, limit: 25 }, 'email');
    const [{ count: matching }] = await runner.query(count.sql, count.params);
    expect(Number(matching)).toBe(11); // 4242 and 42420-42429
    const rows: { email: string }[] = await runner.query(page.sql, page.params);
    expect(rows.map((row) => row.email)).toContain(`${tag}.4242@example.com`);
    expect(rows).toHaveLength(11);
  });
});
