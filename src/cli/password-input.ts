import type { ReadStream } from 'node:tty';

/** Ctrl-C at a hidden prompt (raw mode turns it into a character, not SIGINT). */
export class Interrupted extends Error {}

/** The first line of stdin (--password-stdin), without its line ending; '' when stdin is empty. */
export function readLine(input: NodeJS.ReadStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = () => {
      input.off('data', onData).off('end', finish).off('error', reject);
      // Whatever follows the line is not ours; stop reading so the process can exit.
      input.pause();
      resolve(text.split('\n')[0].replace(/\r$/, ''));
    };
    const onData = (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) finish();
    };
    input.setEncoding('utf8');
    input.on('data', onData).on('end', finish).on('error', reject);
  });
}

/** Asks on the terminal without echoing what is typed (stdin must be a TTY); the prompt goes to stderr. */
export function promptHidden(question: string, input: ReadStream = process.stdin as ReadStream, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  // No echo before the prompt shows: what is typed as soon as it appears is not echoed either.
  input.setEncoding('utf8');
  input.setRawMode(true);
  input.resume();
  output.write(question);
  return new Promise((resolve, reject) => {
    let typed: string[] = [];
    const done = (result: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      result();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done(() => resolve(typed.join('')));
        if (char === '\u0003') return done(() => reject(new Interrupted()));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        // Other control characters (Ctrl-D, Escape, Tab) are not part of a password.
        else if (char >= ' ') typed.push(char);
      }
    };
    input.on('data', onData);
  });
}
