// Dates and labels in Russian.
const dateTime = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeWithSeconds = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const formatDate = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');
export const formatMoment = (iso: string) => timeWithSeconds.format(new Date(iso));

export const ROLE_LABELS = { owner: 'Владелец', member: 'Участник' } as const;

const rub = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB', maximumFractionDigits: 2 });
/** Money from kopecks. */
export const formatRub = (kopecks: number) => rub.format(kopecks / 100);

/** «2 ч 5 мин», «40 с»: a duration for ETAs and time in a stage. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} с`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} мин`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} ч ${m % 60} мин`;
  return `${Math.floor(h / 24)} дн ${h % 24} ч`;
}
