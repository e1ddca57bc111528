// Shared setup for the telephony contract tests: both sandboxes, the program pointed at them, and
// one moysklad-telephony integration wired the way a user would wire it.
import { createServer } from 'node:net';
import { startMoyskladSandbox, type MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { SANDBOX_ACCESS_TOKEN, startUisSandbox, type UisSandbox } from '../../src/sandbox/uis/index.ts';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.ts';

export const until = async (what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export type TelephonyWorld = {
  app: TestApp;
  api: ApiClient;
  ms: MoyskladSandbox;
  uis: UisSandbox;
  msAccountId: string;
  integrationId: string;
  secret: string;
  webhookUrl: string;
  creds: { phoneKey: string; moysklad: string; uis: string };
  close(): Promise<void>;
};

export async function startTelephonyWorld(db: 'pglite' | 'postgres', seed: { counterparties?: number } = {}): Promise<TelephonyWorld> {
  const ms = await startMoyskladSandbox({ seed: { orders: 10, counterparties: seed.counterparties ?? 40, employees: 8, seed: 7 } });
  const uis = await startUisSandbox({ playEmployeeCalls: false });
  // Our public URL must be known before start: MoySklad webhooks and the provider URL point at it.
  const port = await freePort();
  const app = await startTestApp({
    db,
    env: {
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      MOYSKLAD_API_URL: ms.baseJsonUrl,
      MOYSKLAD_PHONE_API_URL: ms.basePhoneUrl,
      UIS_CALL_API_URL: uis.callApiUrl,
      UIS_DATA_API_URL: uis.dataApiUrl,
    },
  });
  const api = new ApiClient(app.url);
  await api.login();
  const acc = ms.control.accounts.get('sandbox')!;
  const cred = async (kind: string, name: string, secret: string) => {
    const r = await api.req('POST', '/api/v1/credentials', { kind, name, secret });
    if (r.status !== 201) throw new Error(`credential: ${r.status} ${r.text}`);
    return r.json.id as string;
  };
  const creds = {
    phoneKey: await cred('moysklad-phone-key', 'Телефония', acc.phoneKey),
    moysklad: await cred('moysklad-token', 'JSON API', acc.tokens[0]!),
    uis: await cred('uis-api-key', 'UIS', SANDBOX_ACCESS_TOKEN),
  };
  const integ = await api.req('POST', '/api/v1/integrations', {
    kind: 'moysklad-telephony',
    active: true,
    credentialIds: creds,
    settings: { clickToCallVirtualNumber: '74950000001' },
  });
  if (integ.status !== 201) throw new Error(`integration: ${integ.status} ${integ.text}`);
  const webhookUrl = integ.json.hookUrls.webhookUrl as string;
  ms.control.accounts.setPhoneProviderUrl('sandbox', webhookUrl);
  return {
    app,
    api,
    ms,
    uis,
    msAccountId: acc.accountId,
    integrationId: integ.json.id,
    secret: webhookUrl.split('/').at(-2)!,
    webhookUrl,
    creds,
    async close() {
      await app.close();
      await ms.close();
      await uis.close();
    },
  };
}

/** MoySklad employees of the sandbox account that have an extension, as the Phone API shows them. */
export function msEmployeesWithExtension(ms: MoyskladSandbox) {
  const a = ms.control.admin.account('sandbox');
  return a.data
    .col('employee')
    .all()
    .filter((e) => e['archived'] !== true && a.data.extensions.has(e.id))
    .map((e) => ({ id: e.id, extension: a.data.extensions.get(e.id)!, email: String(e['email'] ?? ''), phone: String(e['phone'] ?? ''), uid: String(e['uid'] ?? '') }));
}
