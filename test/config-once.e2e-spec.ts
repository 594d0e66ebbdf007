import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, login, signup } from './factories/users.js';
import { startApp, type TestApp } from './setup/test-app.js';

/** Development as a newcomer runs it: no JWT_SECRET, no MFA_ENCRYPTION_KEY, and two misspelt settings. */
describe('configuration read once at start', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ NODE_ENV: 'development', JWT_SECRET: undefined, MFA_ENCRYPTION_KEY: undefined, JWT_ACCESS_LIFETIME: '60', ACCOUNT_EMAIL_VERIFY: 'none' });
  });
  afterAll(() => t.close());

  const warnings = () => t.logs.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40).map((line) => line.msg);

  it('verifies tokens it issued with its generated secret, at every step that reads them', async () => {
    const user = await signup(t.http);
    expect((await t.http.get('/api/me/').set(...bearer(user.access))).status).toBe(200);
    const refreshed = await t.http.post('/api/token/refresh/').send({ refresh: user.refresh });
    expect(refreshed.status).toBe(200);
    expect((await t.http.get('/api/me/').set(...bearer(refreshed.body.access))).status).toBe(200);
    const again = await login(t.http, user.email);
    expect((await t.http.post('/api/token/verify/').send({ token: again.access })).status).toBe(200);
  });

  it('warns once each that the JWT secret and the MFA key were generated for this process only', () => {
    expect(warnings().filter((msg) => msg.startsWith('JWT_SECRET is not set'))).toHaveLength(1);
    expect(warnings().filter((msg) => msg.startsWith('MFA_ENCRYPTION_KEY is not set'))).toHaveLength(1);
  });

  it('reports variables that look like settings but are not, with the setting they resemble', () => {
    expect(warnings()).toContain('JWT_ACCESS_LIFETIME is not a setting of this service and is ignored; did you mean ACCESS_TOKEN_LIFETIME?');
    expect(warnings()).toContain('ACCOUNT_EMAIL_VERIFY is not a setting of this service and is ignored; did you mean ACCOUNT_EMAIL_VERIFICATION?');
  });
});
