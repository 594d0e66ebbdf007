import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the CPU priority (raises the nice value) of libuv's thread-pool threads, where argon2
 * hashes. During a login flood the hashes then use every core the event loop leaves idle, and
 * the event loop is scheduled first whenever it has work, so other requests keep answering
 * promptly. Linux only (per-thread nice values, thread names from /proc); elsewhere, or with
 * `nice` 0, it does nothing. Lowering a priority needs no privilege. Returns the threads changed.
 */
export function lowerThreadPoolPriority(nice: number): number {
  if (process.platform !== 'linux' || nice === 0) return 0;
  let changed = 0;
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== 'libuv-worker') continue;
      setPriority(Number(tid), nice);
      changed++;
    } catch {
      // The thread ended or the value cannot be set: its priority simply stays as it was.
    }
  }
  return changed;
}
