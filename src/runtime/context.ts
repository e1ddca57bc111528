// The composition root: opens storage, builds repositories and services once, and hands the same
// objects to the HTTP layer and the workers.
import type { Logger } from 'pino';
import {
  AccountsRepository,
  ApiTokensRepository,
  CredentialsRepository,
  SessionsRepository,
  UsersRepository,
  loadMasterKey,
  verifyMasterKey,
} from '../accounts/index.ts';
import type { Config } from '../config.ts';
import { openDatabase, runMigrations, type Database } from '../db/index.ts';
import { InboxProcessors, InboxRepository, InboxWorker, Intake } from '../inbox/index.ts';
import { IntegrationsRepository, IntegrationsService } from '../integrations/index.ts';
import { JobQueue } from '../queue/index.ts';
import { DbRateGate, MemoryRateGateStore, type RequestGate } from '../moysklad/index.ts';

export type AppContext = {
  config: Config;
  log: Logger;
  database: Database;
  queue: JobQueue;
  accounts: AccountsRepository;
  users: UsersRepository;
  sessions: SessionsRepository;
  apiTokens: ApiTokensRepository;
  credentials: CredentialsRepository;
  integrationsRepo: IntegrationsRepository;
  integrations: IntegrationsService;
  inbox: InboxRepository;
  intake: Intake;
  inboxWorker: InboxWorker;
  processors: InboxProcessors;
  /** The one per-account gate all MoySklad traffic of this process passes (state in the database). */
  gate: RequestGate;
  /**
   * Lets a module finish its in-process work at close: run once after intake went quiet (before
   * the queue stops) and once more after the queue's jobs finished (before the database closes).
   */
  beforeClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
};

export async function createContext(config: Config, log: Logger, opts: { maintenance?: boolean } = {}): Promise<AppContext> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (database.kind === 'pglite') {
    // Without its database thread the process can only fail requests; what was acknowledged is
    // committed, so exiting for the supervisor to restart us loses nothing.
    database.pglite.onFailure((err) => {
      log.fatal({ err }, 'embedded database thread stopped; exiting');
      process.exit(1);
    });
    database.pglite.onHousekeeping(({ error, ...step }) => {
      if (error) log.warn({ ...step, error }, 'embedded database housekeeping step failed');
      else log.debug(step, 'embedded database housekeeping');
    });
  }
  try {
    await runMigrations(database);
    const masterKey = loadMasterKey({ secretKey: config.secretKey, dataDir: config.dataDir });
    await verifyMasterKey(database.db, masterKey);
    const db = database.db;
    const queue = new JobQueue(database, log.child({ module: 'queue' }), {
      workerConcurrency: config.workerConcurrency,
      maintenance: opts.maintenance ?? true,
    });
    const credentials = new CredentialsRepository(db, masterKey);
    const integrationsRepo = new IntegrationsRepository(db);
    const inbox = new InboxRepository(db);
    const processors = new InboxProcessors();
    const intake = new Intake(db, inbox, queue, processors, log.child({ module: 'intake' }));
    const closing: Array<() => Promise<void>> = [];
    return {
      config,
      log,
      database,
      queue,
      accounts: new AccountsRepository(db),
      users: new UsersRepository(db),
      sessions: new SessionsRepository(db, config.sessionTtlHours),
      apiTokens: new ApiTokensRepository(db),
      credentials,
      integrationsRepo,
      integrations: new IntegrationsService(integrationsRepo, credentials, config.publicUrl),
      inbox,
      intake,
      inboxWorker: new InboxWorker({ db, inbox, processors, queue: () => queue, log: log.child({ module: 'inbox' }) }),
      processors,
      // The embedded database serves one process, so the gate's state can live in memory there
      // (same decisions, no statements on PGlite's single connection); PostgreSQL shares it.
      gate: new DbRateGate(db, {
        log: log.child({ module: 'rate-gate' }),
        ...(database.kind === 'pglite' && { store: new MemoryRateGateStore() }),
      }),
      beforeClose: (fn) => closing.push(fn),
      async close() {
        await intake.idle();
        const finish = async () => {
          for (const fn of closing) await fn().catch((err: unknown) => log.warn({ err }, 'a module failed to finish at close'));
        };
        await finish();
        await queue.stop();
        await finish();
        await database.close();
      },
    };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}
