// Pure derivation: a set of distinct UIS events → the call-session fields. Events are folded in a
// canonical total order (lifecycle rank, then time, then content), so scalars resolve the same way
// whatever order the notifications arrived in; later lifecycle events (call end) win over earlier
// ones (ringing). Times and sets use order-free rules (min/max/union).
import type { UisCallEvent, UisCallEventKind } from '../../uis/index.ts';
import type { CallOutcome, CallRecording, CallSession, CallSessionEmployee, LegStatus } from './call-session.ts';
import { eventFingerprint } from './fingerprint.ts';

const KIND_RANK: Record<UisCallEventKind, number> = {
  'call-start': 0,
  outgoing: 1,
  'outgoing-leg': 2,
  ringing: 3,
  'talk-start': 4,
  'talk-end': 5,
  lost: 6,
  'call-end': 7,
  recording: 8,
};

/** A short number on the contact side means another employee's extension (internal call). */
const EXTENSION_LIKE = /^\d{1,6}$/;

export function canonicalOrder(events: readonly UisCallEvent[]): UisCallEvent[] {
  const keyed = events.map((e) => ({ e, fp: eventFingerprint(e) }));
  keyed.sort((a, b) => {
    const r = KIND_RANK[a.e.kind] - KIND_RANK[b.e.kind];
    if (r !== 0) return r;
    const ta = a.e.occurredAt ?? '';
    const tb = b.e.occurredAt ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.fp < b.fp ? -1 : a.fp > b.fp ? 1 : 0;
  });
  return keyed.map((k) => k.e);
}

interface EmployeeAcc {
  key: string;
  employeeId?: string;
  fullName?: string;
  extension?: string;
  phoneNumber?: string;
  legIds: Set<string>;
  rang: boolean;
  rangAt?: string;
  answered: boolean;
  answeredAt?: string;
  lastAnsweredAt?: string;
  talkEndedAt?: string;
  talkSum?: number;
}

