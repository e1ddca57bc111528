// Call scenario builders: per call, the ordered UIS notifications (event key, UIS variables,
// moment) plus the truth of what happened and the Data API row the sandbox will report.
import { eventTypeDefinition, formatUisDateTime, type UisEventKey } from '../../../uis/index.ts';
import type { UisCallsReportRow } from '../../../uis/data-api/index.ts';
import type { EmployeeCallRequest } from '../call-api-methods.ts';
import type { SandboxEmployee, UisSandboxState } from '../state.ts';
import { randomAttribution, randomContactNumber, randomHex } from './attribution.ts';
import { notificationNameFor } from './render.ts';
import type { SimRng } from './rng.ts';
import type { CallScenario, CallTruth, PlannedCommunication, PlannedEvent, SimVars } from './types.ts';

export interface ScenarioWorld {
  state: UisSandboxState;
  rng: SimRng;
  /** Where recordings are served (the sandbox), for `file_link` and the Data API. */
  mediaBaseUrl: string;
  /** A recording arrives this many seconds after hang-up: [min, max]. */
  recordingDelayS: readonly [number, number];
  now(): number;
}

export interface CallOverrides {
  /** Employee ids: who rings (ring group: all; transfer: [from, to]; internal: [caller, callee]). */
  employees?: number[];
  contact?: string;
  virtualPhoneNumber?: string;
  ringS?: number;
  talkS?: number;
  recordingDelayS?: number;
}

type Row = UisCallsReportRow & Record<string, unknown>;

interface Ctx {
  world: ScenarioWorld;
  kind: CallScenario;
  startMs: number;
  callSessionId: number;
  communicationId: number;
  common: SimVars;
  events: PlannedEvent[];
}

function employeeVars(e: SandboxEmployee): SimVars {
  return {
    employee_id: e.id,
    employee_full_name: e.full_name,
    extension_phone_number: e.extension,
    employee_phone_number: e.phone_numbers.find((p) => p.status === 'active')?.phone_number ?? e.extension,
  };
}

function emit(ctx: Ctx, eventKey: UisEventKey, atS: number, vars: SimVars, apply?: () => void): void {
  const t = ctx.startMs + atS * 1000;
  const all: SimVars = {
    ...ctx.common,
    ...vars,
    notification_name: notificationNameFor(eventKey),
    // Real mnemonics per event type are [UNK]; ours are stable but must not be routed on.
    notification_mnemonic: eventKey.replace(/-/g, '_'),
    notification_time: formatUisDateTime(new Date(t), ctx.world.state.timeZone),
    notification_timestamp: Math.floor(t / 1000),
  };
  const picked: SimVars = {};
  for (const v of eventTypeDefinition(eventKey).variables) picked[v] = all[v] ?? null;
  ctx.events.push({ eventKey, vars: picked, delayMs: Math.round(atS * 1000), ...(apply ? { apply } : {}) });
}

function pickEmployees(world: ScenarioWorld, n: number, wanted?: number[]): SandboxEmployee[] {
  const all = [...world.state.employees.values()];
  if (wanted) {
    return wanted.map((id) => {
      const e = world.state.employees.get(id);
      if (!e) throw new Error(`sandbox has no employee ${id}`);
      return e;
    });
  }
  if (all.length < n) throw new Error(`scenario needs ${n} employees, the sandbox has ${all.length}`);
  return world.rng.shuffle([...all]).slice(0, n);
}

function newCtx(world: ScenarioWorld, kind: CallScenario, base: SimVars, callSessionId?: number): Ctx {
  const startMs = world.now();
  const callId = callSessionId ?? world.state.nextId('call');
  const communicationId = world.state.nextId('communication');
  return {
    world,
    kind,
    startMs,
    callSessionId: callId,
    communicationId,
    events: [],
    common: {
      app_id: world.state.appId,
      call_session_id: callId,
      communication_id: communicationId,
      communication_type: 'call',
      communication_number: world.rng.int(1, 5),
      contact_id: null,
      contact_full_name: null,
      scenario_id: null,
      scenario_name: null,
      external_id: null,
      is_internal: false,
      tp_project: 'uis',
      tag_ids: [],
      tag_names: [],
      start_time: formatUisDateTime(new Date(startMs), world.state.timeZone),
      ...base,
    },
  };
}

