import type { Env } from './env.js';

/** NODE_ENV is ours, but NODE_OPTIONS and the like belong to Node. */
const SHARED_PREFIXES = new Set(['NODE']);
/** GitHub Actions sets many GITHUB_* variables of its own: only near-typos of ours count there. */
const CROWDED_PREFIXES = new Set(['GITHUB']);

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Words of two names that match, allowing a shortened or varied ending (VERIFY ~ VERIFICATION). */
function sharedWords(a: string, b: string): number {
  const theirs = b.split('_');
  return a.split('_').filter((word) => theirs.some((other) => other === word || (word.length >= 4 && other.length >= 4 && other.slice(0, 5) === word.slice(0, 5)))).length;
}

/**
 * Variables that carry the prefix of one of ours (JWT_, ACCOUNT_, REDIS_ …) but are not read
 * by any loader, each with the known name it most resembles: a misspelt setting is otherwise
 * silently ignored and its default used.
 */
export function unknownVariables(env: Env, known: ReadonlySet<string>): { name: string; closest: string }[] {
  const prefixes = new Set([...known].filter((name) => name.includes('_')).map((name) => name.split('_')[0]));
  for (const prefix of SHARED_PREFIXES) prefixes.delete(prefix);
  const found: { name: string; closest: string }[] = [];
  for (const name of Object.keys(env).sort()) {
    const prefix = name.split('_')[0];
    if (known.has(name) || !name.includes('_') || !prefixes.has(prefix)) continue;
    const ranked = [...known]
      .map((candidate) => ({ candidate, words: sharedWords(name, candidate), edits: distance(name, candidate) }))
      .sort((x, y) => y.words - x.words || x.edits - y.edits);
    const best = ranked[0];
    if (!best) continue;
    if (!CROWDED_PREFIXES.has(prefix) || best.edits <= 2) found.push({ name, closest: best.candidate });
  }
  return found;
}
