// Routing an incoming call to the client's personal manager (UIS interactive call processing).
export { routingService, RoutingService, type RoutingAnswer, type RoutingDecision } from './routing-service.ts';
export { counterpartyWebhookUrl } from './counterparty-webhooks.ts';
export { entriesOf, type IndexEntry } from './index-entries.ts';
export { counterpartyWebhookProcessor, COUNTERPARTY_WEBHOOK_SOURCE, ROUTING_UPDATE_JOB } from './counterparty-webhook-processor.ts';
export { telephonyJobDefinitions, scheduleTelephony, EMPLOYEES_REFRESH_JOB, ROUTING_REFRESH_JOB, TELEPHONY_TICK_JOB } from './jobs.ts';
export { RoutingAudit } from './routing-audit.ts';
