import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { lowerThreadPoolPriority } from './threadpool.js';

/** The nice value in a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat line (field 19). */
function niceIn(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the parenthesised command name (which may hold spaces): nice is index 16 from field 3.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** The nice value of each libuv thread-pool thread of this process. */
function poolNiceValues(): number[] {
  return readdirSync('/proc/self/task')
    .filter((tid) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'libuv-worker')
    .map((tid) => niceIn(`/proc/self/task/${tid}/stat`));
}

describe('lowerThreadPoolPriority', () => {
  // The service runs on Linux (see the Dockerfile); so do these tests.
  it('raises the nice value of every libuv thread-pool thread and of no other thread', async () => {
    await stat('.'); // makes sure the pool has started
    const mainBefore = niceIn('/proc/self/stat');
    // 19, the highest value: lowering a nice value may need privileges, raising it never does.
    const changed = lowerThreadPoolPriority(19);
    expect(changed).toBeGreaterThan(0);
    expect(poolNiceValues()).toEqual(Array(changed).fill(19));
    expect(niceIn('/proc/self/stat')).toBe(mainBefore);
  });

  it('does nothing when asked for 0', () => {
    expect(lowerThreadPoolPriority(0)).toBe(0);
  });
});
