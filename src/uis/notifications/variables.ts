// UIS notification variables ({{name}} placeholders), with the JSON shape UIS substitutes for each.
// Source: reference/uis-api.md §1.4 (third-party templates cross-checked). The shape drives both the
// parser (how to coerce) and the test/simulator value generators.

export type UisVariableShape =
  | 'string' // JSON string
  | 'integer' // bare number (ids, counters)
  | 'seconds' // bare number of seconds
  | 'datetime' // JSON string "YYYY-MM-DD hh:mm:ss" in the account time zone
  | 'unixtime' // bare number, seconds since epoch
  | 'boolean' // bare true/false
  | 'integer[]' // JSON array of numbers
  | 'string[]'; // JSON array of strings

export const UIS_VARIABLES = {
  notification_mnemonic: 'string',
  notification_name: 'string',
  notification_time: 'datetime',
  notification_timestamp: 'unixtime',
  app_id: 'integer',
  call_session_id: 'integer',
  communication_id: 'integer',
  communication_type: 'string',
  communication_number: 'integer',
  virtual_phone_number: 'string',
  contact_phone_number: 'string',
  calling_phone_number: 'string',
  called_phone_number: 'string',
  contact_id: 'integer',
  contact_full_name: 'string',
  contact_group_ids: 'integer[]',
  direction: 'string',
  call_source: 'string',
  is_internal: 'boolean',
  is_lost: 'boolean',
  external_id: 'string',
  start_time: 'datetime',
  scenario_id: 'integer',
  scenario_name: 'string',
  employee_id: 'integer',
  employee_full_name: 'string',
  employee_phone_number: 'string',
  extension_phone_number: 'string',
  employee_ids: 'integer[]',
  leg_id: 'integer',
  leg_ids: 'integer[]',
  talk_time_duration: 'seconds',
  total_time_duration: 'seconds',
  wait_time_duration: 'seconds',
  tag_ids: 'integer[]',
  tag_names: 'string[]',
  file_link: 'string',
  file_duration: 'seconds',
  cpn_region_id: 'integer',
  cpn_region_name: 'string',
  visitor_country: 'string',
  attributes: 'string[]',
  tp_project: 'string',
  call_status: 'string',
  campaign_name: 'string',
} as const satisfies Record<string, UisVariableShape>;

export type UisVariableName = keyof typeof UIS_VARIABLES;

export function isUisVariableName(name: string): name is UisVariableName {
  return Object.prototype.hasOwnProperty.call(UIS_VARIABLES, name);
}

/** A value as UIS holds it before substitution (what `renderLikeUis` receives). */
export type UisValue = string | number | boolean | null | readonly UisValue[];
