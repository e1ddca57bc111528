import { z } from 'zod';
import { callUisJsonRpc, UisApiError, type UisJsonRpcOptions, type UisLimits } from '../call-api/index.ts';
import { bisectWindow, splitReportWindows, toUisDateTime, addMonthsNaive, addSecondsNaive, type ReportWindowLimit } from './report-dates.ts';
import { formatUisDateTime } from '../notifications/uis-time.ts';
import {
  callsReportRowSchema,
  chatMessagesReportRowSchema,
  chatsReportRowSchema,
  employeeSchema,
  offlineMessagesReportRowSchema,
  type UisCallsReportRow,
  type UisChatMessagesReportRow,
  type UisChatsReportRow,
  type UisEmployee,
  type UisOfflineMessagesReportRow,
} from './report-schemas.ts';
import { CALL_ENRICHMENT_FIELDS, toCallEnrichment, type UisCallEnrichment } from './call-enrichment.ts';
import type { UisRecordingHosts } from './recording-urls.ts';
import type { FetchLike } from '../../net/index.ts';

export const UIS_DATA_API_URL = 'https://dataapi.uiscom.ru/v2.0';
/** UIS paging bounds: `limit` ≤ 10 000, `offset` ≤ 100 000. */
export const UIS_MAX_LIMIT = 10_000;
export const UIS_MAX_OFFSET = 100_000;
export const UIS_REPORT_WINDOW: ReportWindowLimit = { months: 3 };
export const UIS_CHAT_MESSAGES_WINDOW: ReportWindowLimit = { days: 30 };

export type UisFilterOperator = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'like' | 'regexp' | 'jsquery' | 'in';
export type UisFilter =
  | { field: string; operator: UisFilterOperator; value: unknown }
  | { filters: UisFilter[]; condition: 'and' | 'or' };

export interface UisReportQuery {
  fields?: readonly string[];
  filter?: UisFilter;
  sort?: Array<{ field: string; order: 'asc' | 'desc' }>;
  limit?: number;
  offset?: number;
}

export interface UisDatedQuery extends UisReportQuery {
  /** "YYYY-MM-DD hh:mm:ss" in the account time zone, or an instant converted with `timeZone`. */
  dateFrom: string | Date;
  dateTill: string | Date;
}

export interface UisChatMessagesQuery extends UisReportQuery {
  chatId?: number;
  chatIds?: number[];
  dateFrom?: string | Date;
  dateTill?: string | Date;
}

export interface UisPage<T> {
  rows: T[];
  totalItems: number;
  limits: UisLimits | null;
}

export interface UisDataApiClientOptions extends UisRecordingHosts {
  /** Default: production UIS host. Point at the sandbox's `dataApiUrl` in tests. */
  baseUrl?: string;
  accessToken: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Agents (partners) act for a client user. */
  userId?: number;
  /** Account time zone (get.account.timezone) used to format Date arguments. Default Europe/Moscow. */
  timeZone?: string;
  /** Page size for the `*All` helpers; default 10 000 (the UIS maximum). */
  pageSize?: number;
  onLimits?: (limits: UisLimits, method: string) => void;
}

