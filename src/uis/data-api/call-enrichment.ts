import type { UisCallsReportRow } from './report-schemas.ts';
import { uisFullRecordingUrl, uisTalkRecordingUrl, type UisRecordingHosts } from './recording-urls.ts';

/** What a call session adds to the CRM beyond the notification: attribution and recordings. */
export interface UisCallEnrichment {
  callSessionId: number;
  communicationId: number | null;
  externalId: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null; term: string | null; content: string | null };
  campaignName: string | null;
  siteDomainName: string | null;
  searchQuery: string | null;
  searchEngine: string | null;
  referrer: string | null;
  referrerDomain: string | null;
  entrancePage: string | null;
  channel: string | null;
  visitorRegion: string | null;
  visitorCity: string | null;
  visitorCountry: string | null;
  visitorDevice: string | null;
  recordings: Array<{ id: string; url: string; fullUrl: string }>;
  row: UisCallsReportRow;
}

/** The fields to ask get.calls_report for when enriching a call. */
export const CALL_ENRICHMENT_FIELDS = [
  'id', 'start_time', 'finish_time', 'direction', 'source', 'is_lost', 'communication_id', 'contact_phone_number',
  'virtual_phone_number', 'talk_duration', 'total_duration', 'wait_duration', 'call_records', 'full_record_file_link',
  'employees', 'last_answered_employee_id', 'call_api_external_id', 'site_domain_name', 'campaign_name', 'search_query',
  'search_engine', 'referrer', 'referrer_domain', 'entrance_page', 'channel', 'visitor_region', 'visitor_city',
  'visitor_country', 'visitor_device', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
] as const;

export function toCallEnrichment(row: UisCallsReportRow, hosts: UisRecordingHosts = {}): UisCallEnrichment {
  const v = (x: string | null | undefined) => (x === undefined || x === '' ? null : x);
  const comm = row.communication_id ?? null;
  const recordIds = row.call_records ?? [];
  return {
    callSessionId: row.id,
    communicationId: comm,
    externalId: v(row.call_api_external_id),
    utm: {
      source: v(row.utm_source),
      medium: v(row.utm_medium),
      campaign: v(row.utm_campaign),
      term: v(row.utm_term),
      content: v(row.utm_content),
    },
    campaignName: v(row.campaign_name),
    siteDomainName: v(row.site_domain_name),
    searchQuery: v(row.search_query),
    searchEngine: v(row.search_engine),
    referrer: v(row.referrer),
    referrerDomain: v(row.referrer_domain),
    entrancePage: v(row.entrance_page),
    channel: v(row.channel),
    visitorRegion: v(row.visitor_region),
    visitorCity: v(row.visitor_city),
    visitorCountry: v(row.visitor_country),
    visitorDevice: v(row.visitor_device),
    // Without a communication id no URL can be built (the session id is only interchangeable [INF]).
    recordings: recordIds.map((id) => ({
      id,
      url: uisTalkRecordingUrl(comm ?? row.id, id, hosts),
      fullUrl: uisFullRecordingUrl(comm ?? row.id, id, hosts),
    })),
    row,
  };
}
