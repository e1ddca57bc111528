// MoySklad Vendor API (server solutions) emulator (sandbox). Other modules import only this file.
//
// PORT — implement `VendorDirectory` over the sandbox store (see port.ts):
//   accountName(accountId)                   → string | undefined
//   contextEmployee(accountId, employeeId)   → JSON of GET /context/employee | undefined
//   issueSolutionToken(accountId, appId)     → token the JSON API emulator must accept
//   revokeSolutionToken(accountId, appId)
//
// WIRING:
//   const vendor = createVendorSandbox({ directory, apps: [{ appId, appUid, secretKey, endpointBase, widgets }] });
//   await app.register(vendor.plugin);            // routes: /api/vendor/1.0/context/:contextKey,
//                                                 //   /api/vendor/1.0/apps/:appId/:accountId/status (GET, PUT),
//                                                 //   /sandbox/vendor/widget-host (+ /messages)
//   await vendor.installApp(accountId, appId)    // PUT {endpointBase}/api/moysklad/vendor/1.0/apps/{appId}/{accountId}
//   await vendor.uninstallApp(accountId, appId)  // DELETE, same URL
export type { VendorApp, VendorDirectory, AppStatus } from './port.ts';
export { createVendorSandbox, type VendorSandbox, type VendorSandboxOptions } from './sandbox.ts';
export { vendorPlugin, VENDOR_API_PREFIX, WIDGET_HOST_PATH, type VendorPluginDeps } from './plugin.ts';
export { VendorState, CONTEXT_KEY_TTL_MS, type Installation, type UninstallResult, type InstallCause, type Subscription, type WidgetMessage } from './vendor-state.ts';
export { DEFAULT_RETRY, appUrl, type DeliveryAttempt, type RetryPolicy } from './delivery.ts';
export { signHs256, verifyHs256, peekClaims, type JwtClaims, type VerifyResult } from './jwt.ts';
export { renderWidgetHostPage, widgetSrc } from './widget-host.ts';
export { createMemoryVendorDirectory, type MemoryVendorAccount } from './memory-directory.ts';
