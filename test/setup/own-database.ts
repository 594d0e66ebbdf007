import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface OwnDatabase {
  /** The settings that point an app, a spawned server or the CLI at it. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * An empty database of its own: on the PostgreSQL server when DATABASE_URL is set, else an
 * embedded one in a folder on disk (which one process at a time may open).
 */
export async function ownDatabase(prefix: string): Promise<OwnDatabase> {
  if (process.env.DATABASE_URL) {
    const name = `${prefix}_${randomUUID().replace(/-/g, '')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString(), DB_MIGRATIONS_RUN: 'true' },
      drop: async () => {
        const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { env: { DATA_DIR: dir, DB_MIGRATIONS_RUN: 'true' }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}
