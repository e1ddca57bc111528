// Data API v2.0 methods the connector uses, over the in-memory account.
import { addMonthsNaive, isUisDateTime } from '../../uis/data-api/index.ts';
import { rpcErrors, UisRpcError } from './rpc-error.ts';
import { runReportQuery } from './report-query.ts';
import type { UisSandboxState } from './state.ts';

type Params = Record<string, unknown>;
export interface MethodResult {
  data: unknown;
  totalItems?: number;
}

const GET_PARAMS = ['access_token', 'user_id', 'limit', 'offset', 'filter', 'fields', 'sort'];
const DATED = [...GET_PARAMS, 'date_from', 'date_till'];

function checkParams(params: Params, allowed: string[]): void {
  for (const k of Object.keys(params)) if (!allowed.includes(k)) throw rpcErrors.unexpected(k);
}

function dateParam(params: Params, name: 'date_from' | 'date_till'): string {
  const v = params[name];
  if (v === undefined || v === null) throw rpcErrors.required(name);
  if (typeof v !== 'string') throw rpcErrors.dataType(name, v, 'string');
  if (!isUisDateTime(v)) throw rpcErrors.invalidValue(name, v, 'expected YYYY-MM-DD hh:mm:ss');
  return v;
}

/** The 3-month rule (chat messages: 30 days). */
function period(params: Params, maxDays?: number): { from: string; till: string } {
  const from = dateParam(params, 'date_from');
  const till = dateParam(params, 'date_till');
  if (till < from) throw rpcErrors.invalidValue('date_till', till, 'date_till is earlier than date_from');
  const limit = maxDays === undefined ? addMonthsNaive(from, 3) : naivePlusDays(from, maxDays);
  if (till > limit) {
    if (maxDays === undefined) throw rpcErrors.dateInterval();
    throw new UisRpcError(-32602, 'date_interval_limit_reached', `Date interval limit reached: the period must not exceed ${maxDays} days`, 'date_till');
  }
  return { from, till };
}

function naivePlusDays(s: string, days: number): string {
  const ms = Date.parse(s.replace(' ', 'T') + 'Z') + days * 86_400_000;
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

const within = (t: unknown, p: { from: string; till: string }) => typeof t === 'string' && t >= p.from && t <= p.till;

export function runDataApiMethod(state: UisSandboxState, method: string, params: Params): MethodResult {
  switch (method) {
    case 'get.account':
      checkParams(params, ['access_token', 'user_id']);
      return { data: [{ app_id: state.appId, name: 'Sandbox shop', timezone: state.timeZone }] };
    case 'get.employees': {
      checkParams(params, GET_PARAMS);
      const all = [...state.employees.values()].sort((a, b) => a.id - b.id).map((e) => state.employeeRow(e));
      const r = runReportQuery(all, params);
      return { data: r.rows, totalItems: r.total };
    }
    case 'get.calls_report': {
      checkParams(params, [...DATED, 'include_ongoing_calls']);
      const p = period(params);
      const ongoing = params.include_ongoing_calls === true;
      const all = [...state.calls.values()].filter((c) => within(c.start_time, p) && (ongoing || !state.ongoingCalls.has(c.id)));
      const r = runReportQuery(all, params);
      return { data: r.rows, totalItems: r.total };
    }
    case 'get.chats_report': {
      checkParams(params, DATED);
      const p = period(params);
      const r = runReportQuery([...state.chats.values()].filter((c) => within(c.date_time, p)), params);
      return { data: r.rows, totalItems: r.total };
    }
    case 'get.chat_messages_report': {
      checkParams(params, [...DATED, 'chat_id', 'chat_ids']);
      const hasDates = params.date_from !== undefined || params.date_till !== undefined;
      if (params.chat_id === undefined && params.chat_ids === undefined && !hasDates) throw rpcErrors.required('chat_id');
      let rows = state.chatMessages;
      if (params.chat_id !== undefined) {
        if (typeof params.chat_id !== 'number') throw rpcErrors.dataType('chat_id', params.chat_id, 'integer');
        rows = rows.filter((m) => m.chat_id === params.chat_id);
      }
      if (params.chat_ids !== undefined) {
        if (!Array.isArray(params.chat_ids)) throw rpcErrors.dataType('chat_ids', params.chat_ids, 'array');
        const ids = params.chat_ids as unknown[];
        rows = rows.filter((m) => ids.includes(m.chat_id));
      }
      if (hasDates) {
        const p = period(params, 30);
        rows = rows.filter((m) => within(m.date_time, p));
      }
      const r = runReportQuery(rows, params);
      return { data: r.rows, totalItems: r.total };
    }
    case 'get.offline_messages_report': {
      checkParams(params, [...DATED, 'include_tech_offline_messages']);
      const p = period(params);
      const r = runReportQuery([...state.offlineMessages.values()].filter((c) => within(c.date_time, p)), params);
      return { data: r.rows, totalItems: r.total };
    }
    default:
      throw rpcErrors.methodNotFound(method);
  }
}
