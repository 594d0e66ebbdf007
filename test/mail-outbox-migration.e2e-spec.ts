import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadDatabaseConfig } from '../src/config/database.config.js';
import { createDataSource } from '../src/database/data-source.js';
import { MIGRATIONS } from '../migrations/index.js';
import { emailKey } from '../src/modules/users/email.js';
import { ownDatabase, type OwnDatabase } from './setup/own-database.js';
import { startApp, type TestApp } from './setup/test-app.js';
import { linkIn, SmtpSink } from './setup/smtp-sink.js';
import { dumpDatabase, spellings } from './factories/database-dump.js';
import { uniqueEmail } from './factories/users.js';

const FRONTEND = 'https://app.example.test';
const NEW_PASSWORD = 'quiet-meadow-copper-77';
const MIGRATION = 1795968790556; // DropMailOutboxBodies
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

// SECURITY.md 35 for data written before the fix: the migration leaves no stored body, spends
// every token whose link was in one, and turns pending link mails into requests that are mailed
// again with a fresh link.
describe('the migration that drops stored mail bodies', () => {
  let sink: SmtpSink;
  let database: OwnDatabase;
  let t: TestApp;
  const user = { id: randomUUID(), email: uniqueEmail('before') };
  const other = { id: randomUUID(), email: uniqueEmail('unverified') };
  const [oldToken, oldKey, otherKey] = [newToken(), newToken(), newToken()];
  const oldLinks = [`${FRONTEND}/reset-password?uid=${Buffer.from(user.id).toString('base64url')}&token=${oldToken}`, `${FRONTEND}/verify-email?key=${oldKey}`, `${FRONTEND}/verify-email?key=${otherKey}`];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    database = await ownDatabase('mail_migration');
    const config = loadDatabaseConfig({ ...database.env, DB_MIGRATIONS_RUN: 'false' });
    const ds = await createDataSource(config);
    ds.setOptions({ migrations: MIGRATIONS.filter((migration) => Number(new migration().name.slice(-13)) < MIGRATION) });
    await ds.initialize();
    try {
      await ds.runMigrations();
      await ds.query(`INSERT INTO users (id, email, email_key) VALUES ($1, $2, $3), ($4, $5, $6)`, [user.id, user.email, emailKey(user.email), other.id, other.email, emailKey(other.email)]);
      const expires = new Date(Date.now() + 3600_000);
      await ds.query(
        `INSERT INTO account_tokens (user_id, purpose, token_hash, state_hash, expires_at) VALUES ($1, 'password_reset', $2, $5, $4), ($1, 'verify_email', $3, $5, $4), ($6, 'verify_email', $7, $5, $4)`,
        [user.id, sha256(oldToken), sha256(oldKey), expires, sha256('state'), other.id, sha256(otherKey)],
      );
      const row = `INSERT INTO mail_outbox (to_address, template, subject, text_body, html_body, sent_at) VALUES ($1, $2, $3, $4, $4, $5)`;
      await ds.query(row, [user.email, 'password_reset', 'Reset your password', `Choose a new password: ${oldLinks[0]}`, null]);
      await ds.query(row, [user.email, 'verify_email', 'Confirm your e-mail address', `Confirm e-mail: ${oldLinks[1]}`, new Date()]);
      await ds.query(row, [user.email, 'password_changed', 'Your password was changed', 'The password of your account was just changed.', null]);
      await ds.query(row, [other.email, 'verify_email', 'Confirm your e-mail address', `Confirm e-mail: ${oldLinks[2]}`, null]);
    } finally {
      await ds.destroy();
    }
    t = await startApp({ ...database.env, SMTP_URL: sink.url, FRONTEND_BASE_URL: FRONTEND, MAIL_POLL_INTERVAL_MS: '100' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await database?.drop();
    await sink.stop();
  });

  it('keeps no body, spends the old tokens, and mails pending links again with fresh tokens that work', async () => {
    const resetMail = await sink.waitFor(user.email, /Reset your password/, 1, 20_000);
    await sink.waitFor(user.email, /Your password was changed/, 1, 20_000);
    const otherMail = await sink.waitFor(other.email, /Confirm your e-mail/, 1, 20_000);
    // The sent verification is not sent again: only pending mails are.
    expect(sink.to(user.email).map((mail) => mail.subject).sort()).toEqual(['Auth Service: Reset your password', 'Auth Service: Your password was changed']);

    const columns: { column_name: string }[] = await t.db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'mail_outbox'`);
    expect(columns.map((column) => column.column_name)).not.toEqual(expect.arrayContaining(['text_body']));
    expect(columns.map((column) => column.column_name)).not.toEqual(expect.arrayContaining(['html_body']));
    const dump = await dumpDatabase(t.db);
    for (const secret of [oldToken, oldKey, otherKey]) for (const spelling of spellings(secret)) expect(dump.includes(spelling)).toBe(false);
    expect(dump.match(/reset-password\?|verify-email\?/g) ?? []).toEqual([]);
    const spent: { used: boolean }[] = await t.db.query(`SELECT used_at IS NOT NULL AS used FROM account_tokens WHERE token_hash = ANY($1)`, [[oldToken, oldKey, otherKey].map(sha256)]);
    expect(spent).toEqual([{ used: true }, { used: true }, { used: true }]);

    const link = linkIn(resetMail, FRONTEND);
    expect(link.searchParams.get('token')).not.toBe(oldToken);
    const reset = await t.http
      .post('/api/auth/password/reset/confirm/')
      .send({ uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
    expect(reset.status).toBe(200);
    const verified = await t.http.post('/api/auth/registration/verify-email/').send({ key: linkIn(otherMail, FRONTEND).searchParams.get('key') });
    expect(verified.status).toBe(200);
  }, 60_000);
});
