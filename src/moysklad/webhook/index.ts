export { parseWebhookDelivery, type WebhookDelivery, type WebhookEvent, type WebhookParseResult } from './parse.ts';
