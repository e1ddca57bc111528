// Public API of the UIS module: plain re-exports only.
export * from './notifications/index.ts';
// UIS Call API and Data API clients.
export * from './call-api/index.ts';
export {
  createUisDataApiClient,
  UIS_DATA_API_URL,
  UIS_MAX_LIMIT,
  UIS_MAX_OFFSET,
  UIS_REPORT_WINDOW,
  UIS_CHAT_MESSAGES_WINDOW,
  toCallEnrichment,
  CALL_ENRICHMENT_FIELDS,
  uisTalkRecordingUrl,
  uisFullRecordingUrl,
  toUisDateTime,
  addMonthsNaive,
  splitReportWindows,
  isUisDateTime,
} from './data-api/index.ts';
export type {
  UisDataApiClient,
  UisDataApiClientOptions,
  UisFilter,
  UisFilterOperator,
  UisReportQuery,
  UisDatedQuery,
  UisChatMessagesQuery,
  UisPage,
  UisEmployee,
  UisCallsReportRow,
  UisChatsReportRow,
  UisChatMessagesReportRow,
  UisOfflineMessagesReportRow,
  UisCallEnrichment,
  UisRecordingHosts,
  ReportWindowLimit,
} from './data-api/index.ts';
