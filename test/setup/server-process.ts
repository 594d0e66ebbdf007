import { execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './test-app.js';

export interface ServerProcess {
  /** Where it listens, known once it has printed its start line. */
  readonly url: string;
  readonly port: number;
  /** Everything it printed, stdout and stderr, line by line. */
  lines: string[];
  /** The message of each JSON log line (other lines as they are). */
  messages(): string[];
  /** Resolves with the first line matching `pattern`, printed already or to come; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Its exit status (null when a signal ended it). */
  exited: Promise<number | null>;
  signal(name: NodeJS.Signals): void;
}

function newestSource(folder: string): number {
  return Math.max(
    0,
    ...readdirSync(folder, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? newestSource(join(folder, entry.name)) : statSync(join(folder, entry.name)).mtimeMs)),
  );
}

/** Compiles into dist/ unless a build newer than every source is there already (another test file's, say): each build costs seconds. */
function build(): void {
  let builtAt = 0;
  try {
    builtAt = statSync('dist/src/main.js').mtimeMs;
  } catch {
    // Not built yet.
  }
  if (Math.max(newestSource('src'), newestSource('migrations')) < builtAt) return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}

/**
 * Runs the built server (`node dist/src/main.js`, as in the image) as a process of its own and
 * reads what it prints, for tests of what a process does: its start, its signals, its exit.
 * Resolves once it is listening (its start line), unless `ready: false`. It listens on a port the
 * system picks (PORT=0) and says which in its start line: ports picked beforehand by the test
 * could be taken by the time several servers start at once.
 */
export async function startServerProcess(env: Record<string, string | undefined>, options: { ready?: boolean } = {}): Promise<ServerProcess> {
  build();
  const merged: Record<string, string | undefined> = { ...process.env, ...testEnv(), LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, ['dist/src/main.js'], { env: merged as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const events = new EventEmitter();
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk) => {
      const parts = (partial + String(chunk)).split('\n');
      partial = parts.pop()!;
      for (const line of parts.filter((part) => part.trim() !== '')) {
        lines.push(line);
        events.emit('line', line);
      }
    });
  }
  // 'close', not 'exit': by then every line it printed has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => (events.emit('exit'), resolve(code))));
  const waitForLine = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const done = (error?: Error, line?: string) => {
        clearTimeout(timer);
        events.off('line', onLine);
        events.off('exit', onExit);
        if (error) reject(error);
        else resolve(line!);
      };
      const onLine = (line: string) => pattern.test(line) && done(undefined, line);
      const onExit = () => done(new Error(`the server exited (${child.exitCode}) before printing ${pattern}:\n${lines.join('\n')}`));
      const timer = setTimeout(() => done(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
      events.on('line', onLine);
      events.on('exit', onExit);
      const already = lines.find((line) => pattern.test(line));
      if (already !== undefined) done(undefined, already);
      else if (child.exitCode !== null) onExit();
    });
  const listening = () => {
    const found = lines.map((line) => /Auth service ready on (http:\/\/[^\s"]+)/.exec(line)?.[1]).find(Boolean);
    if (!found) throw new Error('the server has not printed its start line yet');
    return new URL(found);
  };
  const server: ServerProcess = {
    get url() {
      return listening().origin;
    },
    get port() {
      return Number(listening().port);
    },
    lines,
    messages: () =>
      lines.map((line) => {
        try {
          return (JSON.parse(line) as { msg: string }).msg;
        } catch {
          return line;
        }
      }),
    waitForLine,
    exited,
    signal: (name) => child.kill(name),
  };
  if (options.ready !== false) {
    try {
      await waitForLine(/Auth service ready on/, 60_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }
  return server;
}
