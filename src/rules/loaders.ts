// Where each channel's communications come from. Calls are built in (call_sessions); the chats
// module registers its own loader when it lands, and the same rules then serve chats.
// A loader is a scalar subquery, not a query of its own: the evaluator reads the communication in
// the same statement as the integration, the rule set version and the ledger.
import { sql, type SQL } from 'drizzle-orm';
import type { CallSession } from '../telephony/call-session/index.ts';
import { fromCallSession, type Channel, type Communication } from './communication.ts';

export interface CommunicationLoader {
  /** A subquery yielding one value (typically json) for this communication, or null when unknown. */
  query(integrationId: string, ref: string): SQL;
  /** That value as a communication. */
  parse(raw: unknown): Communication | undefined;
}

const loaders = new Map<Channel, CommunicationLoader>();

export function registerCommunicationLoader(channel: Channel, loader: CommunicationLoader): void {
  loaders.set(channel, loader);
}

export function communicationLoader(channel: Channel): CommunicationLoader | undefined {
  return loaders.get(channel);
}

registerCommunicationLoader('call', {
  query: (integrationId, ref) => sql`select state from call_sessions where integration_id = ${integrationId} and call_session_id = ${ref}`,
  parse: (raw) => {
    if (raw === null || raw === undefined) return undefined;
    const state = (typeof raw === 'string' ? JSON.parse(raw) : raw) as CallSession;
    return fromCallSession(state);
  },
});
