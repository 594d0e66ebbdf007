import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from './setup/spawn-instance.js';
import { testEnv } from './setup/test-app.js';

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Starts the built server as `npm start` would and collects what it prints: until the start
 * line appears (then it is stopped) or until it exits on its own.
 */
async function runServer(env: Record<string, string | undefined>): Promise<Run> {
  const merged: Record<string, string | undefined> = { ...process.env, ...testEnv(), HOST: '127.0.0.1', ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: merged as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { stdout: '', stderr: '', code: null };
  child.stdout.on('data', (chunk) => (run.stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (run.stderr += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => ((run.code = code), resolve())));
  const deadline = Date.now() + 60000;
  while (run.code === null && !run.stdout.includes('Auth service ready on')) {
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (run.code === null) child.kill('SIGTERM');
  await exited;
  return run;
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

describe('npm start', () => {
  beforeAll(() => {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  });

  it('ends its start with one line naming the URL, Swagger UI, database, mail mode and developer page, without Nest\'s mapping lines', async () => {
    const port = await freePort();
    const run = await runServer({ NODE_ENV: 'development', LOG_LEVEL: undefined, LOG_PRETTY: undefined, AUTH_DEV_UI: 'true', SMTP_URL: undefined, PORT: String(port) });
    const out = lines(run.stdout);
    // Piped stdout: JSON lines by default, even in development.
    const entries = out.map((line) => JSON.parse(line) as { level: number; msg: string; start?: Record<string, string>; mail?: unknown });
    expect(out.filter((line) => /Mapped \{|dependencies initialized|RoutesResolver/.test(line))).toEqual([]);
    expect(entries.filter((entry) => entry.msg.startsWith('Auth service ready on'))).toHaveLength(1);
    // The start line closes the start. Only the outbox worker, already running, may write after
    // it (on a shared PostgreSQL it may find mail that other test apps left undelivered), until
    // the SIGTERM that ends the run, whose shutdown says when it begins and ends, and exits 0.
    const readyAt = entries.findIndex((entry) => entry.msg.startsWith('Auth service ready on'));
    const stopAt = entries.findIndex((entry) => entry.msg.startsWith('shutdown: SIGTERM'));
    expect(entries.slice(readyAt + 1, stopAt).filter((entry) => entry.mail === undefined)).toEqual([]);
    expect(entries.slice(stopAt).filter((entry) => entry.mail === undefined).map((entry) => entry.msg)).toEqual([expect.stringMatching(/^shutdown: SIGTERM; /), 'shutdown: done']);
    expect(run.code).toBe(0);
    const last = entries[readyAt];
    expect(last.level).toBe(30);
    const base = `http://127.0.0.1:${port}`;
    const database = process.env.DATABASE_URL ? `PostgreSQL ${new URL(process.env.DATABASE_URL).host}${new URL(process.env.DATABASE_URL).pathname}` : 'embedded PGlite in memory (DATA_DIR=memory://)';
    expect(last.msg).toBe(`Auth service ready on ${base} — Swagger UI: ${base}/api/docs/ — database: ${database} — mail: logged, not sent (no SMTP_URL) — developer page: ${base}/api/auth/ui/`);
    expect(last.start).toEqual({ url: base, swaggerUi: `${base}/api/docs/`, database, mail: 'logged, not sent (no SMTP_URL)', devPage: `${base}/api/auth/ui/` });
  });

  it('writes human-readable lines when LOG_PRETTY=true, even when piped', async () => {
    const run = await runServer({ LOG_LEVEL: 'info', LOG_PRETTY: 'true', PORT: String(await freePort()) });
    const ready = lines(run.stdout).filter((line) => line.includes('Auth service ready on'));
    expect(ready).toHaveLength(1);
    expect(ready[0]).toMatch(/INFO.*Auth service ready on http:\/\/127\.0\.0\.1:/);
    expect(() => JSON.parse(ready[0])).toThrow();
  });

  it('stops with one line naming the variable when a setting is invalid', async () => {
    const run = await runServer({ ACCESS_TOKEN_LIFETIME: 'abc', PORT: String(await freePort()) });
    expect(run.code).not.toBe(0);
    expect(lines(run.stdout + run.stderr)).toEqual(['Invalid configuration: ACCESS_TOKEN_LIFETIME must be a whole number, got "abc"']);
  });

  it('stops with one line naming PORT when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const run = await runServer({ LOG_LEVEL: 'error', PORT: String((taken.address() as { port: number }).port) });
      expect(run.code).not.toBe(0);
      expect(lines(run.stdout + run.stderr)).toEqual(['Invalid configuration: PORT is already in use on this host']);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
