export { JobQueue, RescheduleError, rescheduleAtOf, type QueueSnapshot } from './job-queue.ts';
export { defineJob, DEFAULT_QUEUE_OPTIONS, RARE_POLLING_INTERVAL_S, type JobDefinition, type JobContext } from './job-definition.ts';
