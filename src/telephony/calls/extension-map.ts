// Which MoySklad extension an UIS employee's card and call go to. The employees module owns the
// real mapping (sync of MoySklad employees ↔ UIS employees); until it is plugged in, the default
// follows the setup instructions: users enter the UIS extensions in MoySklad.

export interface UisEmployeeRef {
  uisEmployeeId?: string | undefined;
  uisExtension?: string | undefined;
}

export interface ExtensionMap {
  /** The MoySklad extension for an UIS employee, or undefined when the employee has none there. */
  msExtensionFor(integrationId: string, employee: UisEmployeeRef): Promise<string | undefined>;
}

/** "Same extension as in UIS". */
export const sameExtensionMap: ExtensionMap = {
  msExtensionFor: async (_integrationId, e) => e.uisExtension?.trim() || undefined,
};
