import type { DataSource } from 'typeorm';

/** Every row of every table, one JSON line each: what a stolen backup holds. */
export async function dumpDatabase(db: DataSource): Promise<string> {
  const tables: { schema: string; name: string }[] = await db.query(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const lines: string[] = [];
  for (const table of tables) {
    const rows: { line: string }[] = await db.query(`SELECT row_to_json(r)::text AS line FROM "${table.schema}"."${table.name}" r`);
    lines.push(`-- ${table.schema}.${table.name}`, ...rows.map((row) => row.line));
  }
  return lines.join('\n');
}

/** A base64url secret in every spelling a dump could hold it in. */
export function spellings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'base64url');
  return [secret, bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, '')];
}
