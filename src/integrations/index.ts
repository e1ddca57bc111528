export { IntegrationsRepository, newHookSecret, type IntegrationRow } from './integrations-repository.ts';
export { IntegrationsService, IntegrationValidationError, type ActivationListener, type IntegrationView, type IntegrationInput } from './integrations-service.ts';
export { KIND_DEFINITIONS, parseSettings, type SettingsOf } from './kinds.ts';
export { hookUrlsFor, type HookUrls } from './hook-urls.ts';
export { RefreshingCache } from './refreshing-cache.ts';
