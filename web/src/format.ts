// Dates and labels in Russian.
const dateTime = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeWithSeconds = new Intl.DateTimeFormat('ru-RU', { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const formatDate = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');
export const formatMoment = (iso: string) => timeWithSeconds.format(new Date(iso));

export const ROLE_LABELS = { owner: 'Владелец', member: 'Участник' } as const;
