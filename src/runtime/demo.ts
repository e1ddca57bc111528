// `npm run demo`: the connector with both sandboxes and simulated traffic, so a person can watch
// calls become pop-up cards and call-log entries in "MoySklad" and orders flow into the cabinet.
// Everything listens on 127.0.0.1; state lives in DATA_DIR/demo (the sandboxes keep theirs in memory).
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config.ts';
import { startMoyskladSandbox } from '../sandbox/moysklad/index.ts';
import { SANDBOX_ACCESS_TOKEN, startUisSandbox } from '../sandbox/uis/index.ts';
import type { AppContext } from './context.ts';
import { startRole } from './roles.ts';

const DEMO_ADMIN = { email: 'demo@localhost', password: 'demo-password' };

export async function runDemo(base: Config, log: Logger): Promise<void> {
  const msPort = Number(process.env.DEMO_MOYSKLAD_PORT ?? 4010);
  const uisPort = Number(process.env.DEMO_UIS_PORT ?? 4020);
  const callsPerMinute = Number(process.env.DEMO_CALLS_PER_MINUTE ?? 6);

  const moysklad = await startMoyskladSandbox({ port: msPort, host: '127.0.0.1', seed: { orders: 2000, seed: 1 }, latencyMs: { ms: 40, jitterMs: 30 } });
  const publicUrl = `http://127.0.0.1:${base.port}`;
  const config = loadConfig(
    {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(base.port),
      PUBLIC_URL: publicUrl,
      DATA_DIR: join(base.dataDir, 'demo'),
      ADMIN_EMAIL: DEMO_ADMIN.email,
      ADMIN_PASSWORD: DEMO_ADMIN.password,
      MOYSKLAD_API_URL: moysklad.baseJsonUrl,
      MOYSKLAD_PHONE_API_URL: moysklad.basePhoneUrl,
      MOYSKLAD_VENDOR_API_URL: `${moysklad.url}/api/vendor/1.0`,
      UIS_CALL_API_URL: `http://127.0.0.1:${uisPort}/v4.0`,
      UIS_DATA_API_URL: `http://127.0.0.1:${uisPort}/v2.0`,
    },
    { dotenv: false },
  );
  const running = await startRole('serve', config, log);
  const hooks = await connectDemoAccount(running.ctx);
  moysklad.control.accounts.setPhoneProviderUrl('sandbox', hooks.webhookUrl);
  const uis = await startUisSandbox({ port: uisPort, host: '127.0.0.1', target: hooks.uisNotificationsBase, recordingDelayS: [5, 20] });

  process.stdout.write(
    [
      '',
      'uis-moysklad demo is running:',
      `  cabinet            ${publicUrl}   (log in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password})`,
      `  MoySklad sandbox   ${moysklad.inspectorUrl}   (orders, counterparties, calls, every employee's call cards)`,
      `  UIS sandbox        ${uis.url}   (Call API ${uis.callApiUrl}, Data API ${uis.dataApiUrl})`,
      `  traffic            ~${callsPerMinute} simulated calls per minute (DEMO_CALLS_PER_MINUTE)`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n') + '\n',
  );

  const stop = new AbortController();
  const traffic = (async () => {
    while (!stop.signal.aborted) {
      await uis.control.simulator.runTraffic({ rate: callsPerMinute / 60, durationMs: 60_000 }).catch((err: Error) => log.warn({ err }, 'demo traffic'));
    }
  })();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stop.abort();
  await uis.control.simulator.stop();
  await traffic.catch(() => {});
  await uis.close();
  await running.stop();
  await moysklad.close();
}

/** Credentials and integrations for the sandbox account, created once and reused on later runs. */
async function connectDemoAccount(ctx: AppContext): Promise<{ webhookUrl: string; uisNotificationsBase: string }> {
  const [account] = await ctx.accounts.list();
  const accountId = account!.id;
  const existing = await ctx.integrations.list(accountId);
  let telephony = existing.find((i) => i.kind === 'moysklad-telephony');
  if (!telephony) {
    const phoneKey = await ctx.credentials.create(accountId, { name: 'Песочница — ключ доступа', kind: 'moysklad-phone-key', secret: 'sandbox-phone-key' });
    const json = await ctx.credentials.create(accountId, { name: 'Песочница — токен JSON API', kind: 'moysklad-token', secret: 'sandbox-solution-token' });
    const uisKey = await ctx.credentials.create(accountId, { name: 'Песочница UIS', kind: 'uis-api-key', secret: SANDBOX_ACCESS_TOKEN });
    telephony = await ctx.integrations.create(accountId, 'moysklad-telephony', {
      active: true,
      credentialIds: { phoneKey: phoneKey.id, moysklad: json.id, uis: uisKey.id },
      settings: { showInternalCalls: true },
    });
    await ctx.integrations.create(accountId, 'moysklad-deals', { active: true, credentialIds: { moysklad: json.id } });
  }
  return { webhookUrl: telephony.hookUrls.webhookUrl!, uisNotificationsBase: telephony.hookUrls.uisNotificationsBase! };
}
