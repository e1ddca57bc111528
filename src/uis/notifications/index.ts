export { UIS_VARIABLES, isUisVariableName } from './variables.ts';
export type { UisVariableName, UisVariableShape, UisValue } from './variables.ts';
export { UIS_EVENT_KEYS, UIS_EVENT_TYPES, isUisEventKey, eventTypeDefinition } from './event-types.ts';
export type { UisEventKey, UisEventTypeDefinition } from './event-types.ts';
export { notificationTemplatesFor, bodyTemplateFor } from './templates.ts';
export type { UisNotificationTemplate } from './templates.ts';
export { renderLikeUis, renderUisValue, placeholdersIn } from './render-like-uis.ts';
export type { RenderOptions } from './render-like-uis.ts';
export { DEFAULT_UIS_TIME_ZONE, parseUisTime, formatUisDateTime } from './uis-time.ts';
