import type { Entity } from './types.ts';

/**
 * Objects of one type in one account: id index, syncId index and an insertion-ordered snapshot
 * array that is rebuilt lazily after a create/delete, so paging a 100k list stays O(page).
 */
export class Collection {
  readonly byId = new Map<string, Entity>();
  readonly bySyncId = new Map<string, string>();
  private snapshot: Entity[] | null = null;
  /** bumped on every change, so derived indexes (phone lookup) know when to rebuild */
  version = 0;

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

  clear(): void {
    this.version++;
    this.byId.clear();
    this.bySyncId.clear();
    this.snapshot = null;
  }
}
