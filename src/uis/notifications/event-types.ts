// The one table of UIS call-notification event types we subscribe to. Templates, the simulator and
// the parser are all derived from it. Variable lists follow reference/uis-api.md §1.3–1.4: what is
// documented (or seen in published templates) for each LK event type, nothing invented.
import type { UisVariableName } from './variables.ts';

export const UIS_EVENT_KEYS = [
  'call-start',
  'ringing',
  'talk-start',
  'talk-end',
  'call-end',
  'lost',
  'outgoing',
  'outgoing-leg',
  'recording',
] as const;

/** Our event key: the last segment of /hooks/uis/{secret}/{event}; also UisCallEvent.kind. */
export type UisEventKey = (typeof UIS_EVENT_KEYS)[number];

export interface UisEventTypeDefinition {
  readonly key: UisEventKey;
  /** "Тип события" exactly as the UIS personal account shows it. */
  readonly lkName: string;
  /** The English label of the CallGear/UIS LK, where known. */
  readonly lkNameEn: string | null;
  /** Variables UIS carries for this event type, in template order. */
  readonly variables: readonly UisVariableName[];
}

const HEAD = ['notification_name', 'notification_mnemonic', 'notification_time', 'call_session_id'] as const;

export const UIS_EVENT_TYPES: readonly UisEventTypeDefinition[] = [
  {
    key: 'call-start',
    lkName: 'Входящий звонок на виртуальный номер',
    lkNameEn: 'Inbound call on a virtual phone number',
    variables: [
      ...HEAD,
      'virtual_phone_number',
      'contact_phone_number',
      'communication_number',
      'contact_id',
      'contact_full_name',
      'scenario_id',
      'scenario_name',
    ],
  },
  {
    key: 'ringing',
    lkName: 'Ожидание ответа',
    lkNameEn: 'Waiting for the answer',
    variables: [
      ...HEAD,
      'virtual_phone_number',
      'contact_phone_number',
      'contact_id',
      'direction',
      'call_source',
      'external_id',
      'employee_id',
      'employee_full_name',
      'leg_id',
    ],
  },
  {
    key: 'talk-start',
    lkName: 'Начало разговора',
    lkNameEn: 'Talk started',
    variables: [
      ...HEAD,
      'virtual_phone_number',
      'contact_phone_number',
      'contact_id',
      'direction',
      'call_source',
      'external_id',
      'employee_id',
      'employee_full_name',
      'leg_ids',
    ],
  },
  {
    key: 'talk-end',
    lkName: 'Окончание разговора',
    lkNameEn: 'Talk finished',
    variables: [
      ...HEAD,
      'virtual_phone_number',
      'contact_phone_number',
      'communication_number',
      'direction',
      'call_source',
      'external_id',
      'scenario_name',
      'employee_id',
      'employee_full_name',
      'talk_time_duration',
      'leg_ids',
    ],
  },
  {
    key: 'call-end',
    lkName: 'Завершение звонка',
    lkNameEn: 'Call finished',
    variables: [
      ...HEAD,
      'notification_timestamp',
      'app_id',
      'communication_id',
      'communication_type',
      'communication_number',
      'virtual_phone_number',
      'contact_phone_number',
      'calling_phone_number',
      'called_phone_number',
      'contact_id',
      'contact_full_name',
      'direction',
      'call_source',
      'is_internal',
      'external_id',
      'start_time',
      'scenario_id',
      'scenario_name',
      'employee_id',
      'employee_full_name',
      'extension_phone_number',
      'talk_time_duration',
      'total_time_duration',
      'wait_time_duration',
      'tag_ids',
      'tag_names',
      'cpn_region_id',
      'cpn_region_name',
      'visitor_country',
      'attributes',
      'tp_project',
    ],
  },
  {
    key: 'lost',
    lkName: 'Потерянный звонок',
    lkNameEn: 'Lost call',
    variables: [
      ...HEAD,
      'virtual_phone_number',
      'contact_phone_number',
      'communication_number',
      'contact_id',
      'contact_full_name',
      'scenario_id',
      'scenario_name',
      'employee_ids',
      'wait_time_duration',
    ],
  },
  {
    key: 'outgoing',
    lkName: 'Исходящий звонок',
    lkNameEn: 'Outbound call',
    variables: [
      ...HEAD,
      'virtual_phone_number',
      'contact_phone_number',
      'contact_id',
      'contact_full_name',
      'employee_id',
      'employee_full_name',
      'employee_phone_number',
    ],
  },
  {
    key: 'outgoing-leg',
    lkName: 'Исходящее плечо',
    lkNameEn: null,
    variables: [
      ...HEAD,
      'virtual_phone_number',
      'contact_phone_number',
      'calling_phone_number',
      'called_phone_number',
      'direction',
      'call_source',
      'start_time',
      'employee_id',
      'employee_full_name',
    ],
  },
  {
    key: 'recording',
    lkName: 'Записанный разговор',
    lkNameEn: 'Call recording completed',
    variables: [
      ...HEAD,
      'virtual_phone_number',
      'contact_phone_number',
      'communication_number',
      'contact_id',
      'contact_full_name',
      'scenario_name',
      'employee_id',
      'employee_full_name',
      'extension_phone_number',
      'file_link',
      'file_duration',
      'tag_ids',
      'tag_names',
    ],
  },
];

const BY_KEY = new Map<string, UisEventTypeDefinition>(UIS_EVENT_TYPES.map((d) => [d.key, d]));

export function isUisEventKey(value: string): value is UisEventKey {
  return BY_KEY.has(value);
}

export function eventTypeDefinition(key: UisEventKey): UisEventTypeDefinition {
  const def = BY_KEY.get(key);
  if (!def) throw new Error(`unknown UIS event key ${key}`);
  return def;
}
