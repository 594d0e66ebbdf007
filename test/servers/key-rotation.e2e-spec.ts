import { createSecretKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import type request from 'supertest';
import { startApp } from '../setup/test-app.js';
import { spawnInstance } from '../setup/spawn-instance.js';
import { bearer, signup } from '../factories/users.js';
import { decodeHeader } from '../factories/jwt.js';
import { secretKid, thumbprint } from '../../src/modules/tokens/key-ids.js';

// SECURITY.md 40, and the procedure of docs/operations.md "Signing-key rotation", walked as a
// rolling deploy over two instances on one PostgreSQL and Redis: A runs in this process, B as a
// process of its own; each phase restarts B first, then A, with the next configuration.
// Runs only with DATABASE_URL and REDIS_URL (see jest.config.js).

type KeyName = 'old' | 'new';
/** An instance's keys: the signer, then the verify-only ones. */
type Keys = [KeyName, ...KeyName[]];

interface Algorithm {
  name: string;
  env(keys: Keys): Record<string, string>;
  kid: Record<KeyName, string>;
}

const secrets: Record<KeyName, string> = { old: 'old-secret-0123456789abcdef0123456789abcdef', new: 'new-secret-0123456789abcdef0123456789abcdef' };
const hs256: Algorithm = {
  name: 'HS256',
  env: ([signer, ...verify]) => ({ JWT_ALGORITHM: 'HS256', JWT_SECRET: secrets[signer], JWT_VERIFY_SECRETS: verify.map((key) => secrets[key]).join(',') }),
  kid: { old: secretKid(createSecretKey(Buffer.from(secrets.old))), new: secretKid(createSecretKey(Buffer.from(secrets.new))) },
};

const pairs = { old: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), new: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) };
const es256: Algorithm = {
  name: 'ES256',
  env: ([signer, ...verify]) => ({
    JWT_ALGORITHM: 'ES256',
    JWT_PRIVATE_KEY: pairs[signer].privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    JWT_VERIFY_PUBLIC_KEYS: verify.map((key) => pairs[key].publicKey.export({ type: 'spki', format: 'pem' })).join(''),
  }),
  kid: { old: thumbprint(pairs.old.publicKey), new: thumbprint(pairs.new.publicKey) },
};

/** The rolling deploy: which instance restarts with which keys, one step at a time. */
const STEPS: { name: string; restart: 'A' | 'B'; keys: Keys }[] = [
  { name: 'phase 1 on B: the new key verifies, the old one still signs', restart: 'B', keys: ['old', 'new'] },
  { name: 'phase 1 on A', restart: 'A', keys: ['old', 'new'] },
  { name: 'phase 2 on B: the new key signs, the old one still verifies', restart: 'B', keys: ['new', 'old'] },
  { name: 'phase 2 on A', restart: 'A', keys: ['new', 'old'] },
  { name: 'phase 3 on B: the old key is dropped', restart: 'B', keys: ['new'] },
  { name: 'phase 3 on A', restart: 'A', keys: ['new'] },
];

interface Running {
  http: ReturnType<typeof request>;
  keys: Keys;
  stop(): Promise<void>;
}

