// The program's process roles. `serve` = api + worker in one process (the embedded default);
// with PostgreSQL, run any number of `api` and `worker` processes against the same database.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { bootstrapAdmin } from '../accounts/index.ts';
import type { Config } from '../config.ts';
import { buildHttpApp } from '../http/app.ts';
import { createContext, type AppContext } from './context.ts';
import { jobDefinitions, scheduleRecurring } from './jobs.ts';
import { registerProcessors } from './processors.ts';

export type Role = 'serve' | 'api' | 'worker';

export type Running = { ctx: AppContext; app: FastifyInstance | undefined; url: string | undefined; stop(): Promise<void> };

export async function startRole(role: Role, config: Config, log: Logger): Promise<Running> {
  const ctx = await createContext(config, log);
  let app: FastifyInstance | undefined;
  try {
    registerProcessors(ctx);
    await ctx.queue.start(jobDefinitions(ctx));
    await scheduleRecurring(ctx);
    if (role !== 'api') {
      await ctx.queue.work();
      ctx.intake.processInProcess(ctx.inboxWorker);
    }
    if (role !== 'worker') {
      const admin = await bootstrapAdmin(ctx, config);
      if (admin.created) announceAdmin(admin.email, admin.generatedPassword);
      app = await buildHttpApp(ctx);
      await app.listen({ port: config.port, host: config.host });
    }
  } catch (err) {
    await app?.close().catch(() => {});
    await ctx.close().catch(() => {});
    throw err;
  }
  const address = app?.server.address();
  const url = address && typeof address === 'object' ? `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}` : undefined;
  log.info({ role, url, database: ctx.database.kind, publicUrl: config.publicUrl }, 'started');
  let stopping: Promise<void> | undefined;
  return {
    ctx,
    app,
    url,
    stop: () =>
      (stopping ??= (async () => {
        // Stop taking requests first, then let in-flight jobs finish, then close the database.
        await app?.close();
        await ctx.close();
      })()),
  };
}

function announceAdmin(email: string, generatedPassword: string | undefined) {
  const lines = generatedPassword
    ? [`First start: created the administrator ${email}`, `Password (shown once, change it after logging in): ${generatedPassword}`]
    : [`First start: created the administrator ${email} with the password from ADMIN_PASSWORD`];
  process.stdout.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
}
