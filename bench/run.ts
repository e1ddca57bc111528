// Runs every bench/*.bench.ts (or those whose name contains one of the arguments), each in its own
// process so one benchmark's memory and timers cannot skew another's, and merges the numbers they
// print into bench/results.json. A benchmark file's default export returns Record<string, number|string>;
// `npm run bench -- popup intake` runs only the matching ones.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const resultsFile = join(here, 'results.json');
const MARK = '@@BENCH_RESULT@@';

if (process.argv[2] === '--child') {
  const mod = await import(process.argv[3]!);
  const result = await mod.default();
  process.stdout.write(`\n${MARK}${JSON.stringify(result)}\n`);
  process.exit(0);
}

const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const results: Record<string, unknown> = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
let failed = 0;
for (const file of files) {
  process.stderr.write(`\n=== ${file}\n`);
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', join(here, file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (child.status !== 0 || !line) {
    failed++;
    process.stderr.write(`${file} failed (exit ${child.status})\n${child.stdout.slice(-4000)}\n`);
    continue;
  }
  const result = JSON.parse(line.slice(MARK.length));
  Object.assign(results, result, { [`${file.replace('.bench.ts', '')}_run_seconds`]: Math.round((Date.now() - started) / 100) / 10 });
  process.stderr.write(`${JSON.stringify(result, null, 2)}\n`);
}
results.generated_at = new Date().toISOString();
writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
process.stderr.write(`\nwrote ${resultsFile}${failed ? ` (${failed} benchmark(s) failed)` : ''}\n`);
process.exit(failed ? 1 : 0);
