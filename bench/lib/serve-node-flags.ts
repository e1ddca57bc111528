// The Node.js flags `npm start` runs `serve` with (package.json), so a benchmark's connector process
// runs as production does and the two cannot drift apart.
import { readFileSync } from 'node:fs';

export function serveNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((a) => /^--max-old-space-size=\d+$/.test(a));
}
