import type { UisEventKey, UisValue } from '../../../uis/index.ts';

export const CALL_SCENARIOS = [
  'incoming_answered',
  'incoming_lost',
  'ring_group',
  'transfer',
  'outgoing',
  'click_to_call',
  'internal',
] as const;
export const CHAT_SCENARIOS = ['chat', 'chat_lost', 'offline_request'] as const;
export const SCENARIOS = [...CALL_SCENARIOS, ...CHAT_SCENARIOS] as const;
export type CallScenario = (typeof CALL_SCENARIOS)[number];
export type ChatScenario = (typeof CHAT_SCENARIOS)[number];
export type ScenarioKind = (typeof SCENARIOS)[number];

/**
 * Chat events have no UIS notification type ([UNK] in the reference); the sandbox delivers them
 * as Chat API adapter callbacks (POST {webhook}/chat, /message, /chat/close) and, for offline
 * requests, POST {webhook}/offline_message — the last path is our assumption.
 */
export const CHAT_EVENT_KEYS = ['chat-new', 'chat-message', 'chat-closed', 'offline-message'] as const;
export type ChatEventKey = (typeof CHAT_EVENT_KEYS)[number];
export type SimEventKey = UisEventKey | ChatEventKey;

export type SimVars = Record<string, UisValue>;

/** One notification of a scenario, `delayMs` after the communication started (UIS time). */
export interface PlannedEvent {
  eventKey: SimEventKey;
  vars: SimVars;
  delayMs: number;
  /** Sandbox side effect at the event's moment (e.g. the recording appears in the Data API). */
  apply?: () => void;
}

export interface RenderedRequest {
  method: string;
  url: string;
  body: string;
  contentType: string;
}

/** Turns an event into the HTTP request UIS would send; `null` = not delivered (no target). */
export type SimRenderer = (eventKey: SimEventKey, vars: SimVars) => RenderedRequest | null;

/** What really happened in a played call, to compare with what the connector produced. */
export interface CallTruth {
  kind: CallScenario;
  callSessionId: number;
  communicationId: number;
  direction: 'in' | 'out';
  source: string;
  isInternal: boolean;
  virtualPhoneNumber: string;
  contactPhoneNumber: string;
  externalId: string | null;
  startTime: string;
  /** Employees whose phone rang, in order. */
  rang: number[];
  /** Employees who talked, in order (a transfer has two). */
  answeredBy: number[];
  lastAnsweredEmployeeId: number | null;
  isLost: boolean;
  isTransfer: boolean;
  waitDurationS: number;
  talkDurationS: number;
  totalDurationS: number;
  recordings: Array<{ id: string; url: string; durationS: number; delayAfterHangupS: number }>;
  attribution: Record<string, string | null>;
}

export interface ChatTruth {
  kind: ChatScenario;
  chatId: number | null;
  offlineMessageId: number | null;
  communicationId: number;
  status: string;
  visitorId: number;
  visitorPhoneNumber: string | null;
  employeeId: number | null;
  messages: Array<{ id: number; source: string; text: string }>;
  releaseCause: string | null;
  attribution: Record<string, string | null>;
}

export type Truth = CallTruth | ChatTruth;

export interface PlannedCommunication {
  truth: Truth;
  events: PlannedEvent[];
  /** Runs when the communication starts (rows appear in the Data API). */
  begin: () => void;
}

export interface DeliveryRecord {
  seq: number;
  communicationKey: string;
  eventKey: SimEventKey;
  duplicate: boolean;
  request: RenderedRequest;
  scheduledAt: number;
  sentAt: number | null;
  /** When the response's status arrived (wall clock ms). */
  answeredAt: number | null;
  status: number | null;
  error: string | null;
}
