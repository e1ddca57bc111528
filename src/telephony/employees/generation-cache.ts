// In-process cache of per-integration data that other processes may change. Each entry remembers
// the generation it was built from; at most once per `checkEveryMs` we read the current generation
// (one tiny query) and rebuild when it moved. Readers on hot paths get the cached value at once
// while the check runs in the background.
export class GenerationCache<T> {
  private readonly entries = new Map<string, { value: T; generation: number; checkedAt: number }>();
  private readonly loading = new Map<string, Promise<T>>();

  constructor(
    private readonly generationOf: (key: string) => Promise<number>,
    private readonly build: (key: string) => Promise<T>,
    private readonly checkEveryMs = 1000,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Fresh within `checkEveryMs`; the first read of a key waits for the build. */
  async get(key: string, opts: { waitForCheck?: boolean } = {}): Promise<T> {
    const e = this.entries.get(key);
    if (!e) return this.reload(key);
    if (Date.now() - e.checkedAt > this.checkEveryMs) {
      const check = this.check(key);
      if (opts.waitForCheck) return check;
      check.catch(this.onError);
    }
    return e.value;
  }

  /** This process changed the data: rebuild now (other processes follow within checkEveryMs). */
  async invalidate(key: string): Promise<void> {
    this.entries.delete(key);
    await this.reload(key);
  }

  /** Replace the cached value in place (for small incremental updates made by this process). */
  peek(key: string): T | undefined {
    return this.entries.get(key)?.value;
  }

  private async check(key: string): Promise<T> {
    const e = this.entries.get(key);
    if (!e) return this.reload(key);
    e.checkedAt = Date.now();
    const generation = await this.generationOf(key);
    return generation === e.generation ? e.value : this.reload(key);
  }

  private reload(key: string): Promise<T> {
    const running = this.loading.get(key);
    if (running) return running;
    const p = (async () => {
      const generation = await this.generationOf(key);
      const value = await this.build(key);
      this.entries.set(key, { value, generation, checkedAt: Date.now() });
      return value;
    })().finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }
}
