// The normalised, typed form of one UIS call notification. JSON-serialisable on purpose (ISO time
// strings, ids as strings) so it can be stored in the call-session state and in the inbox as is.
import { z } from 'zod';
import { UIS_EVENT_KEYS } from './event-types.ts';

const isoUtc = z.iso.datetime();
const id = z.string().min(1);
const text = z.string().min(1);
const seconds = z.number().nonnegative();

export const uisCallEventSchema = z.object({
  kind: z.enum(UIS_EVENT_KEYS),
  callSessionId: id,
  /** When UIS says the event happened (notification_timestamp, else notification_time), UTC. */
  occurredAt: isoUtc.optional(),
  /** Call start (start_time), UTC. */
  startedAt: isoUtc.optional(),
  notificationName: text.optional(),
  notificationMnemonic: text.optional(),
  direction: z.enum(['in', 'out']).optional(),
  callSource: text.optional(),
  /** Raw numbers as UIS sent them; normalisation is the phone module's job. */
  virtualPhoneNumber: text.optional(),
  contactPhoneNumber: text.optional(),
  callingPhoneNumber: text.optional(),
  calledPhoneNumber: text.optional(),
  contactId: id.optional(),
  contactFullName: text.optional(),
  employee: z
    .object({
      id: id.optional(),
      fullName: text.optional(),
      extension: text.optional(),
      phoneNumber: text.optional(),
    })
    .optional(),
  /** Employees UIS tried (lost call: employee_ids). */
  employeeIds: z.array(id),
  legIds: z.array(id),
  externalId: text.optional(),
  isInternal: z.boolean().optional(),
  isLost: z.boolean().optional(),
  talkDurationSec: seconds.optional(),
  waitDurationSec: seconds.optional(),
  totalDurationSec: seconds.optional(),
  recording: z.object({ url: text.optional(), durationSec: seconds.optional() }).optional(),
  tagIds: z.array(id),
  tagNames: z.array(text),
  communicationId: id.optional(),
  communicationNumber: z.number().int().nonnegative().optional(),
  communicationType: text.optional(),
  scenarioId: id.optional(),
  scenarioName: text.optional(),
  appId: id.optional(),
  regionName: text.optional(),
  visitorCountry: text.optional(),
  campaignName: text.optional(),
  siteDomainName: text.optional(),
  /** utm_* values where the template carried them (key without the utm_ prefix). */
  utm: z.record(z.string(), z.string()).optional(),
  attributes: z.array(text),
  /** Finish status where the template carries one (call_status / finish_reason). */
  callStatus: text.optional(),
});

export type UisCallEvent = z.infer<typeof uisCallEventSchema>;
export type UisCallEventKind = UisCallEvent['kind'];
