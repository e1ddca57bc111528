// `uis-moysklad sandbox uis --port N --target <hook base url>` — runs the UIS sandbox, and with
// --rate plays traffic into the target.
import { parseArgs } from 'node:util';
import { startUisSandbox, SANDBOX_ACCESS_TOKEN, type UisSandbox } from './server.ts';
import { SCENARIOS, type ScenarioKind, type ScenarioMix } from './simulator/index.ts';

const USAGE = `usage: uis-moysklad sandbox uis [--port N] [--host H] [--target <notification base url>]
  [--chat-target <chat webhook url>] [--token T] [--seed N] [--time-scale X]
  [--duplicates P] [--shuffle-ms N] [--rate N [--mix kind=w,...] [--count N] [--duration-ms N] [--arrivals even|poisson]]
scenario kinds: ${SCENARIOS.join(', ')}`;

export function parseMix(text: string): ScenarioMix {
  const mix: ScenarioMix = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [k, w] = part.split('=');
    if (!k || !(SCENARIOS as readonly string[]).includes(k)) throw new Error(`unknown scenario "${k}"`);
    const weight = Number(w ?? '1');
    if (!(weight >= 0)) throw new Error(`bad weight for ${k}`);
    mix[k as ScenarioKind] = weight;
  }
  return mix;
}

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

export async function runUisSandboxCli(argv: string[], out: (line: string) => void = (l) => console.log(l)): Promise<UisSandbox> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      target: { type: 'string' },
      'chat-target': { type: 'string' },
      token: { type: 'string' },
      seed: { type: 'string' },
      'time-scale': { type: 'string' },
      duplicates: { type: 'string' },
      'shuffle-ms': { type: 'string' },
      rate: { type: 'string' },
      mix: { type: 'string' },
      count: { type: 'string' },
      'duration-ms': { type: 'string' },
      arrivals: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    out(USAGE);
    throw Object.assign(new Error('help shown'), { code: 'HELP' });
  }
  const arrivals = values.arrivals;
  if (arrivals !== undefined && arrivals !== 'even' && arrivals !== 'poisson') throw new Error('--arrivals must be even or poisson');
  const token = values.token ?? SANDBOX_ACCESS_TOKEN;
  const sandbox = await startUisSandbox({
    port: num(values.port, 'port') ?? 0,
    host: values.host ?? '127.0.0.1',
    target: values.target ?? null,
    chatTarget: values['chat-target'] ?? null,
    accessTokens: [token],
    seed: num(values.seed, 'seed') ?? 1,
    timeScale: num(values['time-scale'], 'time-scale') ?? 1,
    duplicateProbability: num(values.duplicates, 'duplicates') ?? 0,
    shuffleWindowMs: num(values['shuffle-ms'], 'shuffle-ms') ?? 0,
  });
  out(`UIS sandbox listening on ${sandbox.url}`);
  out(`  Call API: ${sandbox.callApiUrl}`);
  out(`  Data API: ${sandbox.dataApiUrl}`);
  out(`  access token: ${token === SANDBOX_ACCESS_TOKEN ? token : '(as given)'}`);
  out(`  notifications → ${values.target ?? '(no target: not delivered)'}`);
  const rate = num(values.rate, 'rate');
  if (rate !== undefined) {
    const count = num(values.count, 'count');
    const durationMs = num(values['duration-ms'], 'duration-ms');
    const run = sandbox.control.simulator.runTraffic({
      rate,
      ...(values.mix ? { mix: parseMix(values.mix) } : {}),
      ...(count !== undefined ? { count } : {}),
      ...(arrivals ? { arrivals } : {}),
      durationMs: durationMs ?? (count === undefined ? 60_000 : undefined),
    } as Parameters<typeof sandbox.control.simulator.runTraffic>[0]);
    void run.then(
      (r) => out(`traffic done: ${r.started} communications, ${r.sent} requests sent, ${r.failed} failed, ${r.duplicates} duplicates`),
      (e: Error) => out(`traffic failed: ${e.message}`),
    );
  }
  return sandbox;
}
