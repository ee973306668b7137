/** Headless Debian Chromium through playwright-core (no browser download; a fresh profile per launch). */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.MP_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or null. CI installs chromium, so there it never skips. */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  return process.env.CI ? null : `no Chromium at ${CHROMIUM} (apt-get install chromium; CI installs it)`;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new page that records every console error and uncaught page error (tests assert the list is empty). */
export async function pageWithErrors(browser: Browser, viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  return { page, errors };
}
