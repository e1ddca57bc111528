// get.calls_report returns recording ids, not URLs; these are the documented URL shapes.

export interface UisRecordingHosts {
  /** Playback host, default https://app.uiscom.ru */
  appBaseUrl?: string;
  /** Merged-file host, default https://media.uiscom.ru */
  mediaBaseUrl?: string;
}

const trim = (u: string) => u.replace(/\/+$/, '');

export function uisTalkRecordingUrl(communicationId: number | string, recordId: string, hosts: UisRecordingHosts = {}): string {
  return `${trim(hosts.appBaseUrl ?? 'https://app.uiscom.ru')}/system/media/talk/${communicationId}/${recordId}/`;
}

export function uisFullRecordingUrl(communicationId: number | string, recordId: string, hosts: UisRecordingHosts = {}): string {
  return `${trim(hosts.mediaBaseUrl ?? 'https://media.uiscom.ru')}/${communicationId}/${recordId}`;
}
