// Inbox processors of every source the program understands. Sources without a processor yet
// are still stored; their items are marked "failed: no processor" and stay visible in the inbox.
import type { AppContext } from './context.ts';

export function registerProcessors(_ctx: AppContext): void {
  // Filled as the telephony, deals and chats modules land (issues 4, 5, 7).
}
