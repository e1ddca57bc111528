// Pure translation of MoySklad JSON API objects into our rows: ids out of hrefs, Moscow moments to
// UTC, money stays in kopecks, phones normalised. No I/O here.
import { idFromHref, kopecks, parseMoscowTime, type Counterparty, type CustomerOrder, type State } from '../moysklad/index.ts';
import { extractPhones, phoneKey } from '../phone/index.ts';

export type Outcome = 'open' | 'won' | 'lost';

export function outcomeOf(stateType: string | undefined): Outcome {
  return stateType === 'Successful' ? 'won' : stateType === 'Unsuccessful' ? 'lost' : 'open';
}

export type StageRow = { id: string; name: string; color: number | null; stateType: string; outcome: Outcome; position: number };

export function stageRows(states: State[]): StageRow[] {
  return states.map((s, position) => ({
    id: s.id,
    name: s.name,
    color: s.color ?? null,
    stateType: String(s.stateType ?? 'Regular'),
    outcome: outcomeOf(s.stateType),
    position,
  }));
}

const refId = (r: { meta: { href: string } } | undefined): string | null => (r ? idFromHref(r.meta.href) : null);

function moment(text: string | undefined, fallback: Date): Date {
  return (text && parseMoscowTime(text)) || fallback;
}

export type DealAttribute = { id: string; name: string; type: string; value: unknown };

export function attributesOf(attrs: CustomerOrder['attributes']): DealAttribute[] {
  return (attrs ?? []).map((a) => {
    let value: unknown = a.value ?? null;
    // Reference values come as {meta, name}: keep what a report can show.
    if (value && typeof value === 'object' && 'meta' in value) {
      const v = value as { meta: { href: string; type?: string }; name?: string };
      value = { id: idFromHref(v.meta.href), type: v.meta.type ?? null, name: v.name ?? null };
    }
    return { id: a.id ?? (a.meta ? idFromHref(a.meta.href) : ''), name: a.name ?? '', type: a.type ?? '', value };
  });
}

export type DealRow = {
  id: string;
  name: string;
  moment: Date;
  msCreated: Date;
  msUpdated: Date;
  sum: number;
  payedSum: number;
  stateId: string | null;
  storeId: string | null;
  salesChannelId: string | null;
  projectId: string | null;
  organizationId: string | null;
  ownerId: string | null;
  agentId: string | null;
  description: string | null;
  attributes: DealAttribute[];
};

export function dealRow(o: CustomerOrder, now = new Date()): DealRow {
  const updated = moment(o.updated, now);
  const created = moment(o.created, updated);
  return {
    id: o.id,
    name: o.name,
    moment: moment(o.moment, created),
    msCreated: created,
    msUpdated: updated,
    sum: kopecks(o.sum ?? 0),
    payedSum: kopecks(o.payedSum ?? 0),
    stateId: refId(o.state),
    storeId: refId(o.store),
    salesChannelId: refId(o.salesChannel),
    projectId: refId(o.project),
    organizationId: refId(o.organization),
    ownerId: refId(o.owner),
    agentId: refId(o.agent),
    description: o.description ?? null,
    attributes: attributesOf(o.attributes),
  };
}

export type ContactRow = {
  id: string;
  name: string;
  companyType: string | null;
  phones: string[];
  emails: string[];
  persons: Array<{ id: string; name: string; phones: string[]; email?: string }>;
  /** Contact persons exist but were not in the response (not expanded). */
  needsPersons: boolean;
  msUpdated: Date;
};

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

function emailsOf(text: string | undefined): string[] {
  return (text ?? '').split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter((e) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e));
}

export function contactRow(c: Counterparty, now = new Date()): ContactRow {
  const cps = c.contactpersons;
  const expanded = cps?.rows;
  const persons = (expanded ?? []).map((p) => ({
    id: p.id,
    name: p.name,
    phones: extractPhones(p.phone),
    ...(p.email ? { email: p.email.trim().toLowerCase() } : {}),
  }));
  return {
    id: c.id,
    name: c.name,
    companyType: c.companyType ?? null,
    phones: uniq([...extractPhones(c.phone), ...persons.flatMap((p) => p.phones)]),
    emails: uniq([...emailsOf(c.email), ...persons.flatMap((p) => emailsOf(p.email))]),
    persons,
    needsPersons: !expanded && (cps?.meta.size ?? 0) > 0,
    msUpdated: moment(c.updated, now),
  };
}

export function phoneKeysOf(phones: string[]): string[] {
  return uniq(phones.map((p) => phoneKey(p)).filter((k): k is string => k !== null));
}