interface Outcome {
  direction: 'in' | 'out';
  source: string;
  isInternal: boolean;
  externalId: string | null;
  contact: string;
  virtual: string;
  rang: SandboxEmployee[];
  talks: Array<{ employee: SandboxEmployee; startS: number; endS: number }>;
  waitS: number;
  endS: number;
  attribution: Record<string, string | null>;
  finishReason: string;
  withRecording: boolean;
  recordingDelayS?: number | undefined;
}

/** call-end, recording, report row and truth from the outcome of a call. */
function finish(ctx: Ctx, o: Outcome): PlannedCommunication {
  const { world } = ctx;
  const state = world.state;
  const talkS = o.talks.reduce((s, t) => s + (t.endS - t.startS), 0);
  const last = o.talks.at(-1)?.employee ?? null;
  const first = o.talks[0]?.employee ?? null;
  const isLost = o.talks.length === 0 && o.direction === 'in';
  const recordings: CallTruth['recordings'] = [];
  const row: Row = {
    id: ctx.callSessionId,
    start_time: ctx.common.start_time as string,
    finish_time: formatUisDateTime(new Date(ctx.startMs + o.endS * 1000), state.timeZone),
    finish_reason: o.finishReason,
    direction: o.direction,
    source: o.source,
    is_lost: isLost,
    is_transfer: o.talks.length > 1,
    communication_id: ctx.communicationId,
    communication_number: ctx.common.communication_number as number,
    communication_type: 'call',
    communication_page_url: o.attribution.entrance_page ?? null,
    contact_phone_number: o.contact,
    contact_id: null,
    contact_full_name: null,
    virtual_phone_number: o.virtual || null,
    cpn_region_id: null,
    cpn_region_name: o.attribution.visitor_region ?? null,
    wait_duration: Math.round(o.waitS),
    total_wait_duration: Math.round(o.waitS),
    talk_duration: Math.round(talkS),
    clean_talk_duration: Math.round(talkS),
    total_duration: Math.round(o.endS),
    call_records: [],
    wav_call_records: [],
    full_record_file_link: null,
    voice_mail_records: [],
    employees: o.rang.map((e) => ({
      employee_id: e.id,
      employee_full_name: e.full_name,
      is_answered: o.talks.some((t) => t.employee.id === e.id),
      is_talked: o.talks.some((t) => t.employee.id === e.id),
    })),
    last_answered_employee_id: last?.id ?? null,
    last_answered_employee_full_name: last?.full_name ?? null,
    first_answered_employee_id: first?.id ?? null,
    first_answered_employee_full_name: first?.full_name ?? null,
    last_talked_employee_id: last?.id ?? null,
    last_talked_employee_full_name: last?.full_name ?? null,
    operator_phone_number: null,
    scenario_id: (ctx.common.scenario_id as number | null) ?? null,
    scenario_name: (ctx.common.scenario_name as string | null) ?? null,
    call_api_request_id: null,
    call_api_external_id: o.externalId,
    tags: [],
    attributes: isLost ? ['lost'] : ['primary'],
    ...Object.fromEntries(
      ['site_domain_name', 'campaign_name', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'search_query',
        'search_engine', 'referrer', 'referrer_domain', 'entrance_page', 'channel', 'visitor_city', 'visitor_region', 'visitor_country',
        'visitor_device'].map((k) => [k, o.attribution[k] ?? null]),
    ),
  };

  const endVars: SimVars = {
    ...(last ? employeeVars(last) : { employee_id: null, employee_full_name: null, extension_phone_number: null }),
    talk_time_duration: Math.round(talkS),
    total_time_duration: Math.round(o.endS),
    wait_time_duration: Math.round(o.waitS),
    is_internal: o.isInternal,
    attributes: row.attributes ?? [],
    cpn_region_name: row.cpn_region_name ?? null,
    visitor_country: o.attribution.visitor_country ?? null,
  };
  emit(ctx, 'call-end', o.endS, endVars, () => state.ongoingCalls.delete(ctx.callSessionId));

  if (o.withRecording && last && talkS > 0) {
    const [minS, maxS] = world.recordingDelayS;
    const delayS = o.recordingDelayS ?? minS + world.rng.next() * (maxS - minS);
    const recordId = randomHex(world.rng, 32);
    const url = `${world.mediaBaseUrl.replace(/\/+$/, '')}/system/media/talk/${ctx.communicationId}/${recordId}/`;
    recordings.push({ id: recordId, url, durationS: Math.round(talkS), delayAfterHangupS: delayS });
    emit(ctx, 'recording', o.endS + delayS, { ...employeeVars(last), file_link: url, file_duration: Math.round(talkS) }, () => {
      state.recordings.set(recordId, { id: recordId, communicationId: ctx.communicationId, callSessionId: ctx.callSessionId, durationS: Math.round(talkS) });
      const r = state.calls.get(ctx.callSessionId);
      if (r) r.call_records = [...(r.call_records ?? []), recordId];
    });
  }

  const truth: CallTruth = {
    kind: ctx.kind,
    callSessionId: ctx.callSessionId,
    communicationId: ctx.communicationId,
    direction: o.direction,
    source: o.source,
    isInternal: o.isInternal,
    virtualPhoneNumber: o.virtual,
    contactPhoneNumber: o.contact,
    externalId: o.externalId,
    startTime: row.start_time as string,
    rang: o.rang.map((e) => e.id),
    answeredBy: o.talks.map((t) => t.employee.id),
    lastAnsweredEmployeeId: last?.id ?? null,
    isLost,
    isTransfer: o.talks.length > 1,
    waitDurationS: Math.round(o.waitS),
    talkDurationS: Math.round(talkS),
    totalDurationS: Math.round(o.endS),
    recordings,
    attribution: o.attribution,
  };
  ctx.events.sort((a, b) => a.delayMs - b.delayMs);
  return {
    truth,
    events: ctx.events,
    begin: () => {
      state.calls.set(ctx.callSessionId, row);
      state.ongoingCalls.add(ctx.callSessionId);
    },
  };
}

