import type { Logger } from 'pino';
import type { Config } from '../config.ts';

export async function runDemo(_config: Config, _log: Logger): Promise<void> {
  throw new Error('demo: not built yet — it arrives with the sandboxes (see README)');
}
