import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import request from 'supertest';
import { testEnv } from './test-app.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Instance {
  http: ReturnType<typeof request>;
  stop(): Promise<void>;
}

/** Jest loads this module afresh for each test file: one build per file, however many instances it starts. */
let built = false;

/**
 * Compiles the service into dist/ (over the previous build, as start.e2e-spec.ts does) for tests
 * that run it as its own process. Test files run one after another (--runInBand), so no test
 * runs a process out of dist/ while another rebuilds it.
 */
export function buildService(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

/**
 * Builds the service and starts it as a separate process: a second instance in every sense
 * (its own Passport registry, memory and connections), as behind a load balancer.
 */
export async function spawnInstance(env: Record<string, string>): Promise<Instance> {
  if (!built) buildService();
  built = true;
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], {
    env: { ...process.env, ...testEnv(), LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  // Readiness is polled, not slept for: the first successful /health/ready ends the wait.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) break;
    } catch {
      if (attempt > 300) throw new Error('instance did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    http: request(url),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
