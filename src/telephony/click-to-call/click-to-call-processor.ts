// Inbox processor for MoySklad's click-to-call POSTs (source "moysklad-click-to-call"). Runs in the
// inbox item's transaction: records the request in the click-to-call log and enqueues the job that
// calls UIS. No network here, so the item settles in milliseconds.
import { parseClickToCall } from '../../moysklad/index.ts';
import type { InboxProcessor } from '../../inbox/index.ts';
import type { ClickToCallRepository } from './click-to-call-repository.ts';

export const CLICK_TO_CALL_SOURCE = 'moysklad-click-to-call';
export const CLICK_TO_CALL_JOB = 'telephony.click-to-call';

export function clickToCallProcessor(repo: ClickToCallRepository): InboxProcessor {
  return {
    source: CLICK_TO_CALL_SOURCE,
    async process(item, { tx, queue }) {
      if (!item.integrationId || !item.accountId) return { status: 'unparseable', reason: 'no integration' };
      const parsed = parseClickToCall(item.body);
      const base = {
        accountId: item.accountId,
        integrationId: item.integrationId,
        inboxId: item.id,
        signatureHeader: item.headers['lognex-content-md5'] ?? null,
        rawBody: item.body,
        receivedAt: item.receivedAt,
      };
      if (!parsed.ok) {
        await repo.insert(tx, { ...base, status: 'failed', reason: `Некорректный запрос от МойСклад: ${parsed.reason}`, finishedAt: new Date() });
        return { status: 'unparseable', reason: parsed.reason };
      }
      const { srcNumber, destNumber, uid } = parsed.value;
      const id = await repo.insert(tx, { ...base, srcNumber, destNumber, uid, status: 'queued' });
      // No retries: a repeated start.employee_call would ring the employee twice.
      await queue.send(CLICK_TO_CALL_JOB, { requestId: id }, { retryLimit: 0 }, tx);
      return { status: 'processed' };
    },
  };
}
