// Shared setup of the call-pipeline contract tests: the MoySklad sandbox, the program (serve) pointed
// at it, a telephony integration, and the UIS traffic simulator playing into its hook URL.
import { startMoyskladSandbox, type MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { SANDBOX_ACCESS_TOKEN, startUisSandbox, type CallTruth, type UisSandbox, type UisSimulator } from '../../src/sandbox/uis/index.ts';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.ts';

export type CallsWorld = {
  sandbox: MoyskladSandbox;
  uis: UisSandbox;
  app: TestApp;
  admin: ApiClient;
  sim: UisSimulator;
  accountId: string;
  integrationId: string;
  credentialId: string;
  hookBase: string;
  close(): Promise<void>;
};

export const until = async (what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

export async function startCallsWorld(opts: {
  db: 'pglite' | 'postgres';
  settings?: Record<string, unknown>;
  active?: boolean;
  sandboxName?: string;
}): Promise<CallsWorld> {
  const name = opts.sandboxName ?? 'sandbox';
  const sandbox = await startMoyskladSandbox({ accounts: [{ name, seed: { orders: 0, counterparties: 30, employees: 8 } }] });
  const uis = await startUisSandbox({ playEmployeeCalls: false });
  const app = await startTestApp({
    db: opts.db,
    env: { MOYSKLAD_PHONE_API_URL: sandbox.basePhoneUrl, MOYSKLAD_API_URL: sandbox.baseJsonUrl, UIS_DATA_API_URL: uis.dataApiUrl, UIS_CALL_API_URL: uis.callApiUrl },
  }).catch(async (err) => {
    await sandbox.close();
    await uis.close();
    throw err;
  });
  const admin = new ApiClient(app.url);
  await admin.login();
  const info = sandbox.control.accounts.get(name)!;
  const credential = async (kind: string, label: string, secret: string) => {
    const r = await admin.req('POST', '/api/v1/credentials', { kind, name: label, secret });
    if (r.status !== 201) throw new Error(`credential: ${r.status} ${r.text}`);
    return r.json.id as string;
  };
  const credentialId = await credential('moysklad-phone-key', 'Телефония', info.phoneKey);
  const uisCred = await credential('uis-api-key', 'UIS', SANDBOX_ACCESS_TOKEN);
  const integ = await admin.req('POST', '/api/v1/integrations', {
    kind: 'moysklad-telephony',
    active: opts.active ?? true,
    credentialIds: { phoneKey: credentialId, uis: uisCred },
    settings: opts.settings ?? {},
  });
  if (integ.status !== 201) throw new Error(`integration: ${integ.status} ${integ.text}`);
  // Employee sync (UIS employee ids → extensions): ringing notifications carry only the id.
  const refresh = await admin.req('POST', `/api/v1/integrations/${integ.json.id}/employees/refresh`);
  if (refresh.status >= 300) throw new Error(`employees refresh: ${refresh.status} ${refresh.text}`);
  const secret = String(integ.json.hookUrls.uisNotificationsBase).split('/').pop();
  const hookBase = `${app.url}/hooks/uis/${secret}`;
  const sim = uis.control.simulator;
  sim.configure({ target: hookBase, timeScale: 0.002, recordingDelayS: [2, 5] });
  return {
    sandbox,
    uis,
    app,
    admin,
    sim,
    accountId: info.accountId,
    integrationId: integ.json.id,
    credentialId,
    hookBase,
    async close() {
      await sim.stop().catch(() => {});
      await app.close().catch(() => {});
      await sandbox.close().catch(() => {});
      await uis.close().catch(() => {});
    },
  };
}

export const msCallsOf = (w: CallsWorld, truth: CallTruth) =>
  w.sandbox.phone.calls(w.accountId).filter((c) => c.externalId === String(truth.callSessionId));

export const extOf = (employeeId: number) => String(101 + (employeeId - 1001));

/** Card events an extension received for one call. */
export const cardsFor = (w: CallsWorld, truth: CallTruth, ext: string) =>
  w.sandbox.phone
    .cardHistory(w.accountId, ext)
    .filter((r) => r.externalId === String(truth.callSessionId))
    .map((r) => r.eventType);

/** The call is in MoySklad with everything the truth says it should finally have. */
export async function settled(w: CallsWorld, truth: CallTruth, timeoutMs = 10_000) {
  await until(
    `call ${truth.callSessionId} settled in MoySklad`,
    () => {
      const [c] = msCallsOf(w, truth);
      return !!c && c.endTime !== undefined && c.recordUrl.length >= truth.recordings.length;
    },
    timeoutMs,
  );
  return msCallsOf(w, truth);
}
