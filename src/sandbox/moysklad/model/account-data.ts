import { Collection } from './collection.ts';
import { SPECS } from './specs.ts';
import type { AttributeDef, StateDef } from './types.ts';

/** Everything one MoySklad account (tenant) holds. */
export class AccountData {
  readonly collections = new Map<string, Collection>();
  readonly states = new Map<string, StateDef[]>();
  readonly attributes = new Map<string, AttributeDef[]>();
  /** next customerorder auto-number ("00001") */
  orderCounter = 1;
  /** employee id of the account administrator (owner of API-created objects) */
  adminEmployeeId = '';
  /** department ("Основной") every object belongs to */
  groupId = '';
  /** employee id → Phone API extension; Phone API data, not a JSON API field */
  readonly extensions = new Map<string, string>();

  constructor() {
    for (const type of Object.keys(SPECS)) this.collections.set(type, new Collection());
  }

  col(type: string): Collection {
    const c = this.collections.get(type);
    if (!c) throw new Error(`no collection ${type}`);
    return c;
  }

  statesOf(entityType: string): StateDef[] {
    let s = this.states.get(entityType);
    if (!s) this.states.set(entityType, (s = []));
    return s;
  }

  attributesOf(entityType: string): AttributeDef[] {
    let a = this.attributes.get(entityType);
    if (!a) this.attributes.set(entityType, (a = []));
    return a;
  }

  findState(entityType: string, id: string): StateDef | undefined {
    return this.statesOf(entityType).find((s) => s.id === id);
  }

  clear(): void {
    for (const c of this.collections.values()) c.clear();
    this.states.clear();
    this.attributes.clear();
    this.extensions.clear();
    this.orderCounter = 1;
  }
}
