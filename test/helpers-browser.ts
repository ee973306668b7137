/** Headless Debian Chromium through playwright-core (no browser download; a fresh profile per launch). */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
