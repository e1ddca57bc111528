// Where each channel's communications come from. Calls are built in (call_sessions); the chats
// module registers its own loader when it lands, and the same rules then serve chats.
import { and, eq } from 'drizzle-orm';
import { tables, type Db } from '../db/index.ts';
import type { CallSession } from '../telephony/call-session/index.ts';
import { fromCallSession, type Channel, type Communication } from './communication.ts';

export type CommunicationLoader = (db: Db, integrationId: string, ref: string) => Promise<Communication | undefined>;

const loaders = new Map<Channel, CommunicationLoader>();

export function registerCommunicationLoader(channel: Channel, loader: CommunicationLoader): void {
  loaders.set(channel, loader);
}

export function communicationLoader(channel: Channel): CommunicationLoader | undefined {
  return loaders.get(channel);
}

registerCommunicationLoader('call', async (db, integrationId, ref) => {
  const t = tables.callSessions;
  const [row] = await db
    .select({ state: t.state })
    .from(t)
    .where(and(eq(t.integrationId, integrationId), eq(t.callSessionId, ref)));
  if (!row) return undefined;
  const state = (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as CallSession;
  return fromCallSession(state);
});
