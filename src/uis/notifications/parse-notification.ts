// Intake parser: raw HTTP input of one UIS notification → UisCallEvent, or a reason why not.
// Keys off UIS's own variable names (what third-party templates use), tolerates every rendering
// quirk listed in reference/uis-api.md §1.2, and never throws.
import { UIS_EVENT_TYPES, isUisEventKey, type UisEventKey } from './event-types.ts';
import { uisCallEventSchema, type UisCallEvent } from './call-event.ts';
import { extractFields, type BodyInput, type FieldValue, type FlatFields, type QueryInput } from './raw-fields.ts';
import { asBool, asDirection, asId, asList, asNumber, asSeconds, asText, uniqueSorted } from './coerce.ts';
import { DEFAULT_UIS_TIME_ZONE, parseUisTime } from './uis-time.ts';

export interface ParseInput {
  /** The {event} path segment; when missing or unknown the kind is inferred from the body. */
  readonly eventKey?: string | null;
  readonly contentType?: string | null;
  readonly rawBody?: BodyInput;
  readonly query?: QueryInput;
  /** The UIS account's IANA time zone for "YYYY-MM-DD hh:mm:ss" values. */
  readonly timeZone?: string;
}

export type ParseResult = { ok: true; event: UisCallEvent } | { ok: false; reason: string };

/** Names third-party templates use for the same UIS variables (only read when the UIS name is absent). */
const ALIASES: Record<string, readonly string[]> = {
  call_session_id: ['session_id', 'callsessionid', 'call_id', 'cdr_id'],
  file_duration: ['call_record_duration', 'record_duration', 'recording_duration'],
  file_link: ['record_url', 'recording_url', 'file_url', 'record_link', 'call_record_link'],
  talk_time_duration: ['talk_duration'],
  wait_time_duration: ['wait_duration'],
  total_time_duration: ['total_duration'],
  employee_full_name: ['employee_name'],
  extension_phone_number: ['extension', 'employee_extension'],
  contact_phone_number: ['contact_phone', 'client_phone_number'],
  virtual_phone_number: ['virtual_phone', 'virtual_number'],
  tag_names: ['tags'],
  call_status: ['finish_reason', 'status'],
  site_domain_name: ['site_domain', 'site'],
};

/** Event-type words that third-party bodies carry (notification_name, a constant "event"). */
const KIND_HINTS: ReadonlyArray<readonly [UisEventKey, RegExp]> = [
  ['outgoing-leg', /исходящее плечо|outgoing[ _-]?leg|out_?start/i],
  ['call-start', /входящий звонок|inbound call|incoming[ _-]?call|call[ _-]?start|^in_?call/i],
  ['ringing', /ожидание ответа|waiting for (the )?answer|ringing|^wait/i],
  ['talk-start', /начало разговора|talk[ _-]?start|^answer/i],
  ['talk-end', /окончание разговора|talk[ _-]?(end|finish)/i],
  ['recording', /записанный разговор|recording|record[ _-]?call|^record/i],
  ['lost', /потерянный звонок|lost/i],
  ['call-end', /завершение звонка|call[ _-]?(end|finish)|^end/i],
  ['outgoing', /исходящий звонок|outbound call|outgoing[ _-]?call|^outgoing$/i],
];

