import { randomUUID } from 'node:crypto';
import pg from 'pg';

export interface OwnSchema {
  /** Settings that point an app at it: nothing on the embedded database, which is a test's own anyway. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A schema of its own on the PostgreSQL of DATABASE_URL, for a test that counts whole tables or
 * deletes by date across them: other test files' rows stay out of both. The app migrates it at
 * start (DB_MIGRATIONS_RUN=true). citext is created in `public` first, where every schema finds it.
 */
export async function ownSchema(prefix: string): Promise<OwnSchema> {
  const url = process.env.DATABASE_URL;
  if (!url) return { env: {}, drop: async () => undefined };
  const schema = `${prefix}_${randomUUID().replaceAll('-', '')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE EXTENSION IF NOT EXISTS citext SCHEMA public`);
  await admin(`CREATE SCHEMA ${schema}`);
  const withPath = new URL(url);
  withPath.searchParams.set('options', `-c search_path=${schema},public`);
  return {
    env: { DATABASE_URL: withPath.toString(), DB_MIGRATIONS_RUN: 'true' },
    drop: () => admin(`DROP SCHEMA ${schema} CASCADE`),
  };
}
