import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { linkIn, SmtpSink } from './setup/smtp-sink.js';
import { dumpDatabase, spellings } from './factories/database-dump.js';
import { signup } from './factories/users.js';

const FRONTEND = 'https://app.example.test/portal';
const NEW_PASSWORD = 'quiet-meadow-copper-77';

async function until(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type OutboxRow = { attempts: number; sent_at: Date | null };

// SECURITY.md 35: a dump of the database, taken before or after the mail went out, cannot be
// turned into a working reset or verification link.
describe('emailed secrets are never readable from the database', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await SmtpSink.reserve();
    t = await startApp({
      SMTP_URL: sink.url,
      FRONTEND_BASE_URL: FRONTEND,
      ACCOUNT_EMAIL_VERIFICATION: 'optional',
      MAIL_POLL_INTERVAL_MS: '100',
      MAIL_RETRY_BASE_MS: '100',
      MAIL_RETRY_MAX_DELAY_MS: '400',
    });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const outbox = (email: string): Promise<OutboxRow[]> => t.db.query('SELECT attempts, sent_at FROM mail_outbox WHERE lower(to_address) = lower($1)', [email]);

  it('keeps no reset token, verification key or link in a dump taken while SMTP is down or after delivery, and the mailed links work', async () => {
    const alice = await signup(t.http);
    const bob = await signup(t.http);
    expect((await t.http.post('/api/auth/password/reset/').send({ email: alice.email })).status).toBe(200);
    expect((await t.http.post('/api/auth/registration/resend-email/').send({ email: bob.email })).status).toBe(200);

    // Each of the four mails (two signup verifications, the reset, the resend) has been tried against the closed port.
    const allTried = async () => {
      const rows = [...(await outbox(alice.email)), ...(await outbox(bob.email))];
      return rows.length === 4 && rows.every((row) => row.attempts >= 1 && row.sent_at === null);
    };
    await until('every mail failed once', allTried);
    const beforeDelivery = await dumpDatabase(t.db);

    await sink.listen();
    const resetMail = await sink.waitFor(alice.email, /Reset your password/, 1, 20_000);
    const aliceVerifyMail = await sink.waitFor(alice.email, /Confirm your e-mail/, 1, 20_000);
    const bobVerifyMails = [await sink.waitFor(bob.email, /Confirm your e-mail/, 1, 20_000), await sink.waitFor(bob.email, /Confirm your e-mail/, 2, 20_000)];
    await until('the outbox is drained', async () => [...(await outbox(alice.email)), ...(await outbox(bob.email))].every((row) => row.sent_at !== null));
    const afterDelivery = await dumpDatabase(t.db);

    const resetLink = linkIn(resetMail, FRONTEND);
    const verifyLinks = [aliceVerifyMail, ...bobVerifyMails].map((mail) => linkIn(mail, FRONTEND));
    const secrets = [resetLink.searchParams.get('token')!, ...verifyLinks.map((link) => link.searchParams.get('key')!)];
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    for (const [moment, dump] of [['before delivery', beforeDelivery], ['after delivery', afterDelivery]] as const) {
      expect(dump).toContain(alice.userId); // the dump is real: it holds the users
      for (const secret of secrets) {
        for (const spelling of spellings(secret)) expect({ moment, found: dump.includes(spelling) }).toEqual({ moment, found: false });
      }
      for (const link of [resetLink, ...verifyLinks]) expect({ moment, found: dump.includes(link.href) || dump.includes(link.search) }).toEqual({ moment, found: false });
      // No link of either kind at all, whoever it was for: nothing to rebuild one from.
      expect({ moment, links: dump.match(/reset-password\?|verify-email\?/g) ?? [] }).toEqual({ moment, links: [] });
    }

    const reset = await t.http
      .post('/api/auth/password/reset/confirm/')
      .send({ uid: resetLink.searchParams.get('uid'), token: resetLink.searchParams.get('token'), new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD });
    expect([reset.status, reset.body]).toEqual([200, { detail: 'Password has been reset with the new password.' }]);
    expect((await t.http.post('/api/login/').send({ email: alice.email, password: NEW_PASSWORD })).status).toBe(200);
    const verified = await t.http.post('/api/auth/registration/verify-email/').send({ key: verifyLinks[2].searchParams.get('key') });
    expect([verified.status, verified.body]).toEqual([200, { detail: 'E-mail verified.' }]);
  }, 90_000);
});
