// Who is logged in, and which account they are looking at (operators may switch accounts).
import { createContext, useContext } from 'react';
import type { Account, Me } from './api/types.ts';

export type Session = {
  me: Me;
  /** The account whose data the pages show (the operator's chosen one, or the user's own). */
  account: Account | null;
  /** True when an operator is looking at someone else's account. */
  actingForOther: boolean;
  isOwner: boolean;
  switchAccount: (id: string | null) => void;
  refresh: () => Promise<void>;
  /** Ends the session; `notice` is shown above the login form. */
  logout: (notice?: string) => Promise<void>;
};

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in shell');
  return s;
}