export function deriveCallSession(callSessionId: string, distinctEvents: readonly UisCallEvent[]): CallSession {
  const events = canonicalOrder(distinctEvents);
  const s: Record<string, unknown> = {};
  const set = (field: string, v: unknown) => {
    if (v !== undefined) s[field] = v;
  };

  let explicitDirection: 'in' | 'out' | undefined;
  let impliedDirection: 'in' | 'out' | undefined;
  let explicitLost: boolean | undefined;
  let lostEvent = false;
  let internalTrue = false;
  let internalFalse = false;
  let callEndTalk: number | undefined;
  let talkEndSum: number | undefined;
  let waitExplicit: number | undefined;
  let totalExplicit: number | undefined;
  let callEndEmployeeKey: string | undefined;
  const startCandidates: number[] = [];
  const explicitStarts: number[] = [];
  const endTimes: number[] = [];
  const talkStarts: number[] = [];
  const employees = new Map<string, EmployeeAcc>();
  const recordings = new Map<string, { durationSec?: number; employeeId?: string }>();
  const tagIds = new Set<string>();
  const tagNames = new Set<string>();
  const attributes = new Set<string>();
  let utm: Record<string, string> | undefined;

  const employeeFor = (e: UisCallEvent, id: string | undefined): EmployeeAcc | undefined => {
    const ext = id === e.employee?.id ? e.employee?.extension : undefined;
    const key = id ?? (ext ? `ext:${ext}` : undefined);
    if (!key) return undefined;
    let acc = employees.get(key);
    if (!acc) {
      acc = { key, legIds: new Set(), rang: false, answered: false };
      if (id) acc.employeeId = id;
      employees.set(key, acc);
    }
    return acc;
  };

  for (const e of events) {
    const at = e.occurredAt ? Date.parse(e.occurredAt) : undefined;
    if (at !== undefined) startCandidates.push(at);
    if (e.startedAt) explicitStarts.push(Date.parse(e.startedAt));

    if (e.direction) explicitDirection = e.direction;
    if (e.kind === 'call-start') impliedDirection ??= 'in';
    if (e.kind === 'outgoing') impliedDirection = 'out';

    set('contactPhoneNumber', e.contactPhoneNumber);
    set('virtualPhoneNumber', e.virtualPhoneNumber);
    set('contactId', e.contactId);
    set('contactFullName', e.contactFullName);
    set('externalId', e.externalId);
    set('callSource', e.callSource);
    set('communicationId', e.communicationId);
    set('communicationNumber', e.communicationNumber);
    set('scenarioId', e.scenarioId);
    set('scenarioName', e.scenarioName);
    set('campaignName', e.campaignName);
    set('siteDomainName', e.siteDomainName);
    set('regionName', e.regionName);
    set('visitorCountry', e.visitorCountry);
    set('callStatus', e.callStatus);
    if (e.utm) utm = { ...(utm ?? {}), ...e.utm };
    for (const a of e.attributes) attributes.add(a);
    for (const t of e.tagIds) tagIds.add(t);
    for (const t of e.tagNames) tagNames.add(t);

    if (e.isInternal === true) internalTrue = true;
    if (e.isInternal === false) internalFalse = true;
    if (e.isLost !== undefined) explicitLost = e.isLost;
    if (e.waitDurationSec !== undefined) waitExplicit = e.waitDurationSec;
    if (e.totalDurationSec !== undefined) totalExplicit = e.totalDurationSec;

    const emp = employeeFor(e, e.employee?.id ?? undefined);
    if (emp && e.employee) {
      if (e.employee.fullName) emp.fullName = e.employee.fullName;
      if (e.employee.extension) emp.extension = e.employee.extension;
      if (e.employee.phoneNumber) emp.phoneNumber = e.employee.phoneNumber;
      for (const l of e.legIds) emp.legIds.add(l);
    }

    switch (e.kind) {
      case 'ringing':
      case 'outgoing':
      case 'outgoing-leg':
        if (emp) {
          emp.rang = true;
          emp.rangAt = minIso(emp.rangAt, e.occurredAt);
        }
        break;
      case 'talk-start':
        if (at !== undefined) talkStarts.push(at);
        if (emp) {
          emp.answered = true;
          emp.answeredAt = minIso(emp.answeredAt, e.occurredAt);
          emp.lastAnsweredAt = maxIso(emp.lastAnsweredAt, e.occurredAt);
        }
        break;
      case 'talk-end':
        if (e.talkDurationSec !== undefined) talkEndSum = (talkEndSum ?? 0) + e.talkDurationSec;
        if (emp) {
          emp.answered = true;
          emp.talkEndedAt = maxIso(emp.talkEndedAt, e.occurredAt);
          if (e.talkDurationSec !== undefined) emp.talkSum = (emp.talkSum ?? 0) + e.talkDurationSec;
        }
        break;
      case 'lost':
        lostEvent = true;
        if (at !== undefined) endTimes.push(at);
        for (const id of e.employeeIds) {
          const tried = employeeFor({ ...e, employee: undefined }, id);
          if (tried) tried.rang = true;
        }
        break;
      case 'call-end':
        if (at !== undefined) endTimes.push(at);
        if (e.talkDurationSec !== undefined) callEndTalk = e.talkDurationSec;
        if (emp) callEndEmployeeKey = emp.key;
        if (at !== undefined && e.totalDurationSec !== undefined) startCandidates.push(at - e.totalDurationSec * 1000);
        break;
      case 'recording':
        if (e.recording?.url) {
          const prev = recordings.get(e.recording.url) ?? {};
          const durationSec = maxNum(prev.durationSec, e.recording.durationSec);
          const employeeId = prev.employeeId ?? e.employee?.id;
          recordings.set(e.recording.url, dropUndef({ durationSec, employeeId }));
        }
        // A recorded conversation means the employee on it talked.
        if (emp) emp.answered = true;
        break;
      case 'call-start':
        break;
    }
  }

  const finished = endTimes.length > 0 || events.some((e) => e.kind === 'call-end' || e.kind === 'lost');
  const endedMs = endTimes.length > 0 ? Math.max(...endTimes) : undefined;
  const startedMs =
    explicitStarts.length > 0 ? Math.min(...explicitStarts) : startCandidates.length > 0 ? Math.min(...startCandidates) : undefined;

  const talkDurationExplicit = callEndTalk ?? talkEndSum;
  const anyTalkStart = events.some((e) => e.kind === 'talk-start');
  const callEndEmployee = callEndEmployeeKey ? employees.get(callEndEmployeeKey) : undefined;
  if (!anyTalkStart && callEndEmployee && (callEndTalk ?? 0) > 0) callEndEmployee.answered = true;

  const answered =
    anyTalkStart || (talkDurationExplicit ?? 0) > 0 || [...employees.values()].some((x) => x.answered);
  let answeredMs = talkStarts.length > 0 ? Math.min(...talkStarts) : undefined;
  if (answeredMs === undefined && answered && endedMs !== undefined && callEndTalk !== undefined) {
    answeredMs = endedMs - callEndTalk * 1000;
  }

  const direction = explicitDirection ?? impliedDirection ?? (lostEvent ? 'in' : undefined);
  const contact = (s.contactPhoneNumber as string | undefined) ?? contactFromLegs(events, direction);
  if (contact !== undefined) s.contactPhoneNumber = contact;
  const internal = internalTrue || (!internalFalse && contact !== undefined && EXTENSION_LIKE.test(contact));

  const lost = lostEvent || (explicitLost ?? (finished && !answered && direction !== 'out' && !internal));

  const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));
  const waitDurationSec =
    waitExplicit ??
    (startedMs !== undefined && (answeredMs ?? (finished ? endedMs : undefined)) !== undefined
      ? seconds((answeredMs ?? endedMs ?? startedMs) - startedMs)
      : undefined);
  const talkDurationSec =
    talkDurationExplicit ??
    (answered && finished && answeredMs !== undefined && endedMs !== undefined ? seconds(endedMs - answeredMs) : finished ? 0 : undefined);
  const totalDurationSec =
    totalExplicit ?? (finished && startedMs !== undefined && endedMs !== undefined ? seconds(endedMs - startedMs) : undefined);

  const employeeList = [...employees.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((acc) => finishEmployee(acc, finished, talkStarts));

  const byAnswer = employeeList
    .filter((x) => x.answered)
    .sort((a, b) => cmpOptIso(a.answeredAt, b.answeredAt) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const byLastAnswer = employeeList
    .filter((x) => x.lastAnsweredAt !== undefined)
    .sort((a, b) => cmpOptIso(b.lastAnsweredAt, a.lastAnsweredAt) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const answeredBy = byAnswer[0]?.key;
  const lastAnsweredBy = byLastAnswer[0]?.key ?? (callEndEmployee?.answered ? callEndEmployee.key : answeredBy);

  const outcome: CallOutcome = answered
    ? 'answered'
    : !finished
      ? 'in_progress'
      : /busy|занят/i.test((s.callStatus as string | undefined) ?? '')
        ? 'busy'
        : lost
          ? 'lost'
          : 'missed';

  const recordingList: CallRecording[] = [...recordings.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([url, r]) => ({ url, ...r }));

  return dropUndef({
    callSessionId,
    events,
    ...(s as Partial<CallSession>),
    direction,
    utm,
    attributes: [...attributes].sort(),
    startedAt: isoOf(startedMs),
    answeredAt: isoOf(answeredMs),
    endedAt: isoOf(endedMs),
    waitDurationSec,
    talkDurationSec,
    totalDurationSec,
    employees: employeeList,
    answeredBy,
    lastAnsweredBy,
    answered,
    lost,
    internal,
    finished,
    outcome,
    recordings: recordingList,
    tagIds: [...tagIds].sort(),
    tagNames: [...tagNames].sort(),
  }) as CallSession;
}

function finishEmployee(acc: EmployeeAcc, finished: boolean, talkStarts: readonly number[]): CallSessionEmployee {
  let status: LegStatus = 'done';
  if (!finished) {
    if (acc.answered && acc.lastAnsweredAt !== undefined && (acc.talkEndedAt === undefined || acc.talkEndedAt < acc.lastAnsweredAt)) {
      status = 'talking';
    } else if (acc.rang && !acc.answered) {
      // The ring stops once anyone answers after this phone started ringing (ring group resolved).
      const rangMs = acc.rangAt ? Date.parse(acc.rangAt) : undefined;
      const answeredSince = talkStarts.some((t) => rangMs === undefined || t >= rangMs);
      status = answeredSince ? 'done' : 'ringing';
    }
  }
  return dropUndef({
    key: acc.key,
    employeeId: acc.employeeId,
    fullName: acc.fullName,
    extension: acc.extension,
    phoneNumber: acc.phoneNumber,
    legIds: [...acc.legIds].sort(),
    rang: acc.rang,
    rangAt: acc.rangAt,
    answered: acc.answered,
    answeredAt: acc.answeredAt,
    lastAnsweredAt: acc.lastAnsweredAt,
    talkEndedAt: acc.talkEndedAt,
    talkDurationSec: acc.talkSum,
    status,
  }) as CallSessionEmployee;
}

/** Without contact_phone_number, the outgoing-leg/call-end A/B numbers tell it by direction. */
function contactFromLegs(events: readonly UisCallEvent[], direction: 'in' | 'out' | undefined): string | undefined {
  let found: string | undefined;
  for (const e of events) {
    const v = direction === 'out' ? e.calledPhoneNumber : direction === 'in' ? e.callingPhoneNumber : undefined;
    if (v) found = v;
  }
  return found;
}

function minIso(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

function maxIso(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}

function maxNum(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** Earlier first; unknown times after known ones. */
function cmpOptIso(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function isoOf(ms: number | undefined): string | undefined {
  return ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();
}

function dropUndef<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