const legId = (ctx: Ctx) => ctx.world.state.nextId('leg');

function incoming(world: ScenarioWorld, kind: CallScenario, o: CallOverrides, groupSize: number): PlannedCommunication {
  const { rng, state } = world;
  const virtual = o.virtualPhoneNumber ?? rng.pick([...state.virtualNumbers]);
  const contact = o.contact ?? randomContactNumber(rng);
  const attribution = randomAttribution(rng);
  const ctx = newCtx(world, kind, {
    virtual_phone_number: virtual,
    contact_phone_number: contact,
    calling_phone_number: contact,
    called_phone_number: virtual,
    direction: 'in',
    call_source: 'call_tracking',
    scenario_id: 1,
    scenario_name: 'Входящие — отдел продаж',
  });
  const group = pickEmployees(world, kind === 'transfer' ? 2 : groupSize, o.employees);
  const ringS = o.ringS ?? rng.int(3, 15);
  const talkS = o.talkS ?? rng.int(20, 180);
  const contactLeg = legId(ctx);
  emit(ctx, 'call-start', 0, {});
  const ringing = kind === 'transfer' ? group.slice(0, 1) : group;
  const legs = new Map<number, number>();
  ringing.forEach((e, i) => {
    const leg = legId(ctx);
    legs.set(e.id, leg);
    emit(ctx, 'ringing', 1 + i * 0.01, { ...employeeVars(e), leg_id: leg });
  });
  const answerS = 1 + ringS;

  if (kind === 'incoming_lost') {
    emit(ctx, 'lost', answerS, { employee_ids: group.map((e) => e.id), wait_time_duration: answerS });
    return finish(ctx, {
      direction: 'in', source: 'call_tracking', isInternal: false, externalId: null, contact, virtual, rang: group, talks: [],
      waitS: answerS, endS: answerS + 0.1, attribution, finishReason: 'caller_disconnects', withRecording: false,
    });
  }

  const answerer = kind === 'ring_group' ? rng.pick(group) : group[0]!;
  const aLeg = legs.get(answerer.id)!;
  emit(ctx, 'talk-start', answerS, { ...employeeVars(answerer), leg_ids: [contactLeg, aLeg] });
  const talks = [{ employee: answerer, startS: answerS, endS: answerS + talkS }];

  if (kind === 'transfer') {
    const to = group[1]!;
    const toLeg = legId(ctx);
    const consultS = answerS + talkS;
    emit(ctx, 'outgoing-leg', consultS, { ...employeeVars(answerer), calling_phone_number: answerer.extension, called_phone_number: to.extension });
    emit(ctx, 'ringing', consultS + 0.5, { ...employeeVars(to), leg_id: toLeg });
    const secondS = consultS + 0.5 + rng.int(2, 6);
    emit(ctx, 'talk-end', secondS, { ...employeeVars(answerer), talk_time_duration: Math.round(secondS - answerS), leg_ids: [contactLeg, aLeg] });
    talks[0]!.endS = secondS;
    const secondTalk = rng.int(15, 90);
    emit(ctx, 'talk-start', secondS, { ...employeeVars(to), leg_ids: [contactLeg, toLeg] });
    emit(ctx, 'talk-end', secondS + secondTalk, { ...employeeVars(to), talk_time_duration: secondTalk, leg_ids: [contactLeg, toLeg] });
    talks.push({ employee: to, startS: secondS, endS: secondS + secondTalk });
    return finish(ctx, {
      direction: 'in', source: 'call_tracking', isInternal: false, externalId: null, contact, virtual, rang: [answerer, to], talks,
      waitS: answerS, endS: secondS + secondTalk + 0.2, attribution, finishReason: 'caller_disconnects', withRecording: true,
      recordingDelayS: o.recordingDelayS,
    });
  }

  emit(ctx, 'talk-end', answerS + talkS, { ...employeeVars(answerer), talk_time_duration: talkS, leg_ids: [contactLeg, aLeg] });
  return finish(ctx, {
    direction: 'in', source: 'call_tracking', isInternal: false, externalId: null, contact, virtual, rang: group, talks,
    waitS: answerS, endS: answerS + talkS + 0.2, attribution, finishReason: rng.pick(['caller_disconnects', 'operator_disconnects']),
    withRecording: true, recordingDelayS: o.recordingDelayS,
  });
}

