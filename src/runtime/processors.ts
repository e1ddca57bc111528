// Inbox processors of every source the program understands. Sources without a processor yet
// are still stored; their items are marked "failed: no processor" and stay visible in the inbox.
import type { AppContext } from './context.ts';
import { registerTelephonyProcessors } from '../telephony/index.ts';
import { registerDeals } from '../deals/index.ts';
import { callPipelineFor } from '../telephony/calls/index.ts';

export function registerProcessors(ctx: AppContext): void {
  // Filled as the telephony, deals and chats modules land (issues 4, 5, 7).
  registerTelephonyProcessors(ctx);
  registerDeals(ctx);
  ctx.processors.register(callPipelineFor(ctx).processor);
}
