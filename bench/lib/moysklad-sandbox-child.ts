// Child side of ./moysklad-sandbox-process.ts: starts the sandbox with the options given as JSON
// and prints READY with its address and first account.
import { startMoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';

const sandbox = await startMoyskladSandbox(JSON.parse(process.argv[2] ?? '{}'));
const [account] = sandbox.control.accounts.list();
process.stdout.write(`READY ${JSON.stringify({ url: sandbox.url, baseJsonUrl: sandbox.baseJsonUrl, account: { name: account!.name, login: account!.login, password: account!.password, weights: account!.weights } })}\n`);
process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
