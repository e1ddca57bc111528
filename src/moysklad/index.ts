// Public API of the MoySklad adapters: typed clients and parsers that know MoySklad's wire formats.
// The domain imports only from here.
export * from './gate.ts';
export * from './errors.ts';
export { formatMoscowTime, parseMoscowTime, toMoscowWire } from './time.ts';
export { kopecks, rublesToKopecks, kopecksToRubles } from './money.ts';
export { DEFAULT_USER_AGENT, type CommonClientOptions, type FetchLike } from './transport.ts';
export * from './json-api/index.ts';
export * from './phone-api/index.ts';
export * from './webhook/index.ts';
export * from './click-to-call/index.ts';
export * from './vendor/index.ts';
export * from './rate-gate/index.ts';
