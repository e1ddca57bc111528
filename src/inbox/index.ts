export { InboxRepository, inboxView, type InboxRow, type InboxView, type NewInboxItem } from './inbox-repository.ts';
export { InboxProcessors, type InboxProcessor, type ProcessOutcome } from './processors.ts';
export { Intake, keptHeaders } from './intake.ts';
export { InboxWorker, type InboxWorkerDeps } from './inbox-worker.ts';
export { inboxProcessJob, inboxPurgeJob, INBOX_PROCESS_JOB, INBOX_PURGE_JOB } from './process-job.ts';
