// Starts the connector (`serve`) on a random port with a telephony integration and prints its
// UIS notification base URL, for benchmarks that post notifications.
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { startRole } from '../../src/runtime/roles.ts';
import { watchPglite } from './pglite-stats.ts';

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD: 'bench admin password' }, { dotenv: false });
const running = await startRole('serve', config, createLogger(process.env.LOG_LEVEL ?? 'warn'));
const [account] = await running.ctx.accounts.list();
const key = await running.ctx.credentials.create(account!.id, { name: 'bench', kind: 'moysklad-phone-key', secret: 'bench-key' });
const integration = await running.ctx.integrations.create(account!.id, 'moysklad-telephony', { active: false, credentialIds: { phoneKey: key.id } });
const base = integration.hookUrls.uisNotificationsBase!.replace(config.publicUrl, running.url!);
// BENCH_DB_STATS=1: per second, what the embedded database did (stderr); the statement mix at exit.
const stats = process.env.BENCH_DB_STATS && running.ctx.database.kind === 'pglite' ? watchPglite(running.ctx.database.pglite) : undefined;
if (stats && running.ctx.database.kind === 'pglite')
  running.ctx.database.pglite.onHousekeeping((step) => process.stderr.write(`db: housekeeping at ${Date.now()} (epoch ms): ${JSON.stringify(step)}\n`));
process.stdout.write(`HOOK ${base}\n`);
process.on('SIGTERM', () => {
  stats?.report();
  void running.stop().then(() => process.exit(0));
});
