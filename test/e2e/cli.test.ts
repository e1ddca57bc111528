// The program as a user runs it: bad configuration, first start, restart, graceful stop.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiClient } from '../helpers/app.ts';
import { freePort, httpOk, runCli, waitFor } from '../helpers/process.ts';

test('a bad setting stops the program with one line naming it', async () => {
  const p = runCli(['serve'], { PORT: 'abc' });
  assert.equal(await p.exited, 1);
  const lines = p.err().trim().split('\n');
  assert.equal(lines.length, 1, p.err());
  assert.match(lines[0]!, /PORT/);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('first start prints a generated admin password once; data and login survive a restart; secrets are unreadable on disk', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'usm-cli-'));
  const port = await freePort();
  const env = { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
  const url = `http://127.0.0.1:${port}`;

  const first = runCli(['serve'], env);
  await waitFor('healthz', () => httpOk(`${url}/healthz`), 60_000);
  const password = /Password \(shown once[^)]*\): (\S+)/.exec(first.out())?.[1];
  assert.ok(password, first.out());
  const api = new ApiClient(url);
  await api.login('admin@localhost', password);
  const secret = 'very-secret-phone-key-4b1d9e';
  assert.equal((await api.req('POST', '/api/v1/credentials', { kind: 'moysklad-phone-key', name: 'Ключ', secret })).status, 201);
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, 'graceful stop exits 0');

  for (const file of filesUnder(dataDir)) {
    assert.ok(!readFileSync(file).includes(secret), `secret readable in ${file}`);
  }

  const second = runCli(['serve'], env);
  await waitFor('healthz after restart', () => httpOk(`${url}/healthz`), 60_000);
  assert.ok(!second.out().includes('Password'), 'the password is printed only on the first start');
  const again = new ApiClient(url);
  await again.login('admin@localhost', password);
  const list = await again.req('GET', '/api/v1/credentials');
  assert.deepEqual(list.json.map((c: any) => c.name), ['Ключ']);
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);

  // A different key cannot open the vault: refuse to start rather than fail later.
  const wrongKey = runCli(['serve'], { ...env, SECRET_KEY: 'cd'.repeat(32) });
  assert.equal(await wrongKey.exited, 1);
  assert.match(wrongKey.err().trim(), /^Invalid configuration: SECRET_KEY/);
});