interface OutgoingSpec {
  kind: 'outgoing' | 'click_to_call';
  employee: SandboxEmployee;
  employeePhone: string;
  contact: string;
  virtual: string;
  direction: 'in' | 'out';
  source: string;
  externalId: string | null;
  callSessionId?: number;
}

function outgoingFlow(world: ScenarioWorld, spec: OutgoingSpec, o: CallOverrides): PlannedCommunication {
  const { rng } = world;
  const ctx = newCtx(
    world,
    spec.kind,
    {
      virtual_phone_number: spec.virtual,
      contact_phone_number: spec.contact,
      direction: spec.direction,
      call_source: spec.source,
      external_id: spec.externalId,
    },
    spec.callSessionId,
  );
  const e = spec.employee;
  const contactLeg = legId(ctx);
  const empLeg = legId(ctx);
  let t = 0;
  if (spec.kind === 'click_to_call') {
    // first_call=employee: UIS rings the employee, then dials the contact.
    emit(ctx, 'outgoing-leg', t, { ...employeeVars(e), calling_phone_number: spec.virtual, called_phone_number: spec.employeePhone });
    emit(ctx, 'ringing', t + 0.1, { ...employeeVars(e), employee_phone_number: spec.employeePhone, leg_id: empLeg });
    t += 0.1 + rng.int(2, 6);
  } else {
    emit(ctx, 'outgoing', t, { ...employeeVars(e), employee_phone_number: spec.employeePhone });
  }
  emit(ctx, 'outgoing-leg', t + 0.1, { ...employeeVars(e), calling_phone_number: spec.virtual, called_phone_number: spec.contact });
  const answerS = t + 0.1 + (o.ringS ?? rng.int(3, 12));
  const talkS = o.talkS ?? rng.int(20, 240);
  emit(ctx, 'talk-start', answerS, { ...employeeVars(e), leg_ids: [empLeg, contactLeg] });
  emit(ctx, 'talk-end', answerS + talkS, { ...employeeVars(e), talk_time_duration: talkS, leg_ids: [empLeg, contactLeg] });
  return finish(ctx, {
    direction: spec.direction, source: spec.source, isInternal: false, externalId: spec.externalId, contact: spec.contact,
    virtual: spec.virtual, rang: [e], talks: [{ employee: e, startS: answerS, endS: answerS + talkS }], waitS: answerS,
    endS: answerS + talkS + 0.2, attribution: {}, finishReason: 'operator_disconnects', withRecording: true,
    recordingDelayS: o.recordingDelayS,
  });
}

