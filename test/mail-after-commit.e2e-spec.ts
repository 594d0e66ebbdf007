import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TransactionHost } from '@nestjs-cls/transactional';
import { MailService } from '../src/modules/mail/mail.service.js';
import { SmtpSink } from './setup/smtp-sink.js';
import { startApp, type TestApp } from './setup/test-app.js';
import { uniqueEmail } from './factories/users.js';

const SUBJECT = /Your password was changed/;

/**
 * Mail queued in a transaction wakes the outbox worker when, and only when, that transaction
 * commits: nobody calls a flush. The worker polls once a minute here, so a mail that arrives
 * within the test's few seconds was sent because the commit woke the worker.
 */
describe('mail queued inside a transaction', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let transactions: TransactionHost;
  let mail: MailService;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startApp({ SMTP_URL: sink.url, MAIL_POLL_INTERVAL_MS: '60000' });
    transactions = t.app.get(TransactionHost);
    mail = t.app.get(MailService);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('is sent once the transaction commits, without any call to wake the worker', async () => {
    const to = uniqueEmail('committed');
    await transactions.withTransaction(() => mail.enqueue(to, 'password_changed'));
    await sink.waitFor(to, SUBJECT, 1, 10_000);
  });

  it('is never sent when the transaction rolls back', async () => {
    const dropped = uniqueEmail('rolled-back');
    const failed = transactions.withTransaction(async () => {
      await mail.enqueue(dropped, 'password_changed');
      throw new Error('something after the mail failed');
    });
    await expect(failed).rejects.toThrow('something after the mail failed');

    // The worker sends the oldest mail first: once a mail queued afterwards has arrived, the
    // rolled-back one would have gone out before it, had it been kept.
    const later = uniqueEmail('later');
    await transactions.withTransaction(() => mail.enqueue(later, 'password_changed'));
    await sink.waitFor(later, SUBJECT, 1, 10_000);
    expect(sink.to(dropped)).toEqual([]);
    expect(await t.db.query('SELECT id FROM mail_outbox WHERE to_address = $1', [dropped])).toEqual([]);
  });
});
