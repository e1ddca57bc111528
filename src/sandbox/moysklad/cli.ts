import { parseArgs } from 'node:util';
import { startMoyskladSandbox, type MoyskladSandbox } from './index.ts';
import type { AccountOptions } from './options.ts';

const HELP = `uis-moysklad sandbox moysklad [options]

  --port N              port (env MOYSKLAD_SANDBOX_PORT, default 4010)
  --host H              host (env MOYSKLAD_SANDBOX_HOST, default 127.0.0.1)
  --orders N            customer orders to generate (env MOYSKLAD_SANDBOX_ORDERS, default 200)
  --seed N              PRNG seed (env MOYSKLAD_SANDBOX_SEED, default 1)
  --account NAME        account name (env MOYSKLAD_SANDBOX_ACCOUNT, default "sandbox")
  --login L             login (env MOYSKLAD_SANDBOX_LOGIN, default admin@<account>)
  --password P          password (env MOYSKLAD_SANDBOX_PASSWORD, default <account>-password)
  --token T             JSON API user token (env MOYSKLAD_SANDBOX_TOKEN, default <account>-user-token)
  --solution-token T    JSON API solution token (env MOYSKLAD_SANDBOX_SOLUTION_TOKEN, default <account>-solution-token)
  --phone-key K         Phone API key (env MOYSKLAD_SANDBOX_PHONE_KEY, default <account>-phone-key)
  --user-weight W       rate weight of login/password and user tokens (env MOYSKLAD_SANDBOX_USER_WEIGHT, default 4)
  --latency MS          latency added to every API request (env MOYSKLAD_SANDBOX_LATENCY_MS, default 0)
  --public-url URL      origin used in hrefs (env MOYSKLAD_SANDBOX_PUBLIC_URL)
`;

/** Entry point of `uis-moysklad sandbox moysklad`; resolves with the running sandbox. */
export async function runMoyskladSandboxCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<MoyskladSandbox | undefined> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' }, host: { type: 'string' }, orders: { type: 'string' }, seed: { type: 'string' },
      account: { type: 'string' }, login: { type: 'string' }, password: { type: 'string' }, token: { type: 'string' },
      'solution-token': { type: 'string' }, 'phone-key': { type: 'string' }, 'user-weight': { type: 'string' },
      latency: { type: 'string' }, 'public-url': { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? env[`MOYSKLAD_SANDBOX_${name}`];
  const num = (v: string | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${what}: not a number: ${v}`);
    return n;
  };
  const name = pick(values.account, 'ACCOUNT') ?? 'sandbox';
  const weight = num(pick(values['user-weight'], 'USER_WEIGHT'), 'user-weight');
  const orders = num(pick(values.orders, 'ORDERS'), 'orders');
  const seed = num(pick(values.seed, 'SEED'), 'seed');
  const account: AccountOptions = { name, seed: { ...(orders !== undefined ? { orders } : {}), ...(seed !== undefined ? { seed } : {}) } };
  const setStr = (k: 'login' | 'password' | 'token' | 'solutionToken' | 'phoneKey', v: string | undefined): void => {
    if (v) account[k] = v;
  };
  setStr('login', pick(values.login, 'LOGIN'));
  setStr('password', pick(values.password, 'PASSWORD'));
  setStr('token', pick(values.token, 'TOKEN'));
  setStr('solutionToken', pick(values['solution-token'], 'SOLUTION_TOKEN'));
  setStr('phoneKey', pick(values['phone-key'], 'PHONE_KEY'));
  if (weight !== undefined) account.weights = { password: weight, userToken: weight };
  const latency = num(pick(values.latency, 'LATENCY_MS'), 'latency');
  const publicUrl = pick(values['public-url'], 'PUBLIC_URL');
  const started = Date.now();
  const sb = await startMoyskladSandbox({
    port: num(pick(values.port, 'PORT'), 'port') ?? 4010,
    host: pick(values.host, 'HOST') ?? '127.0.0.1',
    accounts: [account],
    ...(latency !== undefined ? { latencyMs: latency } : {}),
    ...(publicUrl ? { publicUrl } : {}),
  });
  const info = sb.control.accounts.list()[0];
  const lines = [
    `MoySklad sandbox is up (${Date.now() - started} ms)`,
    `  JSON API 1.2   ${sb.baseJsonUrl}`,
    `  Phone API 1.0  ${sb.basePhoneUrl}`,
    `  Inspector      ${sb.inspectorUrl}`,
    `  Admin API      ${sb.url}/__sandbox/{accounts,faults,latency,counters,reset,webhooks/deliveries}`,
    `Account "${info?.name}" (${info?.accountId}): ${info?.counts['customerorder']} orders, ${info?.counts['counterparty']} counterparties`,
    `  login / password   ${info?.login} / ${info?.password}   (Authorization: Basic, weight ${info?.weights.password})`,
    `  user token         ${info?.tokens[0]}   (Authorization: Bearer, weight ${info?.weights.userToken})`,
    `  solution token     ${info?.solutionToken}   (Authorization: Bearer, weight ${info?.weights.solution})`,
    `  Phone API key      ${info?.phoneKey}   (Lognex-Phone-Auth-Token)`,
    `Try: curl --compressed -u '${info?.login}:${info?.password}' '${sb.baseJsonUrl}/entity/customerorder?limit=2'`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = (): void => {
    void sb.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return sb;
}
