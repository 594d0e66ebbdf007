import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export const GOOGLE_CLIENT_ID = 'our-google-client.apps.example';
export const MICROSOFT_APP_ID = '11111111-2222-4333-8444-555555555555';
export const FACEBOOK_APP_ID = '424242';
export const FACEBOOK_APP_SECRET = 'fb-app-secret';
export const GITHUB_CLIENT_ID = 'gh-client';

/**
 * Google, Microsoft, Facebook and GitHub as far as this service talks to them, on 127.0.0.1:
 * real RS256 keys and signatures, JWKS, tokeninfo, userinfo, debug_token, Graph /me and the
 * GitHub code exchange. Tests register the tokens each endpoint should accept.
 */
export class FakeProviders {
  readonly googleKeys: SigningKey[] = [];
  readonly microsoftKeys: SigningKey[] = [];
  readonly googleAccessTokens = new Map<string, { aud: string; claims: Record<string, unknown> }>();
  readonly googleCodes = new Map<string, string>();
  /** PKCE: the code_challenge each authorization code was issued against. */
  readonly codeChallenges = new Map<string, string>();
  readonly graphUsers = new Map<string, { id: string; mail: string | null; givenName: string; surname: string }>();
  readonly facebookTokens = new Map<string, { app_id: string; is_valid: boolean; user: { id: string; email?: string; first_name?: string; last_name?: string } }>();
  readonly githubCodes = new Map<string, { id: number; name: string; emails: { email: string; primary: boolean; verified: boolean }[] }>();
  /** Authorization codes of the Microsoft and Facebook redirect flows: code → Graph access token / Facebook access token. */
  readonly microsoftCodes = new Map<string, string>();
  readonly facebookCodes = new Map<string, string>();
  jwksFetches = 0;
  /** Every request the service made to any fake provider, as "METHOD /path", in order. */
  readonly requests: string[] = [];
  delayMs = 0;
  private server?: Server;
  private port = 0;

