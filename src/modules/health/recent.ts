/**
 * A value loaded at most once per `ttlMs`: callers within that time, and callers arriving while
 * it loads, share one load. A failed load is not kept, so the next caller tries again.
 */
export class Recent<T> {
  private last?: { at: number; value: Promise<T> };

  constructor(
    private readonly ttlMs: number,
    private readonly load: () => Promise<T>,
  ) {}

  get(): Promise<T> {
    const now = performance.now();
    if (this.last && now - this.last.at < this.ttlMs) return this.last.value;
    const value = this.load();
    const entry = { at: now, value };
    this.last = entry;
    value.catch(() => {
      if (this.last === entry) this.last = undefined;
    });
    return value;
  }
}