export interface UisDataApiClient {
  readonly lastLimits: UisLimits | null;
  getEmployees(q?: UisReportQuery): Promise<UisPage<UisEmployee>>;
  /** Every employee, paging until `total_items`. */
  getAllEmployees(q?: Omit<UisReportQuery, 'limit' | 'offset'>): Promise<UisEmployee[]>;
  getCallsReport(q: UisDatedQuery): Promise<UisPage<UisCallsReportRow>>;
  /** Splits the period into ≤ 3-month windows and pages each to `total_items`. */
  getAllCallsReport(q: Omit<UisDatedQuery, 'limit' | 'offset'>): Promise<UisCallsReportRow[]>;
  /** One call session by id (searching the last 3 months unless a window is given). */
  getCallSession(callSessionId: number, window?: { dateFrom: string | Date; dateTill: string | Date }): Promise<UisCallsReportRow | null>;
  /** UTM, campaign, site, search query, referrer, visitor region/device and recording URLs for a call session. */
  getCallEnrichment(callSessionId: number, window?: { dateFrom: string | Date; dateTill: string | Date }): Promise<UisCallEnrichment | null>;
  getChatsReport(q: UisDatedQuery): Promise<UisPage<UisChatsReportRow>>;
  getAllChatsReport(q: Omit<UisDatedQuery, 'limit' | 'offset'>): Promise<UisChatsReportRow[]>;
  getChatMessagesReport(q: UisChatMessagesQuery): Promise<UisPage<UisChatMessagesReportRow>>;
  /** All messages; a date period is split into ≤ 30-day windows. */
  getAllChatMessages(q: Omit<UisChatMessagesQuery, 'limit' | 'offset'>): Promise<UisChatMessagesReportRow[]>;
  getOfflineMessagesReport(q: UisDatedQuery): Promise<UisPage<UisOfflineMessagesReportRow>>;
  getAllOfflineMessagesReport(q: Omit<UisDatedQuery, 'limit' | 'offset'>): Promise<UisOfflineMessagesReportRow[]>;
}

