import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OauthFlowsRepository } from '../src/modules/social/oauth-flows.repository.js';
import { startApp, type TestApp } from './setup/test-app.js';
import { linkIn, SmtpSink } from './setup/smtp-sink.js';
import { bearer, signup, uniqueEmail } from './factories/users.js';
import { FakeProviders } from './factories/fake-providers.js';
import { stateCookie } from './factories/redirect.js';

const FRONTEND = 'https://app.example.test';
const OWNER_PASSWORD = 'quiet-meadow-copper-77';

/**
 * A browser sign-in's exchange code is earned with the account's credentials of its time. The
 * owner's claim of the address (here a password reset) is run at the one moment the claim's own
 * clean-up cannot reach: after the callback found the squatter's linked account and before it
 * writes the exchange code (the real repository method runs right after the reset commits).
 */
describe('the redirect exchange code and an address claim', () => {
  let fake: FakeProviders;
  let sink: SmtpSink;
  let t: TestApp;
  let flows: OauthFlowsRepository;
  beforeAll(async () => {
    fake = await FakeProviders.start();
    sink = await SmtpSink.start();
    t = await startApp({ ...fake.env(), SMTP_URL: sink.url, FRONTEND_BASE_URL: FRONTEND, PUBLIC_URL: 'https://auth.example.test', MAIL_POLL_INTERVAL_MS: '100' });
    flows = t.app.get(OauthFlowsRepository);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
    await fake.stop();
  });

  // SECURITY.md 15 and 34: a sign-in earned before an address claim cannot open a session after it.
  // The claim voids pending exchange codes (spendPendingSignIns), but a code written just after
  // the claim, by a callback that resolved the squatter's link just before it, stays usable.
  it("voids the squatter's browser sign-in even when the owner's claim lands between the callback's link lookup and its exchange code", async () => {
    const victimEmail = uniqueEmail('victim-race');
    const squatter = await signup(t.http, { email: victimEmail });
    const squatterGoogle = await fake.googleIdToken({ sub: `attacker-${randomUUID()}`, email: uniqueEmail('attacker') });
    expect((await t.http.post('/api/auth/google/connect/').set(...bearer(squatter.access)).send({ id_token: squatterGoogle })).status).toBe(200);

    // The owner has the reset mail open.
    await t.http.post('/api/auth/password/reset/').send({ email: victimEmail });
    const link = linkIn(await sink.waitFor(victimEmail, /Reset your password/), FRONTEND);

    // The squatter's redirect callback: resolveUser finds the link; the owner's reset commits
    // right then, before the exchange code is written.
    const original = flows.setExchangeCode.bind(flows);
    let reset: number | undefined;
    flows.setExchangeCode = async (...args: Parameters<OauthFlowsRepository['setExchangeCode']>) => {
      const confirm = await t.http
        .post('/api/auth/password/reset/confirm/')
        .send({ uid: link.searchParams.get('uid'), token: link.searchParams.get('token'), new_password1: OWNER_PASSWORD, new_password2: OWNER_PASSWORD });
      reset = confirm.status;
      return original(...args);
    };
    let exchangeCode: string | null;
    try {
      const start = await t.http.get('/api/auth/google/redirect/?next=/home');
      const authorize = new URL(start.headers.location);
      const code = `code-${randomUUID()}`;
      fake.googleCodes.set(code, squatterGoogle);
      fake.codeChallenges.set(code, authorize.searchParams.get('code_challenge')!);
      const back = await t.http.get(`/api/auth/google/callback/?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`).set('Cookie', stateCookie(start));
      exchangeCode = new URL(back.headers.location).searchParams.get('code');
    } finally {
      flows.setExchangeCode = original;
    }
    expect(reset).toBe(200);
    const [row] = await t.db.query('SELECT email_verified FROM users WHERE id = $1', [squatter.userId]);
    expect(row.email_verified).toBe(true);

    const exchanged = await t.http.post('/api/auth/exchange/').send({ code: exchangeCode });
    expect([exchanged.status, exchanged.body.access]).toEqual([401, undefined]);
  });
});
