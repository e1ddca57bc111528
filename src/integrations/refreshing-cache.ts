// A small in-process cache for what hot paths read of integrations (the hook secret's row at
// intake, the call reconciler's integration access): a value past its time still answers at once
// while one load refreshes it in the background, so no request waits for the database on a hot
// key; only the first read of a key waits. What this process forgets is forgotten at once, and a
// load that was under way when something was forgotten is not cached (it may have read the row
// from before the change).
type Entry<V> = { value: Promise<V>; resolved?: { v: V }; until: number; refreshing: boolean };

export class RefreshingCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  /** Bumped by every forget: loads that began before it do not cache what they read. */
  private epoch = 0;

  constructor(
    /** How long a loaded value counts as fresh. */
    private readonly freshForMs: (value: V) => number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (!hit) return this.loadInto(key, load);
    if (hit.resolved && hit.until <= Date.now() && !hit.refreshing) {
      hit.refreshing = true;
      const epoch = this.epoch;
      load().then(
        (v) => {
          if (epoch === this.epoch && this.entries.get(key) === hit) this.entries.set(key, this.entry(v));
          else hit.refreshing = false;
        },
        // The old value stays; the next read tries again.
        () => (hit.refreshing = false),
      );
    }
    return hit.value;
  }

  forget(key: K): void {
    this.epoch++;
    this.entries.delete(key);
  }

  /** Forgets every loaded value `matches` accepts (values still loading are not cached anyway). */
  forgetWhere(matches: (value: V) => boolean): void {
    this.epoch++;
    for (const [key, e] of this.entries) if (e.resolved && matches(e.resolved.v)) this.entries.delete(key);
  }

  private loadInto(key: K, load: () => Promise<V>): Promise<V> {
    const epoch = this.epoch;
    const value = load();
    const entry: Entry<V> = { value, until: Infinity, refreshing: false };
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, entry);
    value.then(
      (v) => {
        if (this.entries.get(key) !== entry) return;
        if (epoch !== this.epoch) this.entries.delete(key);
        else Object.assign(entry, { resolved: { v }, until: Date.now() + this.freshForMs(v) });
      },
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    return value;
  }

  private entry(v: V): Entry<V> {
    return { value: Promise.resolve(v), resolved: { v }, until: Date.now() + this.freshForMs(v), refreshing: false };
  }
}
