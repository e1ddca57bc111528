// The deals pages in Chromium against the real program and the MoySklad sandbox: after a backfill
// the list shows the deals, the funnel/stage filter narrows it, the CSV link exports exactly the
// filtered deals, and a deal opens with its stage history.
// SCREENSHOTS=1 saves the pages to tmp-scratch/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { WEB_DIST } from '../../src/http/routes/web.ts';
import { startMoyskladSandbox, type MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { SHOTS, hasChromium, launchChromium, loginThroughForm } from '../helpers/browser.ts';

const ORDERS = 120;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const until = async (what: string, fn: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('cabinet: Сырые данные → Сделки in Chromium', { skip: !hasChromium, timeout: 40_000 }, () => {
  let sandbox: MoyskladSandbox;
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let api: ApiClient;

  const shot = async (name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/cabinet-${name}.png`, fullPage: true });
  };

  before(async () => {
    assert.ok(existsSync(`${WEB_DIST}/index.html`), 'web/dist is missing: run `npm run prepare` before the browser tests');
    const port = await freePort();
    sandbox = await startMoyskladSandbox({ seed: { orders: ORDERS, seed: 7 } });
    [app, browser] = await Promise.all([
      startTestApp({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, MOYSKLAD_API_URL: sandbox.baseJsonUrl } }),
      launchChromium(),
    ]);
    api = new ApiClient(app.url);
    await api.login();
    const acc = sandbox.control.accounts.get('sandbox')!;
    const cred = await api.req('POST', '/api/v1/credentials', { kind: 'moysklad-basic', name: 'МойСклад', login: acc.login, secret: acc.password });
    assert.equal(cred.status, 201, cred.text);
    const created = await api.req('POST', '/api/v1/integrations', { kind: 'moysklad-deals', active: true, credentialIds: { moysklad: cred.json.id } });
    assert.equal(created.status, 201, created.text);
    await until('backfill to finish', async () => (await api.req('GET', '/api/v1/deals/sync')).json?.[0]?.phase === 'live', 25_000);

    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'ru-RU', acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    await loginThroughForm(page, app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await sandbox?.close();
  });

  test('lists the backfilled deals with the sync status; «Показать ещё» loads the next page', async () => {
    await page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: 'Сделки' }).click();
    await page.getByRole('heading', { name: 'Сделки', level: 1 }).waitFor();
    const sync = page.getByTestId('deals-sync');
    await sync.waitFor();
    assert.equal(await sync.getAttribute('data-phase'), 'live');
    assert.match(await sync.innerText(), new RegExp(`${ORDERS}`));
    const newest = (await api.req('GET', '/api/v1/deals/sync')).json[0].newestDeal;
    assert.match(await page.getByTestId('newest-deal').innerText(), new RegExp(newest.name));

    const rows = page.getByTestId('deal-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 50);
    const firstPage = (await api.req('GET', '/api/v1/deals?limit=50')).json.items as { name: string }[];
    assert.equal((await rows.first().locator('td').first().innerText()).trim(), firstPage[0]!.name);
    await shot('deals');
    await page.getByRole('button', { name: 'Показать ещё' }).click();
    await until('second page', async () => (await rows.count()) === 100, 8000);
  });

  test('filtering by a stage through the funnel narrows the list and the CSV exports exactly it', async () => {
    const stages = (await api.req('GET', '/api/v1/deals/stages')).json as { id: string; name: string }[];
    // The most populated stage, so the filter is visible but not everything.
    const counts = new Map<string, number>();
    for (const s of stages) counts.set(s.id, (await api.req('GET', `/api/v1/deals?stage=${s.id}&limit=500`)).json.items.length);
    const stage = [...stages].sort((a, b) => counts.get(b.id)! - counts.get(a.id)!)[0]!;
    const expected = counts.get(stage.id)!;
    assert.ok(expected > 0 && expected < ORDERS);

    await page.getByRole('region', { name: 'Воронка' }).getByRole('button', { name: stage.name, exact: true }).click();
    await until('stage filter', async () => new URL(page.url()).searchParams.get('stage') === stage.id, 4000);
    const rows = page.getByTestId('deal-row');
    await until('filtered rows', async () => {
      const n = await rows.count();
      const stagesShown = await rows.evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-stage')))]);
      return n === Math.min(50, expected) && stagesShown.length === 1 && stagesShown[0] === stage.id;
    }, 8000);
    assert.equal(await page.getByLabel('Этап').inputValue(), stage.id);
    await shot('deals-filtered');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('deals-csv').click()]);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(path);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM for Excel');
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    assert.match(lines[0]!, /^ID;Номер;Дата/);
    assert.equal(lines.length - 1, expected);
    assert.ok(lines.slice(1).every((l) => l.includes(`;${stage.name};`)));
  });

  test('a deal opens with its fields and stage history', async () => {
    const rows = page.getByTestId('deal-row');
    const name = (await rows.first().locator('td').first().innerText()).trim();
    await rows.first().getByRole('link').click();
    await page.getByRole('heading', { name: `Сделка ${name}` }).waitFor();
    await page.getByTestId('stage-history-row').first().waitFor();
    await shot('deal');
    await page.getByRole('link', { name: 'Сделки' }).first().click();
    await page.getByRole('heading', { name: 'Сделки', level: 1 }).waitFor();
    await page.goto(app.url + '/raw/deals/attribution');
    await page.getByRole('heading', { name: 'Выручка по источникам' }).waitFor();
    await page.getByTestId('attribution-row').first().waitFor();
    await shot('deals-attribution');
  });
});
