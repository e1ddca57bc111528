import type { Ref } from './ref.ts';

/** One stored object. Dates are epoch ms; references are Ref; private bookkeeping keys start with "_". */
export type Entity = Record<string, unknown> & { id: string; created: number; updated: number };

export interface AttributeDef {
  id: string;
  name: string;
  /** string | text | link | long | double | boolean | time | file | <entity type> */
  type: string;
  required: boolean;
  show: boolean;
  description?: string;
}

export interface AttributeValue {
  id: string;
  value: unknown; // Ref for reference types, epoch ms for time
}

export interface StateDef {
  id: string;
  name: string;
  color: number;
  stateType: 'Regular' | 'Successful' | 'Unsuccessful';
  entityType: string;
}

export interface ContactPerson {
  id: string;
  name: string;
  phone?: string;
  email?: string;
  position?: string;
  description?: string;
  externalCode?: string;
  created: number;
  updated: number;
}

export interface Note {
  id: string;
  description: string;
  created: number;
  author?: Ref;
}

export interface Position {
  id: string;
  assortment?: Ref;
  quantity: number;
  price: number;
  discount: number;
  vat: number;
}

export type RefValue = Ref;
