import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { startApp, type TestApp } from '../setup/test-app.js';
import { linkIn, SmtpSink } from '../setup/smtp-sink.js';
import { TcpProxy } from '../setup/tcp-proxy.js';
import { signup, uniqueEmail } from '../factories/users.js';

const FRONTEND = 'https://app.example.test';
const RESET_SENT = { detail: 'Password reset e-mail has been sent.' };

// Issue 11 point 13: a reset request answered 200 has been recorded, so its mail goes out even
// when the database connection is cut right after (or before) the answer; a request that could
// not be recorded is told so with 503. The database is reached through a TCP proxy the test cuts.
describe('password reset requests while the database connection is cut', () => {
  let pgProxy: TcpProxy;
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    const pg = new URL(process.env.DATABASE_URL!);
    pgProxy = await TcpProxy.open(pg.hostname, Number(pg.port || 5432));
    pg.host = `127.0.0.1:${pgProxy.port}`;
    sink = await SmtpSink.start();
    t = await startApp({
      DATABASE_URL: pg.toString(),
      DB_CONNECT_TIMEOUT_MS: '1000',
      SMTP_URL: sink.url,
      FRONTEND_BASE_URL: FRONTEND,
      ACCOUNT_EMAIL_VERIFICATION: 'none',
      ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR: '1000',
      MAIL_POLL_INTERVAL_MS: '100',
      MAIL_RETRY_BASE_MS: '100',
      MAIL_RETRY_MAX_DELAY_MS: '500',
      MAIL_LEASE_MS: '2000',
    });
  });
  afterAll(async () => {
    await t.close();
    await pgProxy.stop();
    await sink.stop();
  });

  it('delivers the mail of every request answered 200 and answers 503 to those it could not record', async () => {
    const users = [];
    for (let i = 0; i < 24; i++) users.push(await signup(t.http));
    const ask = (email: string) => t.http.post('/api/auth/password/reset/').send({ email });
    const answers: { email: string; response: Response }[] = [];
    const askAll = (emails: string[]) => emails.map(async (email) => answers.push({ email, response: await ask(email) }));

    // Three rounds of: requests in flight as the connection is cut, requests while it is down,
    // requests in flight as it comes back.
    for (let round = 0; round < 3; round++) {
      const batch = users.slice(round * 8, round * 8 + 8).map((user) => user.email);
      const inFlight = askAll(batch.slice(0, 3));
      await Promise.race(inFlight);
      await pgProxy.stop();
      await Promise.all(inFlight);
      await Promise.all(askAll(batch.slice(3, 5)));
      await Promise.all([...askAll(batch.slice(5, 8)), pgProxy.start()]);
    }

    expect(answers).toHaveLength(24);
    for (const { response } of answers) {
      if (response.status === 200) expect(response.body).toEqual(RESET_SENT);
      else expect([response.status, response.body.code]).toEqual([503, 'service_unavailable']);
    }
    const accepted = answers.filter(({ response }) => response.status === 200).map(({ email }) => email);
    console.log(`reset requests: ${accepted.length} answered 200, ${answers.length - accepted.length} answered 503`);
    expect(accepted.length).toBeGreaterThan(0);

    // Every accepted request gets its mail, with a link, once the database is back.
    const deadline = Date.now() + 60_000;
    const lost: string[] = [];
    for (const email of accepted) {
      const mail = await sink.waitFor(email, /Reset your password/, 1, Math.max(1, deadline - Date.now())).catch(() => lost.push(email));
      if (typeof mail === 'object') expect(linkIn(mail, FRONTEND).searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(lost).toEqual([]);
    // The requests sent while the connection was down could not be recorded, and said so.
    expect(answers.filter(({ response }) => response.status === 503).length).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it('answers a request for an unknown address with 200 and mails nothing to it', async () => {
    const nobody = uniqueEmail('nobody');
    const { email } = await signup(t.http);
    const unknown = await t.http.post('/api/auth/password/reset/').send({ email: nobody });
    expect([unknown.status, unknown.body]).toEqual([200, RESET_SENT]);
    // Requests are handled in the order they were recorded: once the later known one is mailed,
    // the unknown one has been dealt with too.
    expect((await t.http.post('/api/auth/password/reset/').send({ email })).status).toBe(200);
    await sink.waitFor(email, /Reset your password/, 1, 20_000);
    expect(sink.to(nobody)).toEqual([]);
    // Recorded like any request, and ended with no mail.
    const rows = await t.db.query('SELECT kind, resolved_at IS NOT NULL AS resolved, sent_at, skipped_at IS NOT NULL AS skipped FROM mail_outbox WHERE to_address = $1', [nobody]);
    expect(rows).toEqual([{ kind: 'password_reset', resolved: true, sent_at: null, skipped: true }]);
  });
});
