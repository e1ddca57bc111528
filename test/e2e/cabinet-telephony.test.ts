// The telephony integration's tools in Chromium: «Проверить подключение» gives a verdict per link
// (a missing Ключ доступа is an error, optional keys are «не задан»), and «Уведомления UIS» lists
// exactly the server's notifications with copyable URLs and body templates.
// SCREENSHOTS=1 saves the page to tmp-scratch/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { WEB_DIST } from '../../src/http/routes/web.ts';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { SHOTS, hasChromium, launchChromium, loginThroughForm } from '../helpers/browser.ts';


describe('cabinet: telephony tools in Chromium', { skip: !hasChromium, timeout: 40_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let api: ApiClient;
  let id: string;

  before(async () => {
    assert.ok(existsSync(`${WEB_DIST}/index.html`), 'web/dist is missing: run `npm run prepare` before the browser tests');
    [app, browser] = await Promise.all([
      startTestApp(),
      launchChromium(),
    ]);
    api = new ApiClient(app.url);
    await api.login();
    const created = await api.req('POST', '/api/v1/integrations', { kind: 'moysklad-telephony' });
    assert.equal(created.status, 201, created.text);
    id = created.json.id;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    await loginThroughForm(page, app.url);
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('«Проверить подключение» shows the server verdict of each link', async () => {
    await page.goto(`${app.url}/integrations/${id}`);
    const tools = page.getByRole('region', { name: 'Инструменты телефонии' });
    await tools.getByRole('button', { name: 'Проверить подключение' }).click();
    const verdicts = tools.getByTestId('verdict');
    await verdicts.first().waitFor();
    const server = (await api.req('GET', `/api/v1/integrations/${id}/check`)).json as { links: { title: string; status: string; message: string }[] };
    assert.equal(await verdicts.count(), server.links.length);
    for (const [i, l] of server.links.entries()) {
      assert.equal(await verdicts.nth(i).getAttribute('data-status'), l.status);
      assert.match(await verdicts.nth(i).innerText(), new RegExp(l.title.replace(/[()«»]/g, '.')));
    }
    assert.equal(await verdicts.nth(0).getAttribute('data-status'), 'error', 'no Ключ доступа chosen');
    await tools.getByText('Есть проблемы с подключением').waitFor();
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/cabinet-telephony-check.png`, fullPage: true });
    }
  });

  test('«Уведомления UIS» lists each notification with its URL and a copyable body', async () => {
    const tools = page.getByRole('region', { name: 'Инструменты телефонии' });
    await tools.getByRole('tab', { name: 'Уведомления UIS' }).click();
    const items = tools.getByTestId('uis-notification');
    await items.first().waitFor();
    const server = (await api.req('GET', `/api/v1/integrations/${id}/uis-notifications`)).json as { notifications: { eventType: string; url: string; bodyTemplate: string }[] };
    assert.ok(server.notifications.length > 0);
    assert.equal(await items.count(), server.notifications.length);
    const first = server.notifications[0]!;
    assert.equal(await items.first().getByRole('textbox').inputValue(), first.url);
    assert.match(await items.first().innerText(), new RegExp(first.eventType.replace(/[()«»]/g, '.')));
    await items.first().getByRole('button', { name: 'Копировать тело' }).click();
    await items.first().getByRole('button', { name: 'Скопировано' }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), first.bodyTemplate);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/cabinet-telephony-notifications.png`, fullPage: true });
  });

  test('«Правила» shows the default rules in Russian; a disabled rule is saved; the preview tells what would happen', async () => {
    await page.goto(`${app.url}/integrations/${id}/rules`);
    const rules = page.getByTestId('rule');
    await rules.first().waitFor();
    const server = (await api.req('GET', `/api/v1/integrations/${id}/rules`)).json as { rules: { name: string }[] };
    assert.equal(await rules.count(), server.rules.length);
    await page.getByRole('region', { name: 'Проверить на примере' }).getByRole('button', { name: 'Проверить' }).click();
    const preview = page.getByTestId('preview-result');
    await preview.waitFor();
    assert.match(await preview.innerText(), /задач/);
    await rules.nth(1).getByRole('switch').click();
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.locator('.toast').filter({ hasText: 'Правила сохранены' }).waitFor();
    const saved = (await api.req('GET', `/api/v1/integrations/${id}/rules`)).json as { rules: { enabled: boolean }[]; isDefault: boolean };
    assert.equal(saved.isDefault, false);
    assert.deepEqual(saved.rules.map((r) => r.enabled), [true, false]);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/cabinet-rules.png`, fullPage: true });
  });
});
