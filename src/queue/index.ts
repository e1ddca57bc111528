export { JobQueue, RescheduleError, rescheduleAtOf, type QueueSnapshot } from './job-queue.ts';
export { defineJob, DEFAULT_QUEUE_OPTIONS, type JobDefinition, type JobContext } from './job-definition.ts';