describe.each([hs256, es256])('rolling key rotation over two instances ($name)', (algorithm) => {
  // A fixed MFA key only keeps each start from warning about a generated one.
  const shared = { REDIS_KEY_PREFIX: `test:${randomUUID()}:`, MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
  const instances = {} as Record<'A' | 'B', Running>;
  /** Tokens never used up: their sessions sit idle, as a client that went away. */
  const held: { label: string; key: KeyName; access: string; refresh: string }[] = [];
  /** Sessions whose client refreshes at every step, on either instance. */
  const active: { label: string; refresh: string }[] = [];

  async function start(name: 'A' | 'B', keys: Keys): Promise<void> {
    await instances[name]?.stop();
    const env = { ...shared, ...algorithm.env(keys) };
    const instance = name === 'A' ? await startApp(env) : await spawnInstance(env);
    instances[name] = { http: instance.http, keys, stop: 'close' in instance ? instance.close : instance.stop };
  }

  afterAll(async () => {
    await instances.A?.stop();
    await instances.B?.stop();
  });

  /** Signs up on each instance: the tokens carry the kid of that instance's signer. */
  async function mint(step: string): Promise<void> {
    for (const name of ['A', 'B'] as const) {
      const { access, refresh } = await signup(instances[name].http);
      const key = instances[name].keys[0];
      expect([decodeHeader(access).kid, decodeHeader(refresh).kid]).toEqual([algorithm.kid[key], algorithm.kid[key]]);
      held.push({ label: `${step}, minted on ${name} (${key} key)`, key, access, refresh });
      active.push({ label: `${step}, minted on ${name}`, refresh: (await signup(instances[name].http)).refresh });
    }
  }

  /**
   * Every held token on both instances, and one refresh of every active session on each instance
   * in turn; the statuses are compared as one table, so a failure shows every cell.
   */
  async function check(expected: (key: KeyName, on: 'A' | 'B') => number): Promise<void> {
    const actual: Record<string, number> = {};
    const wanted: Record<string, number> = {};
    for (const token of held) {
      for (const on of ['A', 'B'] as const) {
        const { http } = instances[on];
        actual[`${token.label}: access on ${on}`] = (await http.get('/api/me/').set(...bearer(token.access))).status;
        actual[`${token.label}: refresh on ${on}`] = (await http.post('/api/token/verify/').send({ token: token.refresh })).status;
        wanted[`${token.label}: access on ${on}`] = wanted[`${token.label}: refresh on ${on}`] = expected(token.key, on);
      }
    }
    for (const [index, session] of active.entries()) {
      for (const on of (index % 2 ? ['A', 'B'] : ['B', 'A']) as ('A' | 'B')[]) {
        const rotated = await instances[on].http.post('/api/token/refresh/').send({ refresh: session.refresh });
        actual[`${session.label}: refreshed on ${on}`] = rotated.status;
        wanted[`${session.label}: refreshed on ${on}`] = 200;
        if (rotated.status !== 200) continue;
        session.refresh = rotated.body.refresh;
        for (const other of ['A', 'B'] as const) {
          actual[`${session.label}: its new access on ${other}`] = (await instances[other].http.get('/api/me/').set(...bearer(rotated.body.access))).status;
          wanted[`${session.label}: its new access on ${other}`] = 200;
        }
      }
    }
    expect(actual).toEqual(wanted);
    for (const name of ['A', 'B'] as const) {
      const published = (await instances[name].http.get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
      expect(published).toEqual(algorithm.name === 'HS256' ? [] : instances[name].keys.map((key) => algorithm.kid[key]));
    }
  }

  it('phase 0: both instances sign with the old key', async () => {
    await start('A', ['old']);
    await start('B', ['old']);
    await mint('phase 0');
    await check(() => 200);
  }, 120_000);

  for (const [index, step] of STEPS.entries()) {
    const dropped = (key: KeyName, on: 'A' | 'B') => !instances[on].keys.includes(key);
    const title =
      step.keys.length === 1
        ? `${step.name}: the old key's tokens get 401 where it was dropped, every other token works on both`
        : `${step.name}: every token minted so far works on both`;
    it(title, async () => {
      await start(step.restart, step.keys);
      await mint(`step ${index + 1}`);
      if (step.keys.length > 1) await check(() => 200);
      else await check((key, on) => (dropped(key, on) ? 401 : 200));
    }, 60_000);
  }

  it('refuses the old key’s tokens on both instances at the end, also at refresh, and keeps the new key’s', async () => {
    for (const on of ['A', 'B'] as const) {
      for (const token of held) {
        const refreshed = await instances[on].http.post('/api/token/refresh/').send({ refresh: token.refresh });
        expect([token.label, on, refreshed.status]).toEqual([token.label, on, token.key === 'old' ? 401 : 200]);
        if (token.key === 'old') expect(refreshed.body).toEqual({ detail: 'Given token not valid for any token type', code: 'token_not_valid' });
        else token.refresh = refreshed.body.refresh;
      }
    }
    expect(held.filter((token) => token.key === 'old').length).toBeGreaterThan(0);
  });
});
