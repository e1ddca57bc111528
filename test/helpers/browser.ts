// Debian's Chromium driven by playwright-core for the cabinet tests (never a downloaded browser).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN } from './app.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`\n  !!! ${CHROMIUM} not found: cabinet browser tests are SKIPPED (apt-get install chromium)\n`);

/** Screenshots go to tmp-scratch/ when SCREENSHOTS=1. */
export const SHOTS = process.env.SCREENSHOTS === '1' ? 'tmp-scratch' : null;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // No background traffic: this machine reaches nothing but loopback.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Logs in through the cabinet's form and waits for the first page. */
export async function loginThroughForm(page: Page, baseUrl: string, who = ADMIN): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Пароль').fill(who.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('heading', { name: 'Интеграции', level: 1 }).waitFor();
}
