import { z } from 'zod';

// Every field is optional: callers choose `fields`, and UIS returns null for empty values.
const s = () => z.string().nullable().optional();
const n = () => z.number().nullable().optional();
const b = () => z.boolean().nullable().optional();
const idOrNull = () => z.union([z.number(), z.string()]).nullable().optional();

export const employeeSchema = z.looseObject({
  id: z.number(),
  login: s(),
  first_name: s(),
  last_name: s(),
  patronymic: s(),
  full_name: s(),
  email: s(),
  status: s(),
  status_id: n(),
  call_recording: s(),
  groups: z.array(z.looseObject({ group_id: n(), group_name: s() })).nullable().optional(),
  phone_numbers: z
    .array(
      z.looseObject({
        phone_id: n(),
        phone_number: z.string(),
        channels_count: n(),
        dial_time: n(),
        status: s(),
      }),
    )
    .nullable()
    .optional(),
  extension: z
    .looseObject({
      extension_phone_number: s(),
      extension_voice_mail_enabled: b(),
      extension_queue_enabled: b(),
    })
    .nullable()
    .optional(),
  operator: z
    .looseObject({
      operator_login: s(),
      operator_display_name: s(),
      operator_chat_enabled: b(),
    })
    .nullable()
    .optional(),
});
export type UisEmployee = z.infer<typeof employeeSchema>;

const tagsSchema = z
  .array(z.looseObject({ tag_id: n(), tag_name: s(), tag_type: s() }))
  .nullable()
  .optional();

/** Attribution fields shared by calls, chats and offline messages. */
const attribution = {
  site_id: n(),
  site_domain_name: s(),
  campaign_id: n(),
  campaign_name: s(),
  visitor_id: n(),
  person_id: n(),
  visitor_session_id: n(),
  visits_count: n(),
  visitor_city: s(),
  visitor_region: s(),
  visitor_country: s(),
  visitor_device: s(),
  search_query: s(),
  search_engine: s(),
  referrer_domain: s(),
  referrer: s(),
  entrance_page: s(),
  channel: s(),
  gclid: s(),
  yclid: s(),
  ymclid: s(),
  ua_client_id: s(),
  ym_client_id: s(),
  utm_source: s(),
  utm_medium: s(),
  utm_term: s(),
  utm_content: s(),
  utm_campaign: s(),
  tags: tagsSchema,
  attributes: z.array(z.string()).nullable().optional(),
  source_id: n(),
  source_name: s(),
  ext_id: s(),
};

export const callsReportRowSchema = z.looseObject({
  id: z.number(),
  start_time: s(),
  finish_time: s(),
  finish_reason: s(),
  direction: s(),
  source: s(),
  is_lost: b(),
  is_transfer: b(),
  communication_id: n(),
  communication_number: n(),
  communication_type: s(),
  communication_page_url: s(),
  contact_phone_number: s(),
  contact_id: n(),
  contact_full_name: s(),
  virtual_phone_number: s(),
  cpn_region_id: n(),
  cpn_region_name: s(),
  wait_duration: n(),
  total_wait_duration: n(),
  talk_duration: n(),
  clean_talk_duration: n(),
  total_duration: n(),
  call_records: z.array(z.string()).nullable().optional(),
  wav_call_records: z.array(z.string()).nullable().optional(),
  full_record_file_link: s(),
  voice_mail_records: z.array(z.string()).nullable().optional(),
  employees: z
    .array(z.looseObject({ employee_id: n(), employee_full_name: s(), is_answered: b(), is_talked: b() }))
    .nullable()
    .optional(),
  last_answered_employee_id: n(),
  last_answered_employee_full_name: s(),
  first_answered_employee_id: n(),
  first_answered_employee_full_name: s(),
  last_talked_employee_id: n(),
  last_talked_employee_full_name: s(),
  operator_phone_number: s(),
  scenario_id: n(),
  scenario_name: s(),
  call_api_request_id: idOrNull(),
  call_api_external_id: s(),
  ...attribution,
});
export type UisCallsReportRow = z.infer<typeof callsReportRowSchema>;

export const chatsReportRowSchema = z.looseObject({
  id: z.number(),
  status: s(),
  initiator: s(),
  date_time: s(),
  duration: n(),
  answer_time: n(),
  communication_id: n(),
  communication_number: n(),
  communication_type: s(),
  communication_page_url: s(),
  chat_channel_id: n(),
  chat_channel_type: s(),
  chat_channel_name: s(),
  chat_user_id: idOrNull(),
  chat_username: s(),
  messages_count: n(),
  is_transfer: b(),
  release_cause: s(),
  employee_id: n(),
  employee_full_name: s(),
  employee_messages_count: n(),
  visitor_phone_number: s(),
  visitor_ids: z.array(z.number()).nullable().optional(),
  ...attribution,
});
export type UisChatsReportRow = z.infer<typeof chatsReportRowSchema>;

export const chatMessagesReportRowSchema = z.looseObject({
  id: z.number(),
  chat_id: z.number(),
  channel_id: n(),
  channel_type: s(),
  date_time: s(),
  is_group_chat: b(),
  visitor_id: n(),
  text: s(),
  source: s(),
  resource: z
    .looseObject({ size: n(), type: s(), file_url: s(), file_name: s(), mime_type: s() })
    .nullable()
    .optional(),
  employee_id: n(),
  employee_full_name: s(),
});
export type UisChatMessagesReportRow = z.infer<typeof chatMessagesReportRowSchema>;

export const offlineMessagesReportRowSchema = z.looseObject({
  id: z.number(),
  date_time: s(),
  text: s(),
  communication_id: n(),
  communication_number: n(),
  communication_type: s(),
  communication_page_url: s(),
  is_agree_to_process_personal_data: b(),
  is_agree_to_mailing: b(),
  status: s(),
  process_time: s(),
  form_type: s(),
  form_name: s(),
  group_id: n(),
  group_name: s(),
  employee_id: n(),
  employee_full_name: s(),
  employee_answer_message: s(),
  employee_comment: s(),
  visitor_phone_number: s(),
  visitor_email: s(),
  visitor_name: s(),
  ...attribution,
});
export type UisOfflineMessagesReportRow = z.infer<typeof offlineMessagesReportRowSchema>;
