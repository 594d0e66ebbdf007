import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { appSettings } from './app.config.js';
import { configurationDoc, declaredSettings } from './config-doc.js';
import { str } from './env.js';
import { loadConfig } from './load-config.js';

const declared = new Set(declaredSettings().areas.flatMap((area) => Object.keys(area.settings)));

/** Every variable name the loaders look up in env, however they read it. */
function namesRead(env: Record<string, string>): string[] {
  const read = new Set<string>();
  const tracked = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });
  loadConfig(tracked);
  return [...read];
}

describe('configuration documentation', () => {
  it('is what `npm run docs:config` generates from the settings tables', () => {
    // On a failure: run `npm run docs:config` and commit docs/configuration.md.
    expect(readFileSync('docs/configuration.md', 'utf8')).toBe(configurationDoc());
  });

  it('describes every variable a loader reads, on every branch the loaders take', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const production = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(48), MFA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), METRICS_TOKEN: 'm'.repeat(32) };
    const envs: Record<string, string>[] = [
      {},
      production,
      { ...production, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      { TRUST_PROXY: '10.0.0.0/8, 127.0.0.1', LOG_PRETTY: 'false', CORS_ORIGINS: 'https://spa.example.test', GOOGLE_ISSUER: 'https://issuer.example.test', DATABASE_URL: 'postgres://localhost/db', METRICS_PORT: '9464' },
    ];
    for (const env of envs) expect(namesRead(env).filter((name) => !declared.has(name))).toEqual([]);
  });

  it('refuses at run time a name that was cast past the compiler', () => {
    const env = appSettings.read({ NOT_A_SETTING: 'x' });
    expect(() => str(env, 'NOT_A_SETTING' as 'PORT')).toThrow(/NOT_A_SETTING is read by a config loader but declared in no defineSettings\(\) table/);
  });

  it('lets .env.example name only real settings', () => {
    const named = readFileSync('.env.example', 'utf8')
      .split('\n')
      .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(named.length).toBeGreaterThan(50);
    expect(named.filter((name) => !declared.has(name))).toEqual([]);
  });
});
