import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource, type QueryRunner } from 'typeorm';
import pg from 'pg';
import { createDataSource } from '../src/database/data-source.js';
import { MIGRATIONS } from '../migrations/index.js';
import { loadDatabaseConfig } from '../src/config/database.config.js';
import { emailKey } from '../src/modules/users/email.js';
import { AddUsersEmailKey1795968695884 } from '../migrations/1795968695884-AddUsersEmailKey.js';

const timestamp = (migration: { name: string }) => Number(/(\d{13})$/.exec(migration.name)![1]);
const BEFORE = MIGRATIONS.filter((migration) => timestamp(migration) < timestamp(AddUsersEmailKey1795968695884)).sort((a, b) => timestamp(a) - timestamp(b));

/**
 * The migration that introduces users.email_key, on a database with the schema just before it:
 * an embedded PGlite, or a schema of its own on the PostgreSQL of DATABASE_URL.
 */
describe('migration AddUsersEmailKey', () => {
  let dataSource: DataSource;
  let runner: QueryRunner;
  let schema: string | undefined;

  beforeEach(async () => {
    const config = loadDatabaseConfig({ ...process.env, DATA_DIR: 'memory://' });
    if (config.url) {
      schema = `email_key_${randomUUID().replaceAll('-', '')}`;
      const client = new pg.Client({ connectionString: config.url });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.end();
      dataSource = new DataSource({ type: 'postgres', driver: pg, url: config.url, poolSize: 1, extra: { options: `-c search_path=${schema},public` } });
    } else {
      dataSource = await createDataSource(config);
    }
    await dataSource.initialize();
    runner = dataSource.createQueryRunner();
    for (const Migration of BEFORE) await new Migration().up(runner);
  });

  afterEach(async () => {
    await runner.release();
    if (schema) await dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
    await dataSource.destroy();
  });

  const addUser = (email: string) => runner.query('INSERT INTO users (id, email) VALUES ($1, $2)', [randomUUID(), email]);
  const up = async () => {
    await runner.startTransaction();
    try {
      await new AddUsersEmailKey1795968695884().up(runner);
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  };

  it('fills email_key with emailKey() for every existing account and makes it the unique column', async () => {
    const emails = ['KfIx.Old@example.com', 'Jeff.Straße@example.com', 'ＫＦＩＸ@ｅｘａｍｐｌｅ.com', 'kfİx.two@example.com', 'jörg@bücher.de'];
    for (const email of emails) await addUser(email);
    await up();

    const rows: { email: string; email_key: string }[] = await runner.query('SELECT email, email_key FROM users ORDER BY email');
    expect(rows).toHaveLength(emails.length);
    for (const row of rows) expect(row.email_key).toBe(emailKey(row.email));
    expect(rows.map((row) => row.email_key)).toContain('kfix.two@example.com');

    const insert = (email: string, key: string) => runner.query('INSERT INTO users (id, email, email_key) VALUES ($1, $2, $3)', [randomUUID(), email, key]);
    await expect(insert('no-key@example.com', null as never)).rejects.toMatchObject({ driverError: { code: '23502' } });
    // Uniqueness is the key's alone: the citext constraint on email is gone...
    await insert('KFIX.OLD@EXAMPLE.COM', 'some-other-key@example.com');
    // ...and one key twice is refused by uq_users_email_key, which the app maps to its 400.
    await expect(insert('other@example.com', emailKey('Jeff.Straße@example.com'))).rejects.toMatchObject({ driverError: { code: '23505', constraint: 'uq_users_email_key' } });
  });

  it('stops, naming the accounts whose addresses now share one key, and leaves the table as it was', async () => {
    await addUser('strasse.clash@example.com');
    await addUser('straße.clash@example.com');
    await addUser('unrelated@example.com');

    await expect(up()).rejects.toThrow(/"strasse\.clash@example\.com" and "straße\.clash@example\.com" \(both "strasse\.clash@example\.com"\)/);
    const columns: unknown[] = await runner.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email_key' AND table_schema = current_schema()`);
    expect(columns).toEqual([]);
    expect(await runner.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 3 }]);
  });

  it('reverts to the citext unique email', async () => {
    await addUser('Revert.Me@example.com');
    await up();
    await new AddUsersEmailKey1795968695884().down(runner);
    await expect(addUser('revert.me@EXAMPLE.com')).rejects.toMatchObject({ driverError: { code: '23505', constraint: 'uq_users_email' } });
  });
});