export function parseNotification(input: ParseInput): ParseResult {
  try {
    return parseUnsafe(input);
  } catch (err) {
    return { ok: false, reason: `parser failure: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function parseUnsafe(input: ParseInput): ParseResult {
  const extracted = extractFields(input.contentType, input.rawBody, input.query);
  if (!extracted.ok) return { ok: false, reason: extracted.reason };
  const fields = extracted.fields;
  if (fields.size === 0 && extracted.format === 'empty') {
    return { ok: false, reason: 'empty notification: no body and no query parameters' };
  }

  const get = (name: string): FieldValue | undefined => {
    const direct = fields.get(name);
    if (direct !== undefined && asText(direct) !== undefined) return direct;
    for (const alias of ALIASES[name] ?? []) {
      const v = fields.get(alias);
      if (v !== undefined && asText(v) !== undefined) return v;
    }
    return direct;
  };

  const kind = resolveKind(input.eventKey, fields);
  if (!kind.ok) return kind;

  const callSessionId = asId(get('call_session_id'));
  if (callSessionId === undefined) {
    const seen = [...fields.keys()].slice(0, 12).join(', ');
    return { ok: false, reason: `no call_session_id in the notification (fields: ${seen || 'none'})` };
  }

  const tz = input.timeZone ?? DEFAULT_UIS_TIME_ZONE;
  const time = (name: string) => parseUisTime(asTimeInput(get(name)), tz) ?? undefined;
  const ids = (name: string) => uniqueSorted(asList(get(name)).map((x) => asId(x)).filter(isDefined));

  const employee = compact({
    id: asId(get('employee_id')),
    fullName: asText(get('employee_full_name')),
    extension: asText(get('extension_phone_number')),
    phoneNumber: asText(get('employee_phone_number')),
  });
  const recording = compact({ url: asText(get('file_link')), durationSec: asSeconds(get('file_duration')) });
  const legIds = uniqueSorted([...ids('leg_ids'), ...ids('leg_id')]);
  const communicationNumber = asNumber(get('communication_number'));

  const candidate = {
    kind: kind.kind,
    callSessionId,
    occurredAt: time('notification_timestamp') ?? time('notification_time'),
    startedAt: time('start_time'),
    notificationName: asText(get('notification_name')),
    notificationMnemonic: asText(get('notification_mnemonic')),
    direction: asDirection(get('direction')),
    callSource: asText(get('call_source')),
    virtualPhoneNumber: asText(get('virtual_phone_number')),
    contactPhoneNumber: asText(get('contact_phone_number')),
    callingPhoneNumber: asText(get('calling_phone_number')),
    calledPhoneNumber: asText(get('called_phone_number')),
    contactId: asId(get('contact_id')),
    contactFullName: asText(get('contact_full_name')),
    employee,
    employeeIds: ids('employee_ids'),
    legIds,
    externalId: asText(get('external_id')),
    isInternal: asBool(get('is_internal')),
    isLost: asBool(get('is_lost')),
    talkDurationSec: asSeconds(get('talk_time_duration')),
    waitDurationSec: asSeconds(get('wait_time_duration')),
    totalDurationSec: asSeconds(get('total_time_duration')),
    recording,
    tagIds: ids('tag_ids'),
    tagNames: uniqueSorted(asList(get('tag_names')).map((x) => asText(x)).filter(isDefined)),
    communicationId: asId(get('communication_id')),
    communicationNumber:
      communicationNumber !== undefined && Number.isInteger(communicationNumber) && communicationNumber >= 0
        ? communicationNumber
        : undefined,
    communicationType: asText(get('communication_type')),
    scenarioId: asId(get('scenario_id')),
    scenarioName: asText(get('scenario_name')),
    appId: asId(get('app_id')),
    regionName: asText(get('cpn_region_name')),
    visitorCountry: asText(get('visitor_country')),
    campaignName: asText(get('campaign_name')),
    siteDomainName: asText(get('site_domain_name')),
    utm: utmOf(fields),
    attributes: uniqueSorted(asList(get('attributes')).map((x) => asText(x)).filter(isDefined)),
    callStatus: asText(get('call_status')),
  };

  const checked = uisCallEventSchema.safeParse(dropUndefined(candidate));
  if (!checked.success) {
    const first = checked.error.issues[0];
    return { ok: false, reason: `invalid notification: ${first ? `${first.path.join('.')}: ${first.message}` : 'schema'}` };
  }
  return { ok: true, event: checked.data };
}

type KindResult = { ok: true; kind: UisEventKey } | { ok: false; reason: string };

function resolveKind(eventKey: string | null | undefined, fields: FlatFields): KindResult {
  const key = (eventKey ?? '').trim().toLowerCase();
  if (isUisEventKey(key)) return { ok: true, kind: key };
  const fromKey = key !== '' ? inferKind([key.replace(/_/g, '-')]) : undefined;
  if (fromKey) return { ok: true, kind: fromKey };
  const hints = ['event', 'event_type', 'notification_mnemonic', 'notification_name', 'type']
    .map((k) => asText(fields.get(k)))
    .filter(isDefined);
  const inferred = inferKind(hints);
  if (inferred) return { ok: true, kind: inferred };
  const known = UIS_EVENT_TYPES.map((d) => d.key).join(', ');
  return {
    ok: false,
    reason: key
      ? `unknown event "${key}" (expected one of: ${known}) and the body does not name a known event type`
      : `event type unknown: no event in the URL and none recognisable in the body`,
  };
}

function inferKind(hints: readonly string[]): UisEventKey | undefined {
  for (const hint of hints) {
    const exact = UIS_EVENT_TYPES.find(
      (d) => d.key === hint || d.lkName.toLowerCase() === hint.toLowerCase() || d.lkNameEn?.toLowerCase() === hint.toLowerCase(),
    );
    if (exact) return exact.key;
    for (const [kind, re] of KIND_HINTS) if (re.test(hint)) return kind;
  }
  return undefined;
}

function utmOf(fields: FlatFields): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of fields) {
    if (!k.startsWith('utm_')) continue;
    const t = asText(v);
    if (t !== undefined) out[k.slice(4)] = t;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function asTimeInput(v: FieldValue | undefined): unknown {
  if (typeof v === 'number') return v;
  return asText(Array.isArray(v) ? undefined : v);
}

function isDefined<T>(v: T | undefined): v is T {
  return v !== undefined;
}

function compact<T extends Record<string, unknown>>(obj: T): T | undefined {
  const out = dropUndefined(obj);
  for (const _ in out) return out;
  return undefined;
}

function dropUndefined<T extends Record<string, unknown>>(obj: T): T {
  // A loop, not entries/filter/fromEntries: this runs for every notification (3 MB of garbage in
  // 1 200 of them the other way).
  const out: Record<string, unknown> = {};
  for (const key in obj) if (obj[key] !== undefined) out[key] = obj[key];
  return out as T;
}
