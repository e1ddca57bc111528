// Where a pop-up card's time goes after the notification is committed (Prometheus, /metrics).
import client from 'prom-client';

const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/** After-commit kick → the reconciler holds the call (waiting behind a pass already running). */
export const kickToClaim = new client.Histogram({
  name: 'uis_moysklad_call_kick_to_claim_seconds',
  help: 'From the commit of a changed call session to its in-process reconcile pass starting',
  buckets,
});

/** One MoySklad Phone API request of the reconciler, rate gate included. */
export const phoneRequest = new client.Histogram({
  name: 'uis_moysklad_call_phone_request_seconds',
  help: 'Phone API requests of the call reconciler (rate-gate wait included), by step',
  labelNames: ['step'] as const,
  buckets,
});
