// What the Vendor API emulator needs from the sandbox store, and how a solution is described.

export interface VendorDirectory {
  /** `accountName` sent in activation/deactivation bodies; undefined = no such account. */
  accountName(accountId: string): string | undefined;
  /**
   * Body of `POST /context/{contextKey}`: the same shape as JSON API `GET /context/employee`
   * (meta, id, accountId, uid, email, names, permissions…). undefined = no such employee.
   */
  contextEmployee(accountId: string, employeeId: string): Record<string, unknown> | undefined;
  /** Issue the solution's JSON API token at install; the core's JSON API must accept it. */
  issueSolutionToken(accountId: string, appId: string): string;
  /** Revoke it (uninstall, suspend, failed activation). */
  revokeSolutionToken(accountId: string, appId: string): void;
}

/** A server solution as its descriptor + developer cabinet define it. */
export interface VendorApp {
  appId: string;
  /** `<appAlias>.<vendorAlias>`; the vendor's JWT carries it as `sub`. */
  appUid: string;
  secretKey: string;
  /** Descriptor `vendorApi/endpointBase`. */
  endpointBase: string;
  scope?: 'admin' | 'custom';
  /** Descriptor widgets: extension point (e.g. `entity.counterparty.edit`) → sourceUrl. */
  widgets?: Record<string, string>;
}

export type AppStatus =
  | 'Activating'
  | 'ActivationFailed'
  | 'SettingsRequired'
  | 'Activated'
  | 'Deactivating'
  | 'DeactivationFailed'
  | 'Suspended';
