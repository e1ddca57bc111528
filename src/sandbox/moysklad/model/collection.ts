import type { Entity } from './types.ts';

const MAX_SORTED_VIEWS = 8;

/**
 * Objects of one type in one account: id index, syncId index and an insertion-ordered snapshot
 * array that is rebuilt lazily after a create/delete, so paging a 100k list stays O(page).
 */
export class Collection {
  readonly byId = new Map<string, Entity>();
  readonly bySyncId = new Map<string, string>();
  private snapshot: Entity[] | null = null;
  /** bumped on every change, so derived indexes (phone lookup, sorted views) know when to rebuild */
  version = 0;
  private readonly sorted = new Map<string, { version: number; rows: Entity[] }>();

  bump(): void {
    this.version++;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Entity | undefined {
    return this.byId.get(id);
  }

  add(e: Entity): void {
    this.version++;
    this.byId.set(e.id, e);
    if (typeof e['syncId'] === 'string') this.bySyncId.set(e['syncId'], e.id);
    if (this.snapshot) this.snapshot.push(e);
  }

  remove(id: string): Entity | undefined {
    const e = this.byId.get(id);
    if (!e) return undefined;
    this.version++;
    this.byId.delete(id);
    if (typeof e['syncId'] === 'string') this.bySyncId.delete(e['syncId']);
    this.snapshot = null;
    return e;
  }

  all(): Entity[] {
    if (!this.snapshot) this.snapshot = [...this.byId.values()];
    return this.snapshot;
  }

  /**
   * Every object in the order `compare` gives (named by `key`, the request's `order`), kept until
   * the collection changes: a paged read of a 100 000-order list sorted the whole list again for
   * each page, which made the sandbox, not the client, the bottleneck of the backfill benchmark.
   * The sort is stable, so filtering this list gives what sorting the filtered rows would.
   */
  sortedBy(key: string, compare: (a: Entity, b: Entity) => number): Entity[] {
    const known = this.sorted.get(key);
    if (known && known.version === this.version) return known.rows;
    const rows = [...this.all()].sort(compare);
    if (this.sorted.size >= MAX_SORTED_VIEWS) this.sorted.clear();
    this.sorted.set(key, { version: this.version, rows });
    return rows;
  }

  clear(): void {
    this.version++;
    this.byId.clear();
    this.bySyncId.clear();
    this.snapshot = null;
  }
}
