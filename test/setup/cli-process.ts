import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliRun {
  /** null when it had to be killed: a command must exit on its own. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How long a command may take before it counts as hanging (a PGlite database migrates on first use). */
const EXIT_DEADLINE_MS = 60_000;

function withoutUnset(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged as NodeJS.ProcessEnv;
}

async function collect(child: ChildProcessWithoutNullStreams, run: CliRun): Promise<CliRun> {
  child.stdout.on('data', (chunk) => (run.stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (run.stderr += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_DEADLINE_MS);
  run.code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return run;
}

const CLI = resolve('dist/src/cli.js');

/**
 * `node dist/src/cli.js <args>` (built by buildService()) as its own process, with `env` over the
 * test runner's environment (undefined unsets), `input` as its whole stdin, in `cwd`.
 */
export function runCli(args: string[], env: Record<string, string | undefined>, { input = '', cwd }: { input?: string; cwd?: string } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { env: withoutUnset(env), stdio: 'pipe', cwd });
  child.stdin.end(input);
  return collect(child, { code: null, stdout: '', stderr: '' });
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The same on a pseudo-terminal (util-linux `script`), as an operator at a shell: each answer is
 * typed, Enter included, once its prompt has appeared. What the terminal shows (the command's
 * stdout and stderr, and any echo of the typing) comes back as `stdout`.
 */
export function runInTerminal(args: string[], env: Record<string, string | undefined>, answers: [prompt: string, typed: string][]): Promise<CliRun> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: withoutUnset(env), stdio: 'pipe' });
  let screen = '';
  let from = 0;
  let next = 0;
  child.stdout.on('data', (chunk) => {
    screen += String(chunk);
    for (let at; next < answers.length && (at = screen.indexOf(answers[next][0], from)) >= 0; next++) {
      from = at + answers[next][0].length;
      child.stdin.write(`${answers[next][1]}\r`);
    }
  });
  // stdin stays open until the command is done: script would pass its end on as end of input.
  child.once('exit', () => child.stdin.end());
  return collect(child, { code: null, stdout: '', stderr: '' });
}