export function createUisDataApiClient(opts: UisDataApiClientOptions): UisDataApiClient {
  let lastLimits: UisLimits | null = null;
  const pageSize = Math.min(opts.pageSize ?? UIS_MAX_LIMIT, UIS_MAX_LIMIT);
  const rpc: UisJsonRpcOptions = {
    api: 'data',
    baseUrl: opts.baseUrl ?? UIS_DATA_API_URL,
    accessToken: opts.accessToken,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    onLimits: (limits, method) => {
      lastLimits = limits;
      opts.onLimits?.(limits, method);
    },
  };
  const date = (v: string | Date) => toUisDateTime(v, opts.timeZone);

  function baseParams(q: UisReportQuery): Record<string, unknown> {
    const p: Record<string, unknown> = {};
    if (opts.userId !== undefined) p.user_id = opts.userId;
    if (q.fields) p.fields = [...q.fields];
    if (q.filter) p.filter = q.filter;
    if (q.sort) p.sort = q.sort;
    if (q.limit !== undefined) p.limit = q.limit;
    if (q.offset !== undefined) p.offset = q.offset;
    return p;
  }

  async function page<S extends z.ZodType>(method: string, params: Record<string, unknown>, rowSchema: S): Promise<UisPage<z.infer<S>>> {
    const { data, meta } = await callUisJsonRpc(rpc, method, params, z.array(rowSchema));
    return { rows: data, totalItems: meta.totalItems ?? data.length, limits: meta.limits };
  }

  /** Pages one request shape to `total_items` (never stopping on a short page). */
  async function pageAll<S extends z.ZodType>(
    method: string,
    params: Record<string, unknown>,
    rowSchema: S,
    onTooMany?: () => Promise<Array<z.infer<S>>> | null,
  ): Promise<Array<z.infer<S>>> {
    const rows: Array<z.infer<S>> = [];
    let offset = 0;
    for (;;) {
      const p = await page(method, { ...params, limit: pageSize, offset }, rowSchema);
      if (offset === 0 && p.totalItems > UIS_MAX_OFFSET + pageSize) {
        const split = onTooMany?.();
        if (split) return split;
        throw new UisApiError({
          api: 'data',
          method,
          mnemonic: 'invalid_parameter_value',
          code: null,
          field: 'offset',
          uisMessage: `${p.totalItems} rows exceed what UIS lets us page through (offset ≤ ${UIS_MAX_OFFSET}); narrow the query`,
        });
      }
      rows.push(...p.rows);
      offset += p.rows.length;
      if (p.rows.length === 0 || offset >= p.totalItems) return rows;
    }
  }

  async function datedAll<S extends z.ZodType>(
    method: string,
    q: Omit<UisDatedQuery, 'limit' | 'offset'>,
    rowSchema: S,
    limit: ReportWindowLimit,
  ): Promise<Array<z.infer<S>>> {
    const windowRows = async (from: string, till: string): Promise<Array<z.infer<S>>> =>
      pageAll(method, { ...baseParams(q), date_from: from, date_till: till }, rowSchema, () => {
        const halves = bisectWindow(from, till);
        if (!halves) return null;
        return (async () => [...(await windowRows(halves[0].from, halves[0].till)), ...(await windowRows(halves[1].from, halves[1].till))])();
      });
    const out: Array<z.infer<S>> = [];
    for (const w of splitReportWindows(date(q.dateFrom), date(q.dateTill), limit)) out.push(...(await windowRows(w.from, w.till)));
    return out;
  }

  function lastThreeMonths(): { from: string; till: string } {
    const till = formatUisDateTime(new Date(), opts.timeZone);
    // One second inside the limit: UIS rejects an interval longer than 3 months.
    return { from: addSecondsNaive(addMonthsNaive(till, -3), 1), till };
  }

  const client: UisDataApiClient = {
    get lastLimits() {
      return lastLimits;
    },
    getEmployees: (q = {}) => page('get.employees', baseParams(q), employeeSchema),
    getAllEmployees: (q = {}) => pageAll('get.employees', baseParams(q), employeeSchema),
    getCallsReport: (q) =>
      page('get.calls_report', { ...baseParams(q), date_from: date(q.dateFrom), date_till: date(q.dateTill) }, callsReportRowSchema),
    getAllCallsReport: (q) => datedAll('get.calls_report', q, callsReportRowSchema, UIS_REPORT_WINDOW),
    async getCallSession(callSessionId, window) {
      const w = window ? { from: date(window.dateFrom), till: date(window.dateTill) } : lastThreeMonths();
      const p = await page(
        'get.calls_report',
        {
          ...baseParams({ filter: { field: 'id', operator: '=', value: callSessionId }, fields: CALL_ENRICHMENT_FIELDS, limit: 1 }),
          date_from: w.from,
          date_till: w.till,
          include_ongoing_calls: true,
        },
        callsReportRowSchema,
      );
      return p.rows[0] ?? null;
    },
    async getCallEnrichment(callSessionId, window) {
      const row = await client.getCallSession(callSessionId, window);
      return row ? toCallEnrichment(row, opts) : null;
    },
    getChatsReport: (q) =>
      page('get.chats_report', { ...baseParams(q), date_from: date(q.dateFrom), date_till: date(q.dateTill) }, chatsReportRowSchema),
    getAllChatsReport: (q) => datedAll('get.chats_report', q, chatsReportRowSchema, UIS_REPORT_WINDOW),
    getChatMessagesReport: (q) => page('get.chat_messages_report', chatMessagesParams(q), chatMessagesReportRowSchema),
    async getAllChatMessages(q) {
      if (q.dateFrom !== undefined && q.dateTill !== undefined) {
        return datedAll('get.chat_messages_report', { ...q, dateFrom: q.dateFrom, dateTill: q.dateTill }, chatMessagesReportRowSchema, UIS_CHAT_MESSAGES_WINDOW).then(
          (rows) => (q.chatId !== undefined || q.chatIds ? rows.filter((r) => (q.chatIds ?? [q.chatId]).includes(r.chat_id)) : rows),
        );
      }
      return pageAll('get.chat_messages_report', chatMessagesParams(q), chatMessagesReportRowSchema);
    },
    getOfflineMessagesReport: (q) =>
      page(
        'get.offline_messages_report',
        { ...baseParams(q), date_from: date(q.dateFrom), date_till: date(q.dateTill) },
        offlineMessagesReportRowSchema,
      ),
    getAllOfflineMessagesReport: (q) => datedAll('get.offline_messages_report', q, offlineMessagesReportRowSchema, UIS_REPORT_WINDOW),
  };

  function chatMessagesParams(q: UisChatMessagesQuery): Record<string, unknown> {
    const p = baseParams(q);
    if (q.chatId !== undefined) p.chat_id = q.chatId;
    if (q.chatIds) p.chat_ids = q.chatIds;
    if (q.dateFrom !== undefined) p.date_from = date(q.dateFrom);
    if (q.dateTill !== undefined) p.date_till = date(q.dateTill);
    return p;
  }

  return client;
}
