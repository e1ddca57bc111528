export { startUisSandbox, SANDBOX_ACCESS_TOKEN } from './server.ts';
export type { UisSandbox, UisSandboxOptions, UisSandboxControl } from './server.ts';
export { runUisSandboxCli, parseMix } from './cli.ts';
export { UisSandboxState, seedDefaultAccount } from './state.ts';
export type { SandboxEmployee, SandboxLimitsConfig, InjectedFailure, SandboxRecording } from './state.ts';
export type { EmployeeCallRequest } from './call-api-methods.ts';
export * from './simulator/index.ts';