  static async start(): Promise<FakeProviders> {
    const fake = new FakeProviders();
    fake.googleKeys.push(await newKey());
    fake.microsoftKeys.push(await newKey());
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server!.address() as { port: number }).port;
    return fake;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The environment that points the service at these fakes. */
  env(): Record<string, string> {
    return {
      GOOGLE_OAUTH_CLIENT_ID: GOOGLE_CLIENT_ID,
      GOOGLE_OAUTH_CLIENT_SECRET: 'google-secret',
      GOOGLE_ISSUER: `${this.base}/google`,
      GOOGLE_JWKS_URL: `${this.base}/google/certs`,
      GOOGLE_TOKENINFO_URL: `${this.base}/google/tokeninfo`,
      GOOGLE_USERINFO_URL: `${this.base}/google/userinfo`,
      GOOGLE_TOKEN_URL: `${this.base}/google/token`,
      MICROSOFT_APP_ID,
      MICROSOFT_APP_SECRET: 'ms-secret',
      MICROSOFT_TENANT: 'common',
      MICROSOFT_LOGIN_URL: `${this.base}/ms`,
      MICROSOFT_GRAPH_URL: `${this.base}/graph`,
      FACEBOOK_APP_ID,
      FACEBOOK_APP_SECRET,
      FACEBOOK_GRAPH_URL: `${this.base}/fb`,
      GITHUB_CLIENT_ID,
      GITHUB_CLIENT_SECRET: 'gh-secret',
      GITHUB_OAUTH_URL: `${this.base}/gh/login/oauth`,
      GITHUB_API_URL: `${this.base}/gh/api`,
      SOCIAL_HTTP_TIMEOUT_MS: '1000',
      // Key rotation is tested right after earlier fetches; production keeps the 30 s default.
      SOCIAL_JWKS_COOLDOWN_MS: '0',
    };
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  async rotateGoogleKey(): Promise<void> {
    this.googleKeys.unshift(await newKey());
  }

  /** An ID token signed by Google's current key (or `key`), with claims merged over sane defaults. */
  async googleIdToken(claims: Record<string, unknown>, options: { key?: SigningKey; kid?: string } = {}): Promise<string> {
    const key = options.key ?? this.googleKeys[0];
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: 'https://accounts.google.com', aud: GOOGLE_CLIENT_ID, iat: now, exp: now + 600, email_verified: true, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? key.kid })
      .sign(key.privateKey);
  }

  async microsoftIdToken(claims: Record<string, unknown> & { tid: string; oid: string }, options: { key?: SigningKey } = {}): Promise<string> {
    const key = options.key ?? this.microsoftKeys[0];
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: `${this.base}/ms/${claims.tid}/v2.0`, aud: MICROSOFT_APP_ID, sub: randomUUID(), iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .sign(key.privateKey);
  }

  /** A Graph access token: signed by a key we never publish (as Graph's are opaque to apps). */
  async graphAccessToken(claims: { tid: string; oid: string; appid: string }, user: { mail: string | null; givenName: string; surname: string }): Promise<string> {
    const key = await newKey();
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ aud: '00000003-0000-0000-c000-000000000000', iat: now, exp: now + 600, scp: 'User.Read', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .sign(key.privateKey);
    this.graphUsers.set(token, { id: claims.oid, ...user });
    return token;
  }

  /** PKCE (RFC 7636 S256): when a challenge was recorded for the code, the verifier must match it. */
  private pkceOk(code: string, verifier: string | null): boolean {
    const challenge = this.codeChallenges.get(code);
    return !challenge || createHash('sha256').update(verifier ?? '').digest('base64url') === challenge;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requests.push(`${req.method} ${new URL(req.url ?? '/', this.base).pathname}`);
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const url = new URL(req.url ?? '/', this.base);
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const body = await new Promise<URLSearchParams>((resolve) => {
      let data = '';
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => resolve(new URLSearchParams(data)));
    });
    const send = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const path = url.pathname;
    if (path === '/google/certs') {
      this.jwksFetches++;
      return send(200, { keys: this.googleKeys.map((k) => k.jwk) });
    }
    if (path === '/google/tokeninfo') {
      const entry = this.googleAccessTokens.get(url.searchParams.get('access_token') ?? '');
      return entry ? send(200, { aud: entry.aud, azp: entry.aud, expires_in: '3000', sub: entry.claims.sub }) : send(400, { error: 'invalid_token' });
    }
    if (path === '/google/userinfo') {
      const entry = this.googleAccessTokens.get(bearer);
      return entry ? send(200, entry.claims) : send(401, { error: 'invalid_token' });
    }
    if (path === '/google/token' && req.method === 'POST') {
      const idToken = this.googleCodes.get(body.get('code') ?? '');
      if (!idToken || body.get('client_id') !== GOOGLE_CLIENT_ID || !body.get('redirect_uri')) return send(400, { error: 'invalid_grant' });
      if (!this.pkceOk(body.get('code')!, body.get('code_verifier'))) return send(400, { error: 'invalid_grant' });
      this.googleCodes.delete(body.get('code')!);
      return send(200, { id_token: idToken, access_token: 'unused', token_type: 'Bearer' });
    }
    if (/^\/ms\/[^/]+\/oauth2\/v2\.0\/token$/.test(path) && req.method === 'POST') {
      const accessToken = this.microsoftCodes.get(body.get('code') ?? '');
      if (!accessToken || body.get('client_id') !== MICROSOFT_APP_ID || !this.pkceOk(body.get('code')!, body.get('code_verifier'))) return send(400, { error: 'invalid_grant' });
      this.microsoftCodes.delete(body.get('code')!);
      return send(200, { access_token: accessToken, token_type: 'Bearer', scope: 'User.Read', expires_in: 3600 });
    }
    if (path === '/fb/oauth/access_token' && req.method === 'POST') {
      const code = body.get('code') ?? '';
      const token = this.facebookCodes.get(code);
      if (!token || body.get('client_id') !== FACEBOOK_APP_ID || body.get('client_secret') !== FACEBOOK_APP_SECRET || !this.pkceOk(code, body.get('code_verifier'))) return send(400, { error: { message: 'invalid code' } });
      this.facebookCodes.delete(code);
      return send(200, { access_token: token, token_type: 'bearer' });
    }
    if (/^\/ms\/[^/]+\/discovery\/v2\.0\/keys$/.test(path)) return send(200, { keys: this.microsoftKeys.map((k) => k.jwk) });
    if (path === '/graph/me') {
      const user = this.graphUsers.get(bearer);
      return user ? send(200, user) : send(401, { error: { code: 'InvalidAuthenticationToken' } });
    }
    if (path === '/fb/debug_token') {
      if (url.searchParams.get('access_token') !== `${FACEBOOK_APP_ID}|${FACEBOOK_APP_SECRET}`) return send(400, { error: { message: 'bad app token' } });
      const entry = this.facebookTokens.get(url.searchParams.get('input_token') ?? '');
      return send(200, { data: entry ? { app_id: entry.app_id, is_valid: entry.is_valid, user_id: entry.user.id, expires_at: Math.floor(Date.now() / 1000) + 600 } : { is_valid: false } });
    }
    if (path === '/fb/me') {
      const token = url.searchParams.get('access_token') ?? '';
      const entry = this.facebookTokens.get(token);
      const proof = createHmac('sha256', FACEBOOK_APP_SECRET).update(token).digest('hex');
      if (!entry || url.searchParams.get('appsecret_proof') !== proof) return send(400, { error: { message: 'invalid' } });
      return send(200, entry.user);
    }
    if (path === '/gh/login/oauth/access_token' && req.method === 'POST') {
      const code = body.get('code') ?? '';
      if (!this.githubCodes.has(code) || body.get('client_id') !== GITHUB_CLIENT_ID || !this.pkceOk(code, body.get('code_verifier'))) return send(200, { error: 'bad_verification_code' });
      return send(200, { access_token: `gh-token-${code}`, token_type: 'bearer' });
    }
    const gh = this.githubCodes.get(bearer.replace(/^gh-token-/, ''));
    if (path === '/gh/api/user') return gh ? send(200, { id: gh.id, name: gh.name }) : send(401, {});
    if (path === '/gh/api/user/emails') return gh ? send(200, gh.emails) : send(401, {});
    send(404, { error: 'not found' });
  }
}
