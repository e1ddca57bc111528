// Starts the real program (a role) on a random loopback port against PGlite in memory or a
// throwaway PostgreSQL database, for tests that talk HTTP to it.
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/runtime/logger.ts';
import { startRole, type Role, type Running } from '../../src/runtime/roles.ts';
import { createThrowawayDatabase } from './postgres.ts';

export type TestApp = Running & { url: string; logs: string[]; config: Config; close(): Promise<void> };

export const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };

export async function startTestApp(
  opts: { db?: 'pglite' | 'postgres'; role?: Role; env?: Record<string, string>; databaseUrl?: string } = {},
): Promise<TestApp> {
  const throwaway = opts.db === 'postgres' && !opts.databaseUrl ? await createThrowawayDatabase() : undefined;
  const config = loadConfig(
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      WORKER_CONCURRENCY: '2',
      ...((throwaway || opts.databaseUrl) && { DATABASE_URL: opts.databaseUrl ?? throwaway!.url }),
      ...opts.env,
    },
    { dotenv: false },
  );
  // Keep the log lines: tests assert that secrets never appear in them.
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const running = await startRole(opts.role ?? 'serve', config, createLogger('info', sink));
  return {
    ...running,
    url: running.url!,
    logs,
    config,
    async close() {
      await running.stop();
      await throwaway?.drop();
    },
  };
}

/** A tiny cookie-keeping HTTP client for the cabinet API. */
export class ApiClient {
  private cookie = '';
  constructor(
    readonly base: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...this.headers,
        ...(this.cookie && { cookie: this.cookie }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  async login(email = ADMIN.email, password = ADMIN.password) {
    const r = await this.req('POST', '/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    return r.json;
  }
}