/** A click-to-call started through the sandbox's Call API: the same session id, the request's external_id. */
export function planEmployeeCall(world: ScenarioWorld, req: EmployeeCallRequest, o: CallOverrides = {}): PlannedCommunication {
  return outgoingFlow(
    world,
    {
      kind: 'click_to_call',
      employee: req.employee,
      employeePhone: req.employeePhone,
      contact: req.contact,
      virtual: req.virtualPhoneNumber,
      direction: req.direction,
      source: 'callapi',
      externalId: req.externalId,
      callSessionId: req.callSessionId,
    },
    o,
  );
}

function internal(world: ScenarioWorld, o: CallOverrides): PlannedCommunication {
  const [a, b] = pickEmployees(world, 2, o.employees) as [SandboxEmployee, SandboxEmployee];
  const ctx = newCtx(world, 'internal', {
    virtual_phone_number: null,
    contact_phone_number: b.extension,
    calling_phone_number: a.extension,
    called_phone_number: b.extension,
    direction: 'out',
    call_source: 'sip',
    is_internal: true,
  });
  const bLeg = legId(ctx);
  const aLeg = legId(ctx);
  emit(ctx, 'outgoing-leg', 0, { ...employeeVars(a) });
  emit(ctx, 'ringing', 0.1, { ...employeeVars(b), leg_id: bLeg });
  const answerS = 0.1 + (o.ringS ?? world.rng.int(2, 8));
  const talkS = o.talkS ?? world.rng.int(10, 120);
  emit(ctx, 'talk-start', answerS, { ...employeeVars(b), leg_ids: [aLeg, bLeg] });
  emit(ctx, 'talk-end', answerS + talkS, { ...employeeVars(b), talk_time_duration: talkS, leg_ids: [aLeg, bLeg] });
  return finish(ctx, {
    direction: 'out', source: 'sip', isInternal: true, externalId: null, contact: b.extension ?? '', virtual: '',
    rang: [b], talks: [{ employee: b, startS: answerS, endS: answerS + talkS }], waitS: answerS, endS: answerS + talkS + 0.2,
    attribution: {}, finishReason: 'caller_disconnects', withRecording: false,
  });
}

export function planCall(world: ScenarioWorld, kind: CallScenario, o: CallOverrides = {}): PlannedCommunication {
  switch (kind) {
    case 'incoming_answered':
      return incoming(world, kind, o, 1);
    case 'incoming_lost':
      return incoming(world, kind, o, o.employees?.length ?? 2);
    case 'ring_group':
      return incoming(world, kind, o, o.employees?.length ?? 3);
    case 'transfer':
      return incoming(world, kind, o, 2);
    case 'outgoing':
    case 'click_to_call': {
      const [e] = pickEmployees(world, 1, o.employees) as [SandboxEmployee];
      const phone = e.phone_numbers.find((p) => p.status === 'active')?.phone_number ?? e.extension ?? '';
      return outgoingFlow(
        world,
        {
          kind,
          employee: e,
          employeePhone: phone,
          contact: o.contact ?? randomContactNumber(world.rng),
          virtual: o.virtualPhoneNumber ?? world.rng.pick([...world.state.virtualNumbers]),
          direction: 'out',
          source: kind === 'outgoing' ? 'sip' : 'callapi',
          externalId: kind === 'click_to_call' ? `sim-${randomHex(world.rng, 12)}` : null,
        },
        o,
      );
    }
    case 'internal':
      return internal(world, o);
  }
}
