// The exact notifications a user creates in UIS ("Уведомления" → "Добавить") for one integration.
import { UIS_EVENT_TYPES, type UisEventKey, type UisEventTypeDefinition } from './event-types.ts';

export interface UisNotificationTemplate {
  readonly eventKey: UisEventKey;
  /** "Тип события" to pick in the LK. */
  readonly eventType: string;
  /** Suggested "Название уведомления" (free text; we never route on it). */
  readonly name: string;
  readonly method: 'POST';
  readonly url: string;
  /** Body template: JSON with unquoted placeholders, as UIS expects. */
  readonly bodyTemplate: string;
}

/** `"var": {{var}}` per variable — UIS quotes string values itself. */
export function bodyTemplateFor(def: UisEventTypeDefinition): string {
  const lines = def.variables.map((v) => `  "${v}": {{${v}}}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/**
 * @param baseHookUrl the integration's intake base, e.g. `https://host/hooks/uis/<secret>`;
 *   each event gets `<base>/<eventKey>`.
 */
export function notificationTemplatesFor(baseHookUrl: string): UisNotificationTemplate[] {
  const base = baseHookUrl.replace(/\/+$/, '');
  return UIS_EVENT_TYPES.map((def) => ({
    eventKey: def.key,
    eventType: def.lkName,
    name: `МойСклад: ${def.lkName}`,
    method: 'POST' as const,
    url: `${base}/${def.key}`,
    bodyTemplate: bodyTemplateFor(def),
  }));
}
