import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { loadConfig } from '../../packages/api/src/config/env.js';

// The console tests' shared harness: Debian's Chromium (never a downloaded browser) driving the built console.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots and downloads of the console tests. */
export const OUTPUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../.output/e2e');

/** Fails at once, saying what to do, when the console is not built or Chromium is missing. */
export function requireBuiltConsole(): void {
  const dist = loadConfig().adminDist;
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error(`The console is not built (${dist}): run \`pnpm build\` first.`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  fs.mkdirSync(OUTPUT, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A new page in a context of its own (Chinese locale, the given viewport), whose console errors and uncaught page
 * errors are collected into `errors` with the page's address, so a test can end by expecting none.
 */
export async function newConsolePage(
  browser: Browser,
  errors: string[],
  options: { viewport?: { width: number; height: number }; timeout?: number } = {},
): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: options.viewport ?? { width: 1366, height: 768 } });
  const page = await context.newPage();
  page.setDefaultTimeout(options.timeout ?? 15_000);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  return page;
}

/** Logs a demo user in through the console's login form (tapped on a touch context) and waits to leave /login. */
export async function logInAs(page: Page, baseUrl: string, username: string, password = 'demo1234'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[data-test=username], [data-test=username] input').first().fill(username);
  await page.locator('input[data-test=password], [data-test=password] input').first().fill(password);
  const submit = page.locator('[data-test=login-submit]');
  // A phone context (hasTouch) is driven by taps, as a finger would.
  if (await page.evaluate(() => 'ontouchstart' in window)) await submit.tap();
  else await submit.click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** A GraphQL call over HTTP with a bearer token, failing the test on any error. */
export async function graphqlAs<T>(baseUrl: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** The session token the console in this page holds (a browser tab keeps it in sessionStorage). */
export async function consoleToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => sessionStorage.getItem('tanfang.token'));
  if (!token) throw new Error('the page holds no session token: log in first');
  return token;
}
