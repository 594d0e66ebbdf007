import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as OTPAuth from 'otpauth';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startApp, type TestApp } from '../setup/test-app.js';
import { PASSWORD, uniqueEmail } from '../factories/users.js';

// Runs when Debian's Chromium is installed (see jest.config.js); screenshots go to test-output/.
const OUTPUT = 'test-output';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

describe('in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    t = await startApp({ AUTH_DEV_UI: 'true', ACCOUNT_EMAIL_VERIFICATION: 'none' });
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage();
  });
  afterEach(async () => {
    await page.close();
  });

  /** Swagger UI's last response body for one operation block, as JSON. */
  async function responseOf(block: ReturnType<Page['locator']>): Promise<any> {
    const body = block.locator('.live-responses-table .response-col_description pre').first();
    await body.waitFor({ timeout: 15_000 });
    return JSON.parse(await body.innerText());
  }

  it('signs up through Swagger UI, authorizes with the access token and reads GET /api/me/', async () => {
    const email = uniqueEmail('swagger');
    await page.goto(`${base}/api/docs/`);
    const signup = page.locator('#operations-auth-AuthController_signup');
    await signup.locator('.opblock-summary').click();
    await signup.locator('.try-out__btn').click();
    await signup.locator('textarea.body-param__text').fill(JSON.stringify({ email, password: PASSWORD, password_confirm: PASSWORD, first_name: 'Swagger' }));
    await signup.locator('.execute').click();
    const created = await responseOf(signup);
    expect(created.user.email).toBe(email);

    await page.locator('.auth-wrapper .authorize').click();
    const bearer = page.locator('.modal-ux .auth-container').filter({ hasText: 'bearer' }).first();
    await bearer.locator('input').fill(created.access);
    await bearer.locator('button.authorize').click();
    await page.locator('.modal-ux .btn-done').first().click();

    const me = page.locator('#operations-account-UsersController_me');
    await me.locator('.opblock-summary').click();
    await me.locator('.try-out__btn').click();
    await me.locator('.execute').click();
    const profile = await responseOf(me);
    expect(profile).toMatchObject({ email, first_name: 'Swagger' });
    await page.screenshot({ path: `${OUTPUT}/swagger-ui.png`, fullPage: false });
  });

  it('enrols TOTP on the developer page, logs out, logs in with a code and sees the profile', async () => {
    const email = uniqueEmail('devpage');
    await page.goto(`${base}/api/auth/ui/`);
    await page.fill('#su-email', email);
    await page.fill('#su-password', PASSWORD);
    await page.click('#signup');
    await page.getByText(`Signed in as ${email}`).waitFor();

    await page.click('#totp-setup');
    const secret = page.locator('#totp-secret');
    await secret.filter({ hasText: /[A-Z2-7]{32}/ }).waitFor();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32((await secret.innerText()).trim()), digits: 6, period: 30 });
    await page.fill('#totp-code', totp.generate());
    await page.click('#totp-confirm');
    await page.locator('#recovery').filter({ hasText: /\w{5}-\w{5}/ }).waitFor();
    expect(await page.locator('#totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);

    await page.click('#logout');
    await page.getByText('Signed out').waitFor();
    await page.fill('#li-email', email);
    await page.fill('#li-password', PASSWORD);
    await page.click('#login');
    await page.locator('#mfa-step').waitFor({ state: 'visible' });
    // The enrolment spent this step's code; an authenticator shows the next one 30 s later.
    await page.fill('#mfa-code', totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.click('#mfa-login');
    await page.getByText(`Signed in as ${email}`).waitFor();

    await page.click('#me');
    const profile = page.locator('#profile');
    await profile.filter({ hasText: email }).waitFor();
    expect(JSON.parse(await profile.innerText())).toMatchObject({ email, mfa_enabled: true });
    await page.screenshot({ path: `${OUTPUT}/dev-page.png`, fullPage: true });
  });
});
