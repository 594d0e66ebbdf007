import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, PASSWORD, signup, uniqueEmail } from './factories/users.js';
import { FACEBOOK_APP_ID, FakeProviders, MICROSOFT_APP_ID } from './factories/fake-providers.js';
import { stateCookie } from './factories/redirect.js';
import { PROVIDER_NAMES } from '../src/modules/social/providers/registry.js';

const INVALID = { detail: 'OAuth token invalid.', code: 'oauth_token_invalid' };

describe('social sign-in against fake providers on loopback', () => {
  let fake: FakeProviders;
  let t: TestApp;
  beforeAll(async () => {
    fake = await FakeProviders.start();
    t = await startApp({ ...fake.env(), ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  const google = (body: Record<string, unknown>) => t.http.post('/api/auth/google/').send(body);

  describe('Google', () => {
    it('creates the account on the first ID-token sign-in (201) and signs in after (200)', async () => {
      const email = uniqueEmail('g');
      const token = await fake.googleIdToken({ sub: `g-${randomUUID()}`, email, given_name: 'Grace', family_name: 'Hopper' });
      const first = await google({ access_token: token });
      expect(first.status).toBe(201);
      expect(first.body.user).toMatchObject({ email, first_name: 'Grace', has_password: false, email_verified: true });
      expect((await t.http.get('/api/me/').set(...bearer(first.body.access))).status).toBe(200);
      const again = await google({ id_token: token });
      expect(again.status).toBe(200);
      expect(again.body.user.id).toBe(first.body.user.id);
    });

    it.each([
      ['issued to another application (aud)', { aud: 'someone-elses-client' }],
      ['issued to another party (azp)', { azp: 'someone-elses-client' }],
      ['expired', { exp: Math.floor(Date.now() / 1000) - 60 }],
      ['from another issuer', { iss: 'https://evil.example' }],
    ])('refuses an ID token %s with 400 "OAuth token invalid."', async (_name, claims) => {
      const response = await google({ id_token: await fake.googleIdToken({ sub: 'x', email: uniqueEmail(), ...claims }) });
      expect(response.status).toBe(400);
      expect(response.body).toEqual(INVALID);
    });

    it('refuses alg none and a bad signature', async () => {
      const genuine = await fake.googleIdToken({ sub: 'x', email: uniqueEmail() });
      const [, payload] = genuine.split('.');
      const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      expect((await google({ id_token: none })).body).toEqual(INVALID);
      const tampered = genuine.slice(0, -4) + (genuine.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect((await google({ id_token: tampered })).body).toEqual(INVALID);
    });

    it('fetches the key set again for an unknown kid (key rotation), once', async () => {
      await google({ id_token: await fake.googleIdToken({ sub: 'warm', email: uniqueEmail() }) });
      const before = fake.jwksFetches;
      await fake.rotateGoogleKey();
      const response = await google({ id_token: await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: uniqueEmail() }) });
      expect(response.status).toBe(201);
      expect(fake.jwksFetches).toBe(before + 1);
    });

    it('accepts an opaque access token through tokeninfo and userinfo, only when issued to us', async () => {
      const email = uniqueEmail('opaque');
      fake.googleAccessTokens.set('ya29.ours', { aud: 'our-google-client.apps.example', claims: { sub: `g-${randomUUID()}`, email, email_verified: true } });
      fake.googleAccessTokens.set('ya29.theirs', { aud: 'another-client', claims: { sub: `g-${randomUUID()}`, email: uniqueEmail(), email_verified: true } });
      expect((await google({ access_token: 'ya29.ours' })).status).toBe(201);
      expect((await google({ access_token: 'ya29.theirs' })).body).toEqual(INVALID);
    });

    it('exchanges an authorization code (with PKCE verifier) for the ID token', async () => {
      fake.googleCodes.set('code-1', await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: uniqueEmail('code') }));
      const response = await google({ code: 'code-1', redirect_uri: 'https://app.example.test/cb', code_verifier: 'v'.repeat(43) });
      expect(response.status).toBe(201);
      expect((await google({ code: 'code-1', redirect_uri: 'https://app.example.test/cb' })).body).toEqual(INVALID);
    });

    it('links to an existing local account only when Google says the email is verified', async () => {
      const local = await signup(t.http);
      const unverified = await google({ id_token: await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: local.email, email_verified: false }) });
      expect(unverified.status).toBe(400);
      expect(unverified.body.non_field_errors[0]).toMatch(/Sign in to it, then connect google/);
      const verified = await google({ id_token: await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: local.email.toUpperCase(), email_verified: true }) });
      expect(verified.status).toBe(200);
      expect(verified.body.user.id).toBe(local.userId);
    });
  });

  describe('Microsoft', () => {
    it('signs in with an ID token, keyed by tenant and object id', async () => {
      const tid = randomUUID();
      const oid = randomUUID();
      const token = await fake.microsoftIdToken({ tid, oid, email: uniqueEmail('ms'), name: 'Ada Lovelace' });
      const first = await t.http.post('/api/auth/microsoft/').send({ id_token: token });
      expect(first.status).toBe(201);
      expect(first.body.user).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', email_verified: false });
      const accounts = await t.http.get('/api/auth/socialaccounts/').set(...bearer(first.body.access));
      expect(accounts.body).toEqual([expect.objectContaining({ provider: 'microsoft', uid: `${tid}:${oid}` })]);
    });

    it("never lets another tenant's token that carries a victim's email reach the victim's account", async () => {
      const victim = await signup(t.http);
      const attacker = await fake.microsoftIdToken({ tid: randomUUID(), oid: randomUUID(), email: victim.email, preferred_username: victim.email });
      const response = await t.http.post('/api/auth/microsoft/').send({ id_token: attacker });
      expect(response.status).toBe(400);
      expect(response.body.access).toBeUndefined();
      expect(await t.db.query('SELECT id FROM social_accounts WHERE user_id = $1', [victim.userId])).toEqual([]);
    });

    it('refuses an ID token whose issuer does not match its tenant, or for another app', async () => {
      const tid = randomUUID();
      const wrongIssuer = await fake.microsoftIdToken({ tid, oid: randomUUID(), iss: `${fake.base}/ms/${randomUUID()}/v2.0` });
      expect((await t.http.post('/api/auth/microsoft/').send({ id_token: wrongIssuer })).body).toEqual(INVALID);
      const otherApp = await fake.microsoftIdToken({ tid, oid: randomUUID(), aud: randomUUID() });
      expect((await t.http.post('/api/auth/microsoft/').send({ id_token: otherApp })).body).toEqual(INVALID);
    });

    it('refuses an expired ID token and one whose signature was tampered with (SECURITY.md 22)', async () => {
      const expired = await fake.microsoftIdToken({ tid: randomUUID(), oid: randomUUID(), email: uniqueEmail('ms'), name: 'Grace Hopper', exp: Math.floor(Date.now() / 1000) - 60 });
      expect((await t.http.post('/api/auth/microsoft/').send({ id_token: expired })).body).toEqual(INVALID);
      const genuine = await fake.microsoftIdToken({ tid: randomUUID(), oid: randomUUID(), email: uniqueEmail('ms'), name: 'Grace Hopper' });
      const tampered = genuine.slice(0, -4) + (genuine.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const response = await t.http.post('/api/auth/microsoft/').send({ id_token: tampered });
      expect([response.status, response.body]).toEqual([400, INVALID]);
      // Control: the untouched token signs in.
      expect((await t.http.post('/api/auth/microsoft/').send({ id_token: genuine })).status).toBe(201);
    });

    it('signs in with a Graph access token issued to our app, through Graph /me', async () => {
      const tid = randomUUID();
      const oid = randomUUID();
      const ours = await fake.graphAccessToken({ tid, oid, appid: MICROSOFT_APP_ID }, { mail: uniqueEmail('graph'), givenName: 'Alan', surname: 'Turing' });
      const response = await t.http.post('/api/auth/microsoft/').send({ access_token: ours });
      expect(response.status).toBe(201);
      expect(response.body.user.first_name).toBe('Alan');
      const theirs = await fake.graphAccessToken({ tid, oid: randomUUID(), appid: randomUUID() }, { mail: uniqueEmail(), givenName: 'X', surname: 'Y' });
      expect((await t.http.post('/api/auth/microsoft/').send({ access_token: theirs })).body).toEqual(INVALID);
    });
  });

  describe('Facebook', () => {
    it('accepts a token that debug_token says is valid for our app, and refuses others', async () => {
      const id = String(Date.now());
      fake.facebookTokens.set('fb-ours', { app_id: FACEBOOK_APP_ID, is_valid: true, user: { id, email: uniqueEmail('fb'), first_name: 'Fay' } });
      fake.facebookTokens.set('fb-theirs', { app_id: '999', is_valid: true, user: { id: `${id}1`, email: uniqueEmail() } });
      fake.facebookTokens.set('fb-invalid', { app_id: FACEBOOK_APP_ID, is_valid: false, user: { id: `${id}2` } });
      const ok = await t.http.post('/api/auth/facebook/').send({ access_token: 'fb-ours' });
      expect(ok.status).toBe(201);
      expect(ok.body.user.email_verified).toBe(false);
      for (const token of ['fb-theirs', 'fb-invalid', 'fb-unknown']) {
        expect((await t.http.post('/api/auth/facebook/').send({ access_token: token })).body).toEqual(INVALID);
      }
    });
  });

  describe('GitHub', () => {
    it('exchanges the code and uses the verified primary email, linking to the local account', async () => {
      const local = await signup(t.http);
      fake.githubCodes.set('gh-code-1', { id: Date.now(), name: 'Linus T', emails: [{ email: 'other@example.com', primary: false, verified: true }, { email: local.email, primary: true, verified: true }] });
      const response = await t.http.post('/api/auth/github/').send({ code: 'gh-code-1', redirect_uri: 'https://app.example.test/cb' });
      expect(response.status).toBe(200);
      expect(response.body.user.id).toBe(local.userId);
      expect((await t.http.post('/api/auth/github/').send({ code: 'wrong', redirect_uri: 'https://app.example.test/cb' })).body).toEqual(INVALID);
    });
  });

  describe('connected accounts', () => {
    it('connects, lists and disconnects a provider account', async () => {
      const local = await signup(t.http);
      const token = await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: uniqueEmail('connect') });
      const connected = await t.http.post('/api/auth/google/connect/').set(...bearer(local.access)).send({ id_token: token });
      expect(connected.status).toBe(200);
      expect(connected.body).toMatchObject({ provider: 'google', uid: expect.any(String), id: expect.any(String) });
      const list = await t.http.get('/api/auth/socialaccounts/').set(...bearer(local.access));
      expect(list.body).toEqual([{ id: connected.body.id, provider: 'google', uid: connected.body.uid, email: expect.any(String), date_joined: expect.any(String), last_login: expect.any(String) }]);
      const signedIn = await google({ id_token: token });
      expect(signedIn.body.user.id).toBe(local.userId);
      const gone = await t.http.post(`/api/auth/socialaccounts/${connected.body.id}/disconnect/`).set(...bearer(local.access));
      expect(gone.status).toBe(200);
      expect((await t.http.get('/api/auth/socialaccounts/').set(...bearer(local.access))).body).toEqual([]);
    });

    it('refuses to connect an identity that belongs to another user', async () => {
      const token = await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: uniqueEmail('taken') });
      expect((await google({ id_token: token })).status).toBe(201);
      const other = await signup(t.http);
      expect((await t.http.post('/api/auth/google/connect/').set(...bearer(other.access)).send({ id_token: token })).status).toBe(400);
    });

    it('refuses to disconnect the last way to sign in (400)', async () => {
      const created = await google({ id_token: await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: uniqueEmail('last') }) });
      const [account] = (await t.http.get('/api/auth/socialaccounts/').set(...bearer(created.body.access))).body;
      const response = await t.http.post(`/api/auth/socialaccounts/${account.id}/disconnect/`).set(...bearer(created.body.access));
      expect(response.status).toBe(400);
      expect(response.body.non_field_errors[0]).toMatch(/last way to sign in/);
      expect((await t.http.post(`/api/auth/socialaccounts/${randomUUID()}/disconnect/`).set(...bearer(created.body.access))).status).toBe(404);
    });

    it('deletes the social accounts with the user', async () => {
      const local = await signup(t.http);
      await t.http.post('/api/auth/google/connect/').set(...bearer(local.access)).send({ id_token: await fake.googleIdToken({ sub: `g-${randomUUID()}`, email: uniqueEmail() }) });
      expect((await t.http.delete('/api/me/').set(...bearer(local.access)).send({ password: PASSWORD })).status).toBe(204);
      expect(await t.db.query('SELECT id FROM social_accounts WHERE user_id = $1', [local.userId])).toEqual([]);
    });
  });

  it('documents configured providers without the "not configured" mark', async () => {
    const doc = (await t.http.get('/api/docs-json')).body;
    expect(doc.paths['/api/auth/google'].post.summary).not.toMatch(/not configured/);
  });

  it('documents every provider of the registry, and only those', async () => {
    const doc = (await t.http.get('/api/docs-json')).body;
    for (const provider of PROVIDER_NAMES) {
      const signIn = doc.paths[`/api/auth/${provider}`]?.post;
      expect([provider, signIn?.summary]).toEqual([provider, expect.stringMatching(/^Sign in with /)]);
      expect(signIn.requestBody.content['application/json'].schema.$ref).toMatch(/SocialLoginDto$/);
      expect(Object.keys(signIn.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '503']));
    }
    for (const path of ['/api/auth/{provider}/redirect', '/api/auth/{provider}/callback', '/api/auth/{provider}/connect']) {
      const operation = Object.values(doc.paths[path])[0] as { parameters: { name: string; schema: { enum: string[] } }[] };
      expect([path, operation.parameters.find((p) => p.name === 'provider')!.schema.enum]).toEqual([path, PROVIDER_NAMES]);
    }
    expect(doc.components.schemas.SocialAccountResponse.properties.provider.enum).toEqual(PROVIDER_NAMES);
    const signIns = Object.keys(doc.paths).filter((path) => doc.paths[path].post?.tags?.includes('social') && doc.paths[path].post.summary.startsWith('Sign in with '));
    expect(signIns.sort()).toEqual(PROVIDER_NAMES.map((name) => `/api/auth/${name}`).sort());
  });

  it('answers 404 for a provider the registry does not know, and keeps 405 for the other paths under /api/auth/', async () => {
    const body = { access_token: 'x' };
    expect((await t.http.post('/api/auth/myspace/').send(body)).status).toBe(404);
    expect((await t.http.get('/api/auth/myspace/redirect/')).status).toBe(404);
    expect((await t.http.get('/api/auth/myspace/callback/?code=c&state=s')).status).toBe(404);
    const sessions = await t.http.post('/api/auth/socialaccounts/').send(body);
    expect([sessions.status, sessions.headers.allow]).toEqual([405, expect.stringContaining('GET')]);
  });

  it('answers 503 within the timeout when a provider is slow', async () => {
    fake.delayMs = 3000;
    try {
      const started = Date.now();
      const response = await t.http.post('/api/auth/facebook/').send({ access_token: 'fb-ours' });
      expect(response.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      fake.delayMs = 0;
    }
  });
});

