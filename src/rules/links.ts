// Links to MoySklad objects for the activity log. MoySklad returns the UI link in `meta.uuidHref`
// (documented example: counterparty → https://online.moysklad.ru/app/#company/edit?id=<uuid>); we
// use it whenever a response carried it. The fallback paths for other types follow the same
// pattern and are an inference ([INF]: only the counterparty form is documented).
import type { ActivityLink } from '../activity/index.ts';

const UI_BASE = 'https://online.moysklad.ru/app/';
const UI_PAGE: Record<string, string> = { counterparty: 'company', customerorder: 'customerorder', task: 'purchasetask' };

export function msUiLink(type: string, id: string, meta?: { uuidHref?: string | undefined }): string {
  if (meta?.uuidHref) return meta.uuidHref;
  return `${UI_BASE}#${UI_PAGE[type] ?? type}/edit?id=${id}`;
}

export function linkTo(type: string, id: string, title: string, meta?: { uuidHref?: string | undefined }): ActivityLink {
  return { title, url: msUiLink(type, id, meta), type, id };
}
