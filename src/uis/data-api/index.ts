export {
  createUisDataApiClient,
  UIS_DATA_API_URL,
  UIS_MAX_LIMIT,
  UIS_MAX_OFFSET,
  UIS_REPORT_WINDOW,
  UIS_CHAT_MESSAGES_WINDOW,
} from './data-api-client.ts';
export type {
  UisDataApiClient,
  UisDataApiClientOptions,
  UisFilter,
  UisFilterOperator,
  UisReportQuery,
  UisDatedQuery,
  UisChatMessagesQuery,
  UisPage,
} from './data-api-client.ts';
export type {
  UisEmployee,
  UisCallsReportRow,
  UisChatsReportRow,
  UisChatMessagesReportRow,
  UisOfflineMessagesReportRow,
} from './report-schemas.ts';
export { toCallEnrichment, CALL_ENRICHMENT_FIELDS } from './call-enrichment.ts';
export type { UisCallEnrichment } from './call-enrichment.ts';
export { uisTalkRecordingUrl, uisFullRecordingUrl } from './recording-urls.ts';
export type { UisRecordingHosts } from './recording-urls.ts';
export {
  toUisDateTime,
  addMonthsNaive,
  splitReportWindows,
  isUisDateTime,
} from './report-dates.ts';
export type { ReportWindowLimit } from './report-dates.ts';
// The error class is shared with the Call API.
export { UisApiError, isUisApiError } from '../call-api/index.ts';
export type { UisLimits } from '../call-api/index.ts';
