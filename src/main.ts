// CLI: uis-moysklad [serve|api|worker|migrate|selftest|sandbox|demo|help]
import { ConfigError, loadConfig, CONFIG_VARIABLES } from './config.ts';
import { MasterKeyError } from './accounts/index.ts';
import { createLogger } from './runtime/logger.ts';

const USAGE = `uis-moysklad — the UIS ↔ MoySklad connector

Usage: uis-moysklad <command> [options]

  serve              HTTP API and workers in one process (default)
  api                HTTP API only (scale-out, needs DATABASE_URL)
  worker             queue workers only (scale-out, needs DATABASE_URL)
  migrate            apply database migrations and exit
  selftest --jobs N  send N queue jobs, wait for the running workers, report exactly-once
  sandbox moysklad|uis [--port N]   run a sandbox emulator of MoySklad or UIS
  demo               sandboxes + connector + simulated traffic
  help               this text

Settings come from the environment (or .env): ${CONFIG_VARIABLES.join(', ')}.`;

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]) {
  const [command = 'serve', ...args] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (command === 'sandbox') {
    const which = args[0];
    if (which === 'moysklad') return (await import('./sandbox/moysklad/index.ts')).runMoyskladSandboxCli(args.slice(1));
    if (which === 'uis') return (await import('./sandbox/uis/index.ts')).runUisSandboxCli(args.slice(1));
    fail('sandbox: say which one: `uis-moysklad sandbox moysklad` or `uis-moysklad sandbox uis`');
  }

  const config = loadConfig();
  const log = createLogger(config.logLevel);

  if (command === 'migrate') {
    const { createContext } = await import('./runtime/context.ts');
    const { jobDefinitions } = await import('./runtime/jobs.ts');
    const ctx = await createContext(config, log, { maintenance: false });
    await ctx.queue.start(jobDefinitions(ctx));
    await ctx.close();
    log.info({ database: ctx.database.kind }, 'migrations applied');
    return;
  }
  if (command === 'selftest') {
    const { runSelftestCli } = await import('./runtime/selftest-cli.ts');
    process.exitCode = await runSelftestCli(config, log, {
      jobs: Number(flag(args, '--jobs') ?? 1000),
      timeoutSeconds: Number(flag(args, '--timeout') ?? 120),
      workMs: Number(flag(args, '--work-ms') ?? 0),
    });
    return;
  }
  if (command === 'demo') {
    const { runDemo } = await import('./runtime/demo.ts');
    return runDemo(config, log);
  }
  if (command !== 'serve' && command !== 'api' && command !== 'worker') fail(`Unknown command "${command}". Run \`uis-moysklad help\`.`);

  const { startRole } = await import('./runtime/roles.ts');
  const running = await startRole(command, config, log);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      running.stop().then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof MasterKeyError) fail(err.message);
  const e = err as Error;
  fail(`uis-moysklad: ${e.message ?? String(err)}`);
});
