export { AccountsRepository, type AccountView } from './accounts-repository.ts';
export { UsersRepository, EmailTakenError, type UserView, type Role } from './users-repository.ts';
export { SessionsRepository } from './sessions-repository.ts';
export { ApiTokensRepository, API_TOKEN_PREFIX, type ApiTokenView } from './api-tokens-repository.ts';
export { bootstrapAdmin, type BootstrapResult } from './bootstrap-admin.ts';
export { randomToken, digest } from './tokens.ts';
export * from './vault/index.ts';
