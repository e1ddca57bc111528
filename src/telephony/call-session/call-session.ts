// The state of one UIS call session, built from its notifications. Everything except `events` is
// derived from the set of distinct events, so the same set in any order gives the same state.
import type { UisCallEvent } from '../../uis/index.ts';

export type LegStatus = 'ringing' | 'talking' | 'done';

/**
 * - answered: someone talked;
 * - lost: an incoming call nobody answered that UIS counts as lost (or we infer so);
 * - missed: not answered and not lost (outgoing call the contact did not pick up, or an incoming call
 *   UIS explicitly marked not lost);
 * - busy: not answered and UIS reported a busy finish status;
 * - in_progress: not finished and not answered yet.
 */
export type CallOutcome = 'in_progress' | 'answered' | 'missed' | 'lost' | 'busy';

export interface CallSessionEmployee {
  /** UIS employee id, or `ext:<extension>` when only the extension is known. */
  readonly key: string;
  readonly employeeId?: string;
  readonly fullName?: string;
  readonly extension?: string;
  readonly phoneNumber?: string;
  readonly legIds: readonly string[];
  /** The employee's phone rang (ringing / lost employee_ids / outgoing leg). */
  readonly rang: boolean;
  readonly rangAt?: string;
  readonly answered: boolean;
  /** First and last talk start of this employee (transfers can bring them back). */
  readonly answeredAt?: string;
  readonly lastAnsweredAt?: string;
  readonly talkEndedAt?: string;
  readonly talkDurationSec?: number;
  readonly status: LegStatus;
}

export interface CallRecording {
  readonly url: string;
  readonly durationSec?: number;
  readonly employeeId?: string;
}

export interface CallSession {
  readonly callSessionId: string;
  /** Distinct events seen, in canonical order; the source of every other field. */
  readonly events: readonly UisCallEvent[];
  readonly direction?: 'in' | 'out';
  readonly contactPhoneNumber?: string;
  readonly virtualPhoneNumber?: string;
  readonly contactId?: string;
  readonly contactFullName?: string;
  readonly externalId?: string;
  readonly callSource?: string;
  readonly communicationId?: string;
  readonly communicationNumber?: number;
  readonly scenarioId?: string;
  readonly scenarioName?: string;
  readonly campaignName?: string;
  readonly siteDomainName?: string;
  readonly utm?: Readonly<Record<string, string>>;
  readonly regionName?: string;
  readonly visitorCountry?: string;
  readonly attributes: readonly string[];
  readonly callStatus?: string;
  readonly startedAt?: string;
  readonly answeredAt?: string;
  readonly endedAt?: string;
  readonly waitDurationSec?: number;
  readonly talkDurationSec?: number;
  readonly totalDurationSec?: number;
  readonly employees: readonly CallSessionEmployee[];
  /** Employee key of the first / the last to answer (differ after a transfer). */
  readonly answeredBy?: string;
  readonly lastAnsweredBy?: string;
  readonly answered: boolean;
  readonly lost: boolean;
  readonly internal: boolean;
  readonly finished: boolean;
  readonly outcome: CallOutcome;
  readonly recordings: readonly CallRecording[];
  readonly tagIds: readonly string[];
  readonly tagNames: readonly string[];
}
