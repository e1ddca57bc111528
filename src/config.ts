// Environment → typed Config. Every setting is validated once at start; a bad value stops the
// program with one line that names the variable and what it expects (see ConfigError).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
  ) {
    super(`Invalid configuration: ${variable} ${expected}`);
    this.name = 'ConfigError';
  }
}

const url = (what: string) =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, `must be an http(s) URL (${what})`);

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number between ${min} and ${max}`);

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

// SECRET_KEY: 32 random bytes, written as 64 hex characters or base64. Decoded in vault/keys.ts.
const secretKey = z
  .string()
  .refine(
    (v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, 'base64').length === 32,
    'must be 32 random bytes as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)',
  );

const schema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  PUBLIC_URL: url('the base of the webhook URLs shown to users').optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL (unset it to use the embedded database)')
    .optional(),
  SECRET_KEY: secretKey.optional(),
  ADMIN_EMAIL: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an e-mail address (name@host)').optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INBOX_RETENTION_DAYS: int(1, 3650).default(30),
  SESSION_TTL_HOURS: int(1, 24 * 365).default(24 * 14),
  WORKER_CONCURRENCY: int(1, 256).default(4),
  MOYSKLAD_API_URL: url('MoySklad JSON API 1.2 base').default('https://api.moysklad.ru/api/remap/1.2'),
  MOYSKLAD_PHONE_API_URL: url('MoySklad Phone API 1.0 base').default('https://api.moysklad.ru/api/phone/1.0'),
  MOYSKLAD_VENDOR_API_URL: url('MoySklad Vendor API 1.0 base').default('https://apps-api.moysklad.ru/api/vendor/1.0'),
  UIS_CALL_API_URL: url('UIS Call API base').default('https://callapi.uiscom.ru/v4.0'),
  UIS_DATA_API_URL: url('UIS Data API base').default('https://dataapi.uiscom.ru/v2.0'),
  TRUST_PROXY: bool.default(false),
});

export type Config = {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  inboxRetentionDays: number;
  sessionTtlHours: number;
  workerConcurrency: number;
  trustProxy: boolean;
  apis: {
    moyskladJson: string;
    moyskladPhone: string;
    moyskladVendor: string;
    uisCall: string;
    uisData: string;
  };
};

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/** Reads the environment (and `.env` in the working directory, if present) into a Config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { dotenv?: boolean } = {}): Config {
  if (opts.dotenv !== false && env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  // Empty strings count as unset, as in most deployment tools.
  const raw = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const got = raw[variable];
    const shown = variable.includes('SECRET') || variable.includes('PASSWORD') || got === undefined ? '' : ` (got "${got}")`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    publicUrl: trimSlash(c.PUBLIC_URL ?? `http://localhost:${c.PORT}`),
    // `memory://` keeps everything in memory (tests); anything else is a directory.
    dataDir: c.DATA_DIR === 'memory://' ? c.DATA_DIR : resolve(c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    secretKey: c.SECRET_KEY,
    adminEmail: c.ADMIN_EMAIL,
    adminPassword: c.ADMIN_PASSWORD,
    logLevel: c.LOG_LEVEL,
    inboxRetentionDays: c.INBOX_RETENTION_DAYS,
    sessionTtlHours: c.SESSION_TTL_HOURS,
    workerConcurrency: c.WORKER_CONCURRENCY,
    trustProxy: c.TRUST_PROXY,
    apis: {
      moyskladJson: trimSlash(c.MOYSKLAD_API_URL),
      moyskladPhone: trimSlash(c.MOYSKLAD_PHONE_API_URL),
      moyskladVendor: trimSlash(c.MOYSKLAD_VENDOR_API_URL),
      uisCall: trimSlash(c.UIS_CALL_API_URL),
      uisData: trimSlash(c.UIS_DATA_API_URL),
    },
  };
}

/** The documented settings, for the README table and `--help`. */
export const CONFIG_VARIABLES = Object.keys(schema.shape);
