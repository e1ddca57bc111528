// The cabinet in a real browser (Debian's Chromium through playwright-core) against the real
// program: log in, add the telephony «Ключ доступа», connect telephony the way the product
// description says, copy the Webhook URL, see an unparseable callback in the inbox, and check
// that no secret we typed ever comes back to the browser.
// SCREENSHOTS=1 also saves the main pages to tmp-scratch/ for a look.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { WEB_DIST } from '../../src/http/routes/web.ts';
import { ADMIN, ApiClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { SHOTS, hasChromium, launchChromium, loginThroughForm } from '../helpers/browser.ts';

const PHONE_KEY = 'phone-key-5f0c1b7e9a2d4c6b8e1f3a5c7d9e0b2a';
const MS_PASSWORD = 'ms-password-Zq8-never-shown';


describe('cabinet web UI in Chromium', { skip: !hasChromium, timeout: 60_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: ApiClient;
  /** Every response body the browser received, to prove secrets never travel back. */
  const received: string[] = [];

  const shot = async (name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/cabinet-${name}.png`, fullPage: true });
  };
  const nav = (label: string) => page.getByRole('navigation', { name: 'Разделы' }).getByRole('link', { name: label }).click();

  before(async () => {
    assert.ok(existsSync(`${WEB_DIST}/index.html`), 'web/dist is missing: run `npm run prepare` before the browser tests');
    [app, browser] = await Promise.all([
      startTestApp(),
      launchChromium(),
    ]);
    const home = await fetch(app.url + '/');
    assert.match(home.headers.get('content-type') ?? '', /text\/html/, 'GET / is not the cabinet page: is webRoutes registered in src/http/app.ts?');
    api = new ApiClient(app.url);
    await api.login();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'ru-RU' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('response', async (res) => {
      if (/json|html|javascript/.test(res.headers()['content-type'] ?? '')) received.push(await res.text().catch(() => ''));
    });
  });

  after(async () => {
    await browser?.close();
    await app?.close();
  });

  test('serves the SPA for client routes, keeps API 404s as JSON, caches hashed assets', async () => {
    const deep = await fetch(app.url + '/integrations/some-id');
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api404 = await fetch(app.url + '/api/v1/no-such-thing');
    assert.equal(api404.status, 404);
    assert.equal(((await api404.json()) as { error: { code: string } }).error.code, 'not_found');
    const html = await (await fetch(app.url + '/')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, 'index.html references a hashed script');
    const res = await fetch(app.url + asset);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(app.url + '/assets/gone-1234.js')).status, 404);
  });

  test('log in through the form (wrong password first)', async () => {
    await page.goto(app.url + '/');
    await shot('login');
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Пароль').fill('not the password');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('alert').filter({ hasText: 'Неверный e-mail или пароль' }).waitFor();
    await page.getByLabel('Пароль').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Интеграции', level: 1 }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/integrations');
    await page.getByText('Пока ничего не подключено').waitFor();
    await shot('integrations-empty');
  });

  test('add the telephony «Ключ доступа» as credentials; the secret shows only as «задан»', async () => {
    await nav('Учетные данные');
    await page.getByText('Учетных данных пока нет').waitFor();
    await page.getByRole('button', { name: 'Добавить учетные данные' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Новые учетные данные' });
    await dialog.getByLabel('Тип').selectOption({ label: 'МойСклад — ключ доступа телефонии' });
    await dialog.getByLabel('Название').fill('Телефония, основной');
    await dialog.getByLabel('Token (Ключ доступа)').fill(PHONE_KEY);
    await dialog.getByRole('button', { name: 'Добавить', exact: true }).click();
    const row = page.getByTestId('credential-row').filter({ hasText: 'Телефония, основной' });
    await row.waitFor();
    assert.match(await row.innerText(), /задан/);
    assert.equal(await dialog.count(), 0);
    const creds = (await api.req('GET', '/api/v1/credentials')).json as { name: string; kind: string }[];
    assert.deepEqual(
      creds.map((c) => [c.name, c.kind]),
      [['Телефония, основной', 'moysklad-phone-key']],
    );
    await shot('credentials');
  });

  test('connect telephony following the seed steps: credentials, Активен, Webhook URL, внутренние звонки, save', async () => {
    await nav('Интеграции');
    await page.locator('.catalog-card[data-kind="moysklad-telephony"]').getByRole('button', { name: 'Подключить' }).click();
    await page.getByRole('heading', { name: 'Шаги по подключению' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;

    // Step 1: pick the credentials added before.
    await page.getByLabel('Ключ доступа приложения «Телефония»').selectOption({ label: 'Телефония, основной — МойСклад — ключ доступа телефонии' });
    // Step 2: Активен.
    await page.getByRole('switch', { name: 'Активен' }).click();
    // Step 3: the Webhook URL for «Адрес провайдера телефонии», with a working copy button.
    const hook = page.getByTestId('hook-webhookUrl');
    const url = await hook.getByRole('textbox').inputValue();
    const server = (await api.req('GET', `/api/v1/integrations/${id}`)).json as { hookUrls: Record<string, string> };
    assert.equal(url, server.hookUrls.webhookUrl);
    assert.match(url, /\/hooks\/moysklad\/[^/]+\/phone$/);
    await hook.getByRole('button', { name: 'Копировать' }).click();
    await hook.getByRole('button', { name: 'Скопировано' }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), url);
    // Step 4: Показывать внутренние звонки. Step 5: Сохранить.
    await page.getByRole('switch', { name: 'Показывать внутренние звонки' }).click();
    await shot('integration-telephony');
    await page.getByRole('button', { name: 'Сохранить' }).first().click();
    await page.locator('.toast').filter({ hasText: 'Сохранено' }).waitFor();

    const saved = (await api.req('GET', `/api/v1/integrations/${id}`)).json as { active: boolean; credentialIds: Record<string, string>; settings: Record<string, unknown> };
    const creds = (await api.req('GET', '/api/v1/credentials')).json as { id: string }[];
    assert.equal(saved.active, true);
    assert.equal(saved.credentialIds.phoneKey, creds[0]!.id);
    assert.equal(saved.settings.showInternalCalls, true);
    await page.locator('.page-header').getByText('Активна').waitFor();
  });

  test('rotating the secret asks first, then shows the new Webhook URL', async () => {
    const field = page.getByTestId('hook-webhookUrl').getByRole('textbox');
    const before = await field.inputValue();
    await page.getByRole('button', { name: 'Сменить адреса' }).click();
    const dialog = page.getByRole('dialog', { name: 'Сменить секретные адреса?' });
    await dialog.getByText('старые перестанут работать сразу').waitFor();
    await dialog.getByRole('button', { name: 'Отмена' }).click();
    assert.equal(await field.inputValue(), before);
    await page.getByRole('button', { name: 'Сменить адреса' }).click();
    await dialog.getByRole('button', { name: 'Сменить адреса' }).click();
    await page.locator('.toast').filter({ hasText: 'Адреса изменены' }).waitFor();
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await field.inputValue();
    }
    assert.notEqual(after, before);
    assert.match(after, /\/hooks\/moysklad\/[^/]+\/phone$/);
  });

  test('deals: add MoySklad login+password right in the step («Добавить учетные данные») and activate', async () => {
    await nav('Интеграции');
    await page.locator('.catalog-card[data-kind="moysklad-deals"]').getByRole('button', { name: 'Подключить' }).click();
    await page.getByRole('heading', { name: 'Шаги по подключению' }).waitFor();
    await page.getByRole('switch', { name: 'МойСклад — передача сделок' }).click();
    // Saving without credentials is refused in Russian before any request.
    await page.getByRole('button', { name: 'Сохранить' }).first().click();
    await page.getByText('Чтобы включить интеграцию, укажите').waitFor();
    await page.getByRole('button', { name: 'Добавить учетные данные' }).first().click();
    const form = page.getByRole('form', { name: 'Новые учетные данные' });
    await form.getByRole('radio', { name: 'Логин и пароль' }).click();
    await form.getByLabel('Название').fill('МойСклад админ');
    await form.getByLabel('Логин МойСклад').fill('admin@romashka');
    await form.getByLabel('Пароль').fill(MS_PASSWORD);
    await form.getByRole('button', { name: 'Добавить и выбрать' }).click();
    await page.getByRole('button', { name: 'Сохранить' }).first().click();
    await page.locator('.page-header').getByText('Активна').waitFor();
    const list = (await api.req('GET', '/api/v1/integrations')).json as { kind: string; active: boolean; credentialIds: Record<string, string> }[];
    const deals = list.find((i) => i.kind === 'moysklad-deals')!;
    assert.equal(deals.active, true);
    assert.ok(deals.credentialIds.moysklad);
  });

  test('"credentials rejected" is shown prominently on the list and the integration page', async () => {
    const accountId = ((await api.req('GET', '/api/v1/me')).json as { account: { id: string } }).account.id;
    const list = (await api.req('GET', '/api/v1/integrations')).json as { id: string; kind: string }[];
    const tel = list.find((i) => i.kind === 'moysklad-telephony')!;
    // What a worker records when MoySklad answers 401 to the Phone API key.
    await app.ctx.integrationsRepo.update(accountId, tel.id, { status: 'credentials_rejected', statusReason: 'Phone API answered 401: invalid token' });
    await nav('Учетные данные');
    await nav('Интеграции');
    const card = page.locator('[data-testid="integration-card"][data-kind="moysklad-telephony"]');
    await card.getByRole('alert').filter({ hasText: 'МойСклад отклонил учетные данные' }).waitFor();
    assert.match(await card.innerText(), /Phone API answered 401: invalid token/);
    assert.match(await card.innerText(), /Учетные данные отклонены/);
    await shot('integrations');
  });

  test('inbox shows a callback we could not process, with its reason and raw body', async () => {
    const list = (await api.req('GET', '/api/v1/integrations')).json as { id: string; kind: string; hookUrls: Record<string, string> }[];
    const tel = list.find((i) => i.kind === 'moysklad-telephony')!;
    // The hook URLs carry PUBLIC_URL's origin; the app itself listens on app.url.
    const hook = new URL(tel.hookUrls.uisNotificationsBase! + '/call_started');
    const garbage = '{"call_session_id": {{call_session_id}, oops';
    const res = await fetch(app.url + hook.pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: garbage });
    assert.equal(res.status, 200);

    // Wait for the worker to settle it; then the page must show exactly what the server says.
    let item: { status: string; reason: string | null } | undefined;
    for (let i = 0; i < 100 && (!item || item.status === 'received'); i++) {
      item = ((await api.req('GET', '/api/v1/inbox')).json as { items: { status: string; reason: string | null }[] }).items[0];
      if (!item || item.status === 'received') await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(item && ['unparseable', 'failed'].includes(item.status), `settled as ${item?.status}`);
    assert.ok(item.reason, 'a settled-but-not-processed item carries a reason');

    await nav('Входящие');
    await page.getByRole('heading', { name: 'Входящие', level: 1 }).waitFor();
    await page.getByRole('tab', { name: item.status === 'unparseable' ? 'Не распознано' : 'Ошибки' }).click();
    const row = page.getByTestId('inbox-item').first();
    await row.getByTestId('inbox-reason').waitFor();
    assert.equal(await row.getByTestId('inbox-reason').innerText(), item.reason);
    assert.equal(await row.getAttribute('data-status'), item.status);
    await row.getByRole('button').first().click();
    assert.equal(await row.getByTestId('inbox-body').innerText(), garbage);
    assert.match(await row.innerText(), /\/hooks\/uis\/:secret\/call_started/);
    await shot('inbox');

    await page.getByRole('tab', { name: 'Обработано' }).click();
    await page.getByText('С таким статусом ничего нет').waitFor();
  });

  test('API token: shown once with a copy button, then only its prefix; revoke asks first', async () => {
    await nav('Пользователи и API-токены');
    await page.getByLabel('Название нового токена').fill('CRM-отчёты');
    await page.getByRole('button', { name: 'Создать токен' }).click();
    const dialog = page.getByRole('dialog', { name: 'Токен создан' });
    const token = await dialog.getByRole('textbox').inputValue();
    assert.match(token, /^usm_/);
    await dialog.getByRole('button', { name: 'Копировать' }).waitFor();
    await shot('users-token');
    const viaToken = await fetch(app.url + '/api/v1/integrations', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(viaToken.status, 200);
    await dialog.getByRole('button', { name: 'Я скопировал токен' }).click();
    assert.equal((await page.content()).includes(token), false);
    await page.getByRole('row', { name: /CRM-отчёты/ }).getByRole('button', { name: 'Отозвать' }).click();
    await page.getByRole('dialog', { name: 'Отозвать токен?' }).getByRole('button', { name: 'Отозвать' }).click();
    await page.getByText('Токенов пока нет').waitFor();
    assert.equal((await fetch(app.url + '/api/v1/integrations', { headers: { authorization: `Bearer ${token}` } })).status, 401);
  });

  test('operator creates an account with its owner and switches into it', async () => {
    await nav('Аккаунты');
    await page.getByRole('button', { name: 'Создать аккаунт' }).click();
    const dialog = page.getByRole('dialog', { name: 'Новый аккаунт' });
    await dialog.getByLabel('Название аккаунта').fill('ООО Ромашка');
    await dialog.getByLabel('E-mail владельца').fill('owner@romashka.test');
    await dialog.getByLabel('Пароль владельца').fill('short');
    await dialog.getByRole('button', { name: 'Создать' }).click();
    // The browser's own check (minlength) or the API's message: either way nothing is created.
    assert.equal(((await api.req('GET', '/api/v1/accounts')).json as unknown[]).length, 1);
    await dialog.getByLabel('Пароль владельца').fill('a long enough password');
    await dialog.getByRole('button', { name: 'Создать' }).click();
    await page.getByRole('row', { name: /ООО Ромашка/ }).getByRole('button', { name: 'Открыть' }).click();
    await page.getByText('Вы работаете в аккаунте').waitFor();
    await page.getByText('Пока ничего не подключено').waitFor();
    assert.match(await page.locator('.sidebar-account-name').innerText(), /ООО Ромашка/);
    await nav('Аккаунты');
    await shot('accounts');
    await page.getByRole('button', { name: 'Вернуться в свой аккаунт' }).click();
    await page.getByTestId('integration-card').first().waitFor();
    assert.equal(await page.getByText('Вы работаете в аккаунте').count(), 0);
  });

  test('no secret typed into the cabinet ever came back to the browser', () => {
    assert.ok(received.length > 10, `saw ${received.length} responses`);
    for (const body of received) {
      assert.equal(body.includes(PHONE_KEY), false, 'the phone key came back in a response');
      assert.equal(body.includes(MS_PASSWORD), false, 'the MoySklad password came back in a response');
    }
    for (const line of app.logs) {
      assert.equal(line.includes(PHONE_KEY) || line.includes(MS_PASSWORD), false, 'a secret reached the log');
    }
  });

  test('change password: a wrong current one is a Russian error with the detail; success asks to log in again', async () => {
    const NEW_PASSWORD = 'a brand new password 42';
    await page.getByRole('link', { name: 'Сменить пароль' }).click();
    await page.getByLabel('Текущий пароль').fill('wrong current password');
    await page.getByLabel('Новый пароль', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Новый пароль ещё раз').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Сменить пароль' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Пароль не изменён' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /current password is wrong/);
    await page.getByLabel('Текущий пароль').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Сменить пароль' }).click();
    await page.getByText('Пароль изменён. Войдите с новым паролем.').waitFor();
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Пароль').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Интеграции', level: 1 }).waitFor();
  });

  test('logout returns to the login form and the session is gone', async () => {
    await page.getByRole('button', { name: 'Выйти' }).click();
    await page.getByRole('heading', { name: 'Вход в кабинет' }).waitFor();
    await page.goto(app.url + '/credentials');
    await page.getByRole('heading', { name: 'Вход в кабинет' }).waitFor();
  });
});