describe('social sign-in without provider credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('answers 404 provider_not_configured', async () => {
    const response = await t.http.post('/api/auth/google/').send({ id_token: 'x.y.z' });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('provider_not_configured');
  });
});

describe('social sign-in by browser redirect', () => {
  let fake: FakeProviders;
  let t: TestApp;
  const FRONTEND = 'https://app.example.test';
  beforeAll(async () => {
    fake = await FakeProviders.start();
    t = await startApp({ ...fake.env(), ACCOUNT_EMAIL_VERIFICATION: 'none', FRONTEND_BASE_URL: FRONTEND, PUBLIC_URL: 'https://auth.example.test' });
  });
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  /** Starts the flow and plays the provider: the user consents and the browser comes back with a code. */
  async function roundTrip(next: string, consent: (code: string, challenge: string) => Promise<void>, tamper: (state: string) => string = (s) => s) {
    const start = await t.http.get(`/api/auth/google/redirect/?next=${encodeURIComponent(next)}`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.location);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe('https://auth.example.test/api/auth/google/callback/');
    const code = `auth-code-${randomUUID()}`;
    await consent(code, authorize.searchParams.get('code_challenge')!);
    const state = tamper(authorize.searchParams.get('state')!);
    const back = await t.http.get(`/api/auth/google/callback/?code=${code}&state=${encodeURIComponent(state)}`).set('Cookie', stateCookie(start));
    expect(back.status).toBe(302);
    return { landing: new URL(back.headers.location), state, code };
  }

  const consentAs = (email: string) => async (code: string, challenge: string) => {
    fake.googleCodes.set(code, await fake.googleIdToken({ sub: `g-${randomUUID()}`, email }));
    fake.codeChallenges.set(code, challenge);
  };

  it('lands on the frontend with a one-time code (never a token) that exchange turns into tokens, once', async () => {
    const email = uniqueEmail('redirect');
    const { landing } = await roundTrip('/welcome', consentAs(email));
    expect(`${landing.origin}${landing.pathname}`).toBe(`${FRONTEND}/welcome`);
    expect(landing.toString()).not.toMatch(/eyJ/);
    const code = landing.searchParams.get('code')!;
    const exchanged = await t.http.post('/api/auth/exchange/').send({ code });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.user.email).toBe(email);
    expect((await t.http.get('/api/me/').set(...bearer(exchanged.body.access))).status).toBe(200);
    expect((await t.http.post('/api/auth/exchange/').send({ code })).status).toBe(401);
  });

  it('refuses a forged state', async () => {
    const { landing } = await roundTrip('/', consentAs(uniqueEmail()), () => 'forged-state');
    expect(landing.searchParams.get('error')).toBe('invalid_state');
    expect(landing.searchParams.get('code')).toBeNull();
  });

  /** Each provider's consent at the fake: the code it will accept, for the PKCE challenge it was shown. */
  const consents: Record<string, (code: string, email: string) => Promise<void>> = {
    google: async (code, email) => void fake.googleCodes.set(code, await fake.googleIdToken({ sub: `g-${randomUUID()}`, email })),
    facebook: async (code, email) => {
      const token = `fb-redirect-${randomUUID()}`;
      fake.facebookTokens.set(token, { app_id: FACEBOOK_APP_ID, is_valid: true, user: { id: randomUUID(), email } });
      fake.facebookCodes.set(code, token);
    },
    microsoft: async (code, email) =>
      void fake.microsoftCodes.set(code, await fake.graphAccessToken({ tid: randomUUID(), oid: randomUUID(), appid: MICROSOFT_APP_ID }, { mail: email, givenName: 'Redirect', surname: 'User' })),
    github: async (code, email) => void fake.githubCodes.set(code, { id: Math.floor(Math.random() * 1e9), name: 'Redirect User', emails: [{ email, primary: true, verified: true }] }),
  };

  it('has a redirect flow for every provider in the registry', () => {
    expect(Object.keys(consents).sort()).toEqual([...PROVIDER_NAMES].sort());
  });

  describe.each(PROVIDER_NAMES)('%s', (provider) => {
    /** Starts the flow; the fake's user consents (the challenge shown is recorded) and the browser comes back. */
    async function flow(options: { challenge?: string; email?: string } = {}) {
      const start = await t.http.get(`/api/auth/${provider}/redirect/?next=/home`);
      expect(start.status).toBe(302);
      // No session: the one cookie is the state's binding to this browser, scoped to the callback.
      const authorize = new URL(start.headers.location);
      expect(start.headers['set-cookie']).toEqual([
        `oauth_state=${authorize.searchParams.get('state')}; Max-Age=600; Path=/api/auth/${provider}/callback/; HttpOnly; Secure; SameSite=Lax`,
      ]);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('redirect_uri')).toBe(`https://auth.example.test/api/auth/${provider}/callback/`);
      const code = `code-${randomUUID()}`;
      const email = options.email ?? uniqueEmail(provider);
      await consents[provider](code, email);
      fake.codeChallenges.set(code, options.challenge ?? authorize.searchParams.get('code_challenge')!);
      const state = authorize.searchParams.get('state')!;
      const cookie = stateCookie(start);
      const back = await t.http.get(`/api/auth/${provider}/callback/?code=${code}&state=${encodeURIComponent(state)}`).set('Cookie', cookie);
      expect(back.status).toBe(302);
      // The binding is spent with the callback; nothing else is set.
      expect(back.headers['set-cookie']).toEqual([expect.stringMatching(new RegExp(`^oauth_state=; Max-Age=0; .*Path=/api/auth/${provider}/callback/`))]);
      return { landing: new URL(back.headers.location), state, email, cookie };
    }

    it('lands on next with a one-time code for the person the provider named, without a session cookie', async () => {
      const { landing, email } = await flow();
      expect(`${landing.origin}${landing.pathname}`).toBe(`${FRONTEND}/home`);
      const exchanged = await t.http.post('/api/auth/exchange/').send({ code: landing.searchParams.get('code') });
      expect(exchanged.status).toBe(200);
      expect(exchanged.body.user.email).toBe(email);
    });

    it('accepts the state once, and only from this provider', async () => {
      const { state, landing, cookie } = await flow();
      expect(landing.searchParams.get('code')).toBeTruthy();
      const replayCode = `code-${randomUUID()}`;
      await consents[provider](replayCode, uniqueEmail());
      const before = fake.requests.length;
      // Even with its cookie kept: the state itself is spent.
      const replay = await t.http.get(`/api/auth/${provider}/callback/?code=${replayCode}&state=${encodeURIComponent(state)}`).set('Cookie', cookie);
      expect(new URL(replay.headers.location).searchParams.get('error')).toBe('invalid_state');
      expect(fake.requests.slice(before)).toEqual([]);
      const other = PROVIDER_NAMES.find((name) => name !== provider)!;
      const started = await t.http.get(`/api/auth/${provider}/redirect/`);
      const start = new URL(started.headers.location);
      const elsewhere = await t.http.get(`/api/auth/${other}/callback/?code=${replayCode}&state=${encodeURIComponent(start.searchParams.get('state')!)}`).set('Cookie', stateCookie(started));
      expect(new URL(elsewhere.headers.location).searchParams.get('error')).toBe('invalid_state');
    });

    it('is finished only by the browser that started it (login CSRF, RFC 9700 4.7)', async () => {
      // Someone starts a flow, consents with their own provider account and sends the callback link to another browser.
      const started = await t.http.get(`/api/auth/${provider}/redirect/?next=/home`);
      const authorize = new URL(started.headers.location);
      const code = `code-${randomUUID()}`;
      await consents[provider](code, uniqueEmail('sender'));
      fake.codeChallenges.set(code, authorize.searchParams.get('code_challenge')!);
      const link = `/api/auth/${provider}/callback/?code=${code}&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`;
      const before = fake.requests.length;
      const otherBrowser = await t.http.get(link);
      expect(otherBrowser.headers.location).toBe(`${FRONTEND}/?error=invalid_state`);
      // A browser with a binding of another flow of its own fares no better.
      const own = await t.http.get(`/api/auth/${provider}/redirect/`);
      const mismatched = await t.http.get(link).set('Cookie', stateCookie(own));
      expect(mismatched.headers.location).toBe(`${FRONTEND}/?error=invalid_state`);
      expect(fake.requests.slice(before)).toEqual([]);
      // Neither spent the state: the browser that started the flow still finishes it.
      const own_ = await t.http.get(link).set('Cookie', stateCookie(started));
      expect(new URL(own_.headers.location).searchParams.get('code')).toBeTruthy();
    });

    it('sends the PKCE verifier, which the token endpoint checks against the challenge', async () => {
      const { landing } = await flow({ challenge: 'not-the-challenge' });
      expect(`${landing.origin}${landing.pathname}`).toBe(`${FRONTEND}/home`);
      expect(landing.searchParams.get('error')).toBe('oauth_token_invalid');
      expect(landing.searchParams.get('code')).toBeNull();
    });

    it('spends the state when the person declines at the provider', async () => {
      const started = await t.http.get(`/api/auth/${provider}/redirect/?next=/home`);
      const start = new URL(started.headers.location);
      const state = encodeURIComponent(start.searchParams.get('state')!);
      const declined = await t.http.get(`/api/auth/${provider}/callback/?error=access_denied&state=${state}`).set('Cookie', stateCookie(started));
      expect(declined.headers.location).toBe(`${FRONTEND}/home?error=access_denied`);
      const after = await t.http.get(`/api/auth/${provider}/callback/?code=late&state=${state}`).set('Cookie', stateCookie(started));
      expect(new URL(after.headers.location).searchParams.get('error')).toBe('invalid_state');
    });

    it('lands with service_unavailable within the timeout when the provider is slow', async () => {
      fake.delayMs = 3000;
      try {
        const started = Date.now();
        const { landing } = await flow();
        expect(landing.searchParams.get('error')).toBe('service_unavailable');
        expect(Date.now() - started).toBeLessThan(2500);
      } finally {
        fake.delayMs = 0;
      }
    });
  });

  it('never redirects off the frontend (no open redirect through next)', async () => {
    for (const next of ['https://evil.example/steal', '//evil.example/steal', '/\\evil.example']) {
      const { landing } = await roundTrip(next, consentAs(uniqueEmail()));
      expect(landing.origin).toBe(FRONTEND);
      expect(landing.pathname).toBe('/');
    }
  });
});
