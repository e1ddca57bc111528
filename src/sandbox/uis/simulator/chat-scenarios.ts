// Chat scenarios: a chat with messages, a lost chat, an offline request ("заявка"). Rows go to the
// Data API reports; events are Chat API adapter callbacks (field names as in the Data API reports).
import { formatUisDateTime } from '../../../uis/index.ts';
import type { UisChatsReportRow, UisOfflineMessagesReportRow } from '../../../uis/data-api/index.ts';
import { randomAttribution, randomContactNumber } from './attribution.ts';
import type { ScenarioWorld } from './call-scenarios.ts';
import type { ChatScenario, ChatTruth, PlannedCommunication, PlannedEvent, SimVars } from './types.ts';

const VISITOR_LINES = ['Здравствуйте! Есть ли в наличии перфоратор?', 'Сколько стоит доставка?', 'Спасибо, оформляю заказ'];
const OPERATOR_LINES = ['Добрый день! Да, есть на складе.', 'Доставка по Москве — 300 ₽.', 'Отлично, ждём заказ!'];
const CHANNELS = [
  { id: 11, type: 'comagic', name: 'Чат на сайте' },
  { id: 12, type: 'telegram', name: 'Telegram' },
  { id: 13, type: 'whatsapp', name: 'WhatsApp' },
] as const;

export function planChat(world: ScenarioWorld, kind: ChatScenario): PlannedCommunication {
  const { rng, state } = world;
  const startMs = world.now();
  const at = (s: number) => formatUisDateTime(new Date(startMs + s * 1000), state.timeZone);
  const communicationId = state.nextId('communication');
  const visitorId = state.nextId('contact');
  const phone = rng.chance(0.7) ? randomContactNumber(rng) : null;
  const attribution = randomAttribution(rng);
  const attr = Object.fromEntries(Object.entries(attribution));
  const events: PlannedEvent[] = [];

  if (kind === 'offline_request') {
    const id = state.nextId('offline');
    const row: UisOfflineMessagesReportRow & Record<string, unknown> = {
      id,
      date_time: at(0),
      text: 'Перезвоните мне, пожалуйста, по поводу заказа',
      communication_id: communicationId,
      communication_number: 1,
      communication_type: 'offline_message',
      communication_page_url: attribution.entrance_page ?? null,
      is_agree_to_process_personal_data: true,
      is_agree_to_mailing: false,
      status: 'not_processed',
      process_time: null,
      form_type: 'Standard',
      form_name: 'Обратный звонок',
      group_id: null,
      group_name: null,
      employee_id: null,
      employee_full_name: null,
      employee_answer_message: null,
      employee_comment: null,
      visitor_phone_number: phone ?? randomContactNumber(rng),
      visitor_email: `visitor${visitorId}@mail.example`,
      visitor_name: 'Пётр',
      visitor_id: visitorId,
      ...attr,
    };
    events.push({ eventKey: 'offline-message', delayMs: 0, vars: { ...row } as SimVars });
    const truth: ChatTruth = {
      kind, chatId: null, offlineMessageId: id, communicationId, status: 'not_processed', visitorId,
      visitorPhoneNumber: row.visitor_phone_number ?? null, employeeId: null, messages: [], releaseCause: null, attribution,
    };
    return { truth, events, begin: () => state.offlineMessages.set(id, row) };
  }

  const chatId = state.nextId('chat');
  const channel = rng.pick(CHANNELS);
  const lost = kind === 'chat_lost';
  const employee = lost ? null : rng.pick([...state.employees.values()]);
  const base: SimVars = {
    chat_id: chatId,
    channel_id: channel.id,
    channel_type: channel.type,
    visitor_id: visitorId,
    visitor_phone_number: phone,
  };
  const messages: ChatTruth['messages'] = [];
  const row: UisChatsReportRow & Record<string, unknown> = {
    id: chatId,
    status: 'active',
    initiator: 'visitor',
    date_time: at(0),
    duration: null,
    answer_time: null,
    communication_id: communicationId,
    communication_number: 1,
    communication_type: 'chat',
    communication_page_url: attribution.entrance_page ?? null,
    chat_channel_id: channel.id,
    chat_channel_type: channel.type,
    chat_channel_name: channel.name,
    messages_count: 0,
    is_transfer: false,
    release_cause: null,
    employee_id: employee?.id ?? null,
    employee_full_name: employee?.full_name ?? null,
    employee_messages_count: 0,
    visitor_phone_number: phone,
    visitor_id: visitorId,
    visitor_ids: [visitorId],
    ...attr,
  };
  events.push({ eventKey: 'chat-new', delayMs: 0, vars: { ...base, date_time: at(0), initiator: 'visitor', employee_id: employee?.id ?? null } });

  let t = 1;
  const turns = lost ? 1 : rng.int(2, 3);
  for (let i = 0; i < turns; i++) {
    const lines: Array<[string, string]> = [['visitor', VISITOR_LINES[i % VISITOR_LINES.length]!]];
    if (!lost) lines.push(['operator', OPERATOR_LINES[i % OPERATOR_LINES.length]!]);
    for (const [source, text] of lines) {
      const id = state.nextId('message');
      const time = at(t);
      const msg = {
        id,
        chat_id: chatId,
        channel_id: channel.id,
        channel_type: channel.type,
        date_time: time,
        is_group_chat: false,
        visitor_id: visitorId,
        text,
        source,
        resource: null,
        employee_id: source === 'operator' ? employee!.id : null,
        employee_full_name: source === 'operator' ? employee!.full_name : null,
      };
      messages.push({ id, source, text });
      events.push({
        eventKey: 'chat-message',
        delayMs: t * 1000,
        vars: { ...msg, status: 'delivered' },
        apply: () => {
          state.chatMessages.push(msg);
          row.messages_count = (row.messages_count ?? 0) + 1;
          if (source === 'operator') row.employee_messages_count = (row.employee_messages_count ?? 0) + 1;
          if (source === 'operator' && row.answer_time === null) row.answer_time = Math.round(t);
        },
      });
      t += rng.int(5, 30);
    }
  }
  const releaseCause = lost ? 'closed_by_timeout' : rng.pick(['closed_by_operator', 'closed_by_visitor']);
  const status = lost ? 'lost' : 'succeed';
  events.push({
    eventKey: 'chat-closed',
    delayMs: t * 1000,
    vars: { ...base, reason: releaseCause, employee_id: employee?.id ?? null },
    apply: () => {
      row.status = status;
      row.release_cause = releaseCause;
      row.duration = Math.round(t);
    },
  });
  const truth: ChatTruth = {
    kind, chatId, offlineMessageId: null, communicationId, status, visitorId, visitorPhoneNumber: phone,
    employeeId: employee?.id ?? null, messages, releaseCause, attribution,
  };
  return { truth, events, begin: () => state.chats.set(chatId, row) };
}
