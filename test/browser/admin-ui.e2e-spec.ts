import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, type TestApp } from '../setup/test-app.js';
import { SmtpSink } from '../setup/smtp-sink.js';
import { bearer, login, PASSWORD, signup, uniqueEmail, type SignedUp } from '../factories/users.js';

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];
// test-output/, like the other browser tests: docs/admin-ui.png is a copy of one run's picture,
// so a test run leaves the tracked file alone.
const SCREENSHOT = 'test-output/admin-ui.png';

/** The code an authenticator shows `offsetSteps` periods from now. */
function totp(secret: string, offsetSteps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

describe('the admin page in a real browser', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let base: string;
  let browser: Browser;
  let page: Page;
  /** What Chromium reported about the page's CSP and Trusted Types: each test expects none. */
  let violations: string[];
  let admin: SignedUp & { secret: string; recoveryCodes: string[] };

  /**
   * A superuser with TOTP on. The flags are set through SQL: creating operators with the CLI is a
   * process of its own, tested in its own spec; here only the page is under test.
   */
  async function superuser() {
    const user = await signup(t.http, { first_name: 'Ada', last_name: 'Admin' });
    await t.db.query('UPDATE users SET is_staff = true, is_superuser = true, email_verified = true WHERE id = $1', [user.userId]);
    const setup = await t.http.post('/api/auth/mfa/totp/setup/').set(...bearer(user.access));
    expect(setup.status).toBe(200);
    const confirm = await t.http.post('/api/auth/mfa/totp/confirm/').set(...bearer(user.access)).send({ code: totp(setup.body.secret) });
    expect(confirm.status).toBe(200);
    return { ...user, secret: setup.body.secret as string, recoveryCodes: [...(confirm.body.recovery_codes as string[])] };
  }

  beforeAll(async () => {
    mkdirSync('test-output', { recursive: true });
    sink = await SmtpSink.start();
    t = await startApp({
      ADMIN_UI: 'true',
      ADMIN_REQUIRE_MFA: 'true',
      SMTP_URL: sink.url,
      MAIL_POLL_INTERVAL_MS: '100',
      FRONTEND_BASE_URL: 'https://app.example.test',
      LOGIN_THROTTLE_ACCOUNT_FREE: '3',
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    admin = await superuser();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    violations = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Trusted ?Type/i.test(message.text())) violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(error.message));
    await page.goto(`${base}/api/admin/ui/`);
  });
  afterEach(async () => {
    // Nothing the page did may leave a token behind in the browser.
    const stored = await page.evaluate('({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })');
    expect(stored).toEqual({ local: 0, session: 0, cookie: '' });
    expect(await page.context().cookies()).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });

  /** Signs in by keyboard: password, Enter, then (when asked) the code, Enter. */
  async function signIn(email: string, code?: string) {
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    if (code === undefined) return;
    await page.getByLabel('Code').fill(code);
    await page.getByLabel('Code').press('Enter');
  }

  const error = () => page.getByTestId('error');
  /** Signed in, or else the reason the page showed. */
  async function signedInAsAdmin() {
    await page.getByTestId('who').filter({ hasText: /\S/ }).or(visibleError()).first().waitFor();
    expect([await page.getByTestId('who').innerText(), await error().isVisible() ? await error().innerText() : '']).toEqual([`Signed in as ${admin.email}`, '']);
  }
  const focused = async () => {
    const element = page.locator(':focus');
    return [await element.getAttribute('data-testid'), await element.textContent()];
  };
  const visibleError = () => page.locator('[data-testid=error]:not([hidden])');
  /** The answer an action shows: `text` in the notice, and no error. */
  async function expectNotice(text: string | RegExp) {
    await page.getByTestId('notice').filter({ hasText: text }).or(visibleError()).first().waitFor();
    expect(await visibleError().count() ? await visibleError().innerText() : '').toBe('');
  }

  async function openUser(email: string) {
    await page.getByLabel('Search').fill(email);
    await page.getByLabel('Search').press('Enter');
    await page.getByTestId('open-user').filter({ hasText: email }).click();
    await page.getByTestId('detail-title').filter({ hasText: email }).waitFor();
  }

  const liveSessions = async (userId: string) =>
    Number((await t.db.query('SELECT count(*) AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [userId]))[0].n);

  it('signs a superuser in with the MFA step, then searches and pages through users, showing markup in their data as text', async () => {
    const marker = `pager${Date.now().toString(36)}`;
    // A name that would run script if it were rendered as HTML.
    const hostile = '<img src=x data-pwned=1>';
    const users: SignedUp[] = [];
    for (let i = 0; i < 12; i++) users.push(await signup(t.http, { email: uniqueEmail(marker), first_name: i === 0 ? hostile : `Page${i}` }));

    // The enrolment spent this step's code; an authenticator shows the next one 30 s later.
    await signIn(admin.email, totp(admin.secret, 1));
    await signedInAsAdmin();
    expect((await focused())[0]).toBe('search');

    await page.getByLabel('Search').fill(marker);
    await page.getByLabel('Per page').selectOption('10');
    await page.getByLabel('Order').selectOption('email');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('user-count').filter({ hasText: '12 users' }).waitFor();
    expect(await page.getByTestId('users-page').innerText()).toBe('Page 1 of 2');
    expect(await page.getByTestId('user-row').count()).toBe(10);
    expect(await page.getByTestId('users-prev').isDisabled()).toBe(true);
    const sorted = users.map((user) => user.email).sort();
    expect(await page.getByTestId('open-user').allInnerTexts()).toEqual(sorted.slice(0, 10));

    await page.getByTestId('users-next').click();
    await page.getByTestId('users-page').filter({ hasText: 'Page 2 of 2' }).waitFor();
    expect(await page.getByTestId('open-user').allInnerTexts()).toEqual(sorted.slice(10));
    expect(await page.getByTestId('users-next').isDisabled()).toBe(true);
    await page.getByTestId('users-prev').click();
    await page.getByTestId('users-page').filter({ hasText: 'Page 1 of 2' }).waitFor();

    await page.getByLabel('Search').fill(users[0].email);
    await page.getByLabel('Search').press('Enter');
    await page.getByTestId('user-count').filter({ hasText: '1 user' }).waitFor();
    expect(await page.getByTestId('user-row').locator('td').nth(1).textContent()).toBe(`${hostile} User`);
    expect(await page.locator('[data-pwned]').count()).toBe(0);

    await page.getByLabel('Search').fill(`${marker}-nobody`);
    await page.getByLabel('Search').press('Enter');
    await page.getByTestId('user-count').filter({ hasText: '0 users' }).waitFor();
    expect(await page.getByTestId('empty').innerText()).toBe('No user matches.');
  });

  it('shows the API\'s errors: field errors, a wrong password, and a signed-in user who is not staff (whose session it then ends)', async () => {
    await page.getByTestId('sign-in-submit').click();
    await error().filter({ hasText: 'email:' }).waitFor();
    expect(await error().locator('p').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/^email: /), expect.stringMatching(/^password: /)]));

    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByLabel('Password').press('Enter');
    await error().filter({ hasText: 'Invalid email or password. (authentication_failed)' }).waitFor();

    const user = await signup(t.http);
    expect(await liveSessions(user.userId)).toBe(1);
    await signIn(user.email);
    await error().filter({ hasText: 'You do not have permission to perform this action. (permission_denied)' }).waitFor();
    expect(await page.getByTestId('sign-in').isVisible()).toBe(true);
    expect(await page.getByTestId('users').isVisible()).toBe(false);
    expect(await liveSessions(user.userId)).toBe(1);

    // Staff without a second factor, under ADMIN_REQUIRE_MFA=true.
    const staff = await signup(t.http);
    await t.db.query('UPDATE users SET is_staff = true WHERE id = $1', [staff.userId]);
    await signIn(staff.email);
    await error().filter({ hasText: '(admin_mfa_required)' }).waitFor();
    expect(await liveSessions(staff.userId)).toBe(1);
  });

  it('opens a user, ends its sessions, unlocks it, sends it a reset and deactivates it, each seen by the API at once, and lists its events', async () => {
    const target = await signup(t.http, { first_name: 'Grace', last_name: 'Target' });
    await login(t.http, target.email);
    page.on('dialog', (dialog) => void dialog.accept());

    await signIn(admin.email, admin.recoveryCodes.shift());
    await signedInAsAdmin();
    await openUser(target.email);
    expect(await focused()).toEqual(['detail-title', target.email]);
    expect(await page.getByTestId('field-name').innerText()).toBe('Grace Target');
    expect(await page.getByTestId('field-status').innerText()).toBe('active');
    expect(await page.getByTestId('session-row').count()).toBe(2);
    expect(await page.getByTestId('event-type').allInnerTexts()).toEqual(expect.arrayContaining(['signup', 'login_succeeded']));

    await page.getByTestId('end-sessions').click();
    await expectNotice('Every session of the account has ended. Sessions ended: 2.');
    await page.getByTestId('empty').filter({ hasText: 'No open session.' }).waitFor();
    expect((await t.http.post('/api/token/refresh/').send({ refresh: target.refresh })).status).toBe(401);
    expect(await liveSessions(target.userId)).toBe(0);

    // Three wrong passwords spend the free allowance: the next attempt is refused before any check.
    for (let i = 0; i < 3; i++) expect((await t.http.post('/api/login/').send({ email: target.email, password: 'wrong-password-x' })).status).toBe(401);
    expect((await t.http.post('/api/login/').send({ email: target.email, password: 'wrong-password-x' })).status).toBe(429);
    await page.getByTestId('unlock').click();
    await expectNotice('The account can sign in again.');
    // Unlocked, the account has its free allowance again: two more wrong passwords are checked (401), not refused.
    for (let i = 0; i < 2; i++) expect((await t.http.post('/api/login/').send({ email: target.email, password: 'wrong-password-x' })).status).toBe(401);
    const fresh = await login(t.http, target.email);

    await page.getByTestId('send-reset').click();
    await expectNotice('Password reset e-mail has been sent.');
    const mail = await sink.waitFor(target.email, /Reset your password/);
    expect(mail.text).toContain('https://app.example.test');

    await page.getByTestId('back').click();
    await page.getByTestId('open-user').filter({ hasText: target.email }).waitFor();
    expect(await focused()).toEqual(['open-user', target.email]);
    await page.keyboard.press('Enter');
    await page.getByTestId('detail-title').filter({ hasText: target.email }).waitFor();
    expect(await page.getByTestId('session-row').count()).toBe(1);

    await page.getByTestId('toggle-active').click();
    await expectNotice(`${target.email} is deactivated; their sessions have ended.`);
    expect(await page.getByTestId('field-status').innerText()).toBe('inactive');
    expect(await page.getByTestId('toggle-active').innerText()).toBe('Activate');
    // Deactivation ended the session too, so the token is refused as one of an ended session.
    const me = await t.http.get('/api/me/').set(...bearer(fresh.access));
    expect([me.status, me.body]).toEqual([401, { detail: 'Given token not valid for any token type', code: 'token_not_valid' }]);
    expect((await t.http.post('/api/token/refresh/').send({ refresh: fresh.refresh })).status).toBe(401);
    const refused = await t.http.post('/api/login/').send({ email: target.email, password: PASSWORD });
    expect([refused.status, refused.body.code]).toEqual([403, 'user_inactive']);

    // Newest first: each action the operator took, with its change, above what the user did.
    const events = await page.getByTestId('event-type').allInnerTexts();
    expect(events.filter((type) => type.startsWith('admin_'))).toEqual(['admin_user_changed', 'admin_password_reset_sent', 'admin_throttles_cleared', 'admin_sessions_ended']);
    expect(events).toEqual(expect.arrayContaining(['signup', 'login_succeeded', 'login_failed']));
    const changed = page.getByTestId('event-row').first();
    expect(await changed.locator('td').nth(2).innerText()).toBe('you');
    expect(JSON.parse(await changed.getByTestId('event-details').innerText())).toEqual({ is_active: [true, false], sessions_ended: 1 });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.getByTestId('toggle-active').click();
    await expectNotice(`${target.email} is active again.`);
    expect((await t.http.post('/api/login/').send({ email: target.email, password: PASSWORD })).status).toBe(200);

    // Escape leaves the user for the list, where the focus is back on that user.
    await page.keyboard.press('Escape');
    await page.getByTestId('users').waitFor();
    expect(await focused()).toEqual(['open-user', target.email]);
  });

  it('renews a refused access token once with the refresh token, and signs out when the refresh is refused too', async () => {
    await signIn(admin.email, admin.recoveryCodes.shift());
    await signedInAsAdmin();

    // The next admin call carries a token the server does not take, as an expired one would be.
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.method()} ${new URL(request.url()).pathname}`));
    let spoiled = false;
    await page.route((url) => url.pathname.startsWith('/api/admin/users'), (route) => {
      if (spoiled) return route.continue();
      spoiled = true;
      return route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer not-a-token' } });
    });
    await page.getByLabel('Search').fill(admin.email);
    await page.getByLabel('Search').press('Enter');
    await page.getByTestId('user-count').filter({ hasText: '1 user' }).waitFor();
    expect(sent.filter((line) => !line.endsWith('/app.js'))).toEqual(['GET /api/admin/users/', 'POST /api/token/refresh/', 'GET /api/admin/users/']);
    expect(await error().isVisible()).toBe(false);

    // Every session of the superuser ends elsewhere: the refresh fails and the page asks for a sign-in.
    expect((await t.http.post('/api/auth/logout/').set(...bearer(admin.access)).send({ all: true })).status).toBe(200);
    sent.length = 0;
    await page.getByTestId('search-submit').click();
    await error().filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
    expect(await page.getByTestId('sign-in').isVisible()).toBe(true);
    expect(sent).toEqual(['GET /api/admin/users/', 'POST /api/token/refresh/']);
  });
});
