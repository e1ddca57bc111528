// Desired vs pushed → the next request, as few as possible: card events ride inside the
// POST /call or PUT body; the comment alone is worth a request only once the call is over.
import type { CallEvent, CallPatch, NewCall } from '../../moysklad/index.ts';
import type { DesiredCall } from './desired.ts';
import type { CardState, PushedState } from './pushed-state.ts';

export type PlannedEvent = { eventType: 'SHOW' | 'STARTTIME' | 'HIDE'; extension: string } | { eventType: 'HIDE_ALL' };

export type Step =
  | { kind: 'none' }
  /** A create's outcome is unknown: ask MoySklad before creating again. */
  | { kind: 'probe' }
  /** The last update's outcome is unknown: read the call back. */
  | { kind: 'read' }
  | { kind: 'create'; call: Omit<NewCall, 'events'>; events: PlannedEvent[]; after: PushedState }
  | { kind: 'update'; patch: Omit<CallPatch, 'events'>; events: PlannedEvent[]; after: PushedState };

type Want = Extract<DesiredCall, { push: true }>;

function cardEvents(want: Want, pushed: PushedState): { events: PlannedEvent[]; cards: Record<string, CardState>; hideAll: boolean } {
  const cards = { ...pushed.cards };
  const events: PlannedEvent[] = [];
  if (want.finished) {
    const anyShown = Object.values(pushed.cards).some((c) => c !== 'hidden');
    if (anyShown && !pushed.hideAll) {
      events.push({ eventType: 'HIDE_ALL' });
      for (const k of Object.keys(cards)) cards[k] = 'hidden';
      return { events, cards, hideAll: true };
    }
    return { events, cards, hideAll: !!pushed.hideAll };
  }
  const shows: PlannedEvent[] = [];
  const hides: PlannedEvent[] = [];
  for (const [ext, wanted] of Object.entries(want.cards)) {
    const had = pushed.cards[ext] ?? 'hidden';
    if (wanted === had) continue;
    if (wanted === 'ringing') {
      if (had === 'hidden') shows.push({ eventType: 'SHOW', extension: ext });
      else continue; // talking → ringing does not happen; keep the timer
    } else if (wanted === 'talking') {
      if (had === 'hidden') shows.push({ eventType: 'SHOW', extension: ext });
      shows.push({ eventType: 'STARTTIME', extension: ext });
    } else {
      // The last leg went quiet but the call is not over: its end (HIDE_ALL) comes next, so a
      // HIDE now would only cost a request.
      if (!want.active) continue;
      hides.push({ eventType: 'HIDE', extension: ext });
    }
    cards[ext] = wanted;
  }
  return { events: [...shows, ...hides], cards, hideAll: false };
}

export function planStep(want: Want, pushed: PushedState, state: { created: boolean; createPending: boolean }): Step {
  if (!state.created && state.createPending) return { kind: 'probe' };
  if (state.created && pushed.uncertain) return { kind: 'read' };
  const { events, cards, hideAll } = cardEvents(want, pushed);
  const newRecordings = want.recordUrls.filter((u) => !pushed.recordUrls.includes(u));

  if (!state.created) {
    // Nothing to show and nothing final yet: wait (the first card rides in the create).
    const worth = want.finished || want.extension !== undefined || events.length > 0 || newRecordings.length > 0;
    if (!worth) return { kind: 'none' };
    const after: PushedState = {
      recordUrls: newRecordings,
      comment: want.comment,
      cards,
      ...(want.extension !== undefined ? { extension: want.extension } : {}),
      ...(want.end ? { ended: true } : {}),
      ...(hideAll ? { hideAll } : {}),
    };
    return {
      kind: 'create',
      call: {
        externalId: want.externalId,
        number: want.number,
        isIncoming: want.isIncoming,
        startTime: want.startTime,
        comment: want.comment,
        ...(want.extension !== undefined ? { extension: want.extension } : {}),
        ...(want.end ? { endTime: want.end.endTime, durationMs: want.end.durationMs } : {}),
        ...(newRecordings.length ? { recordUrl: newRecordings } : {}),
      },
      events,
      after,
    };
  }

  const patch: Omit<CallPatch, 'events'> = {};
  if (want.extension !== undefined && pushed.extension === undefined) patch.extension = want.extension;
  if (want.end && !pushed.ended) {
    patch.endTime = want.end.endTime;
    patch.durationMs = want.end.durationMs;
  }
  if (newRecordings.length) patch.recordUrl = newRecordings;
  const substantive = Object.keys(patch).length > 0 || events.length > 0;
  if (want.comment !== pushed.comment && (substantive || want.finished)) patch.comment = want.comment;
  if (Object.keys(patch).length === 0 && events.length === 0) return { kind: 'none' };
  return {
    kind: 'update',
    patch,
    events,
    after: {
      ...pushed,
      recordUrls: [...pushed.recordUrls, ...newRecordings],
      cards,
      ...(patch.extension !== undefined ? { extension: patch.extension } : {}),
      ...(patch.endTime ? { ended: true } : {}),
      ...(typeof patch.comment === 'string' ? { comment: patch.comment } : {}),
      ...(hideAll ? { hideAll } : {}),
    },
  };
}

/** Numbers the planned events with the call's next sequence values. */
export function numberEvents(events: PlannedEvent[], lastSequence: number): CallEvent[] {
  return events.map((e, i) =>
    e.eventType === 'HIDE_ALL'
      ? { eventType: 'HIDE_ALL', sequence: lastSequence + i + 1 }
      : { eventType: e.eventType, extension: e.extension, sequence: lastSequence + i + 1 },
  );
}
