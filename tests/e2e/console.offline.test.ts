import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';

// The field app offline (issue 14): the built console's service worker, the sealed offline copies and the outbox,
// in Debian's Chromium with phone emulation, against the real API and database. The network is cut with
// `context.setOffline(true)`, which the page, its fetches and its service worker all see.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };

describe('the field app offline in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function phone(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ ...PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { context, page, errors };
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.locator('input[data-test=username], [data-test=username] input').first().fill(username);
    await page.locator('input[data-test=password], [data-test=password] input').first().fill('demo1234');
    await page.locator('[data-test=login-submit]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  /** The service worker controls the page once it has installed (precached the shell) and claimed it. */
  async function swControls(page: Page): Promise<void> {
    await page.evaluate(() => navigator.serviceWorker.ready);
    await poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  }

  it('is installable: a manifest with icons, and a service worker that precaches the shell', async () => {
    const manifest = await fetch(`${server.url}/manifest.webmanifest`);
    expect(manifest.status).toBe(200);
    const body = (await manifest.json()) as { short_name: string; display: string; start_url: string; icons: { sizes: string }[] };
    expect(body).toMatchObject({ short_name: '探访', display: 'standalone', start_url: '/' });
    expect(body.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of ['/icon-192.png', '/icon-512.png']) expect((await fetch(`${server.url}${icon}`)).headers.get('content-type')).toBe('image/png');

    const { context, page, errors } = await phone();
    await logIn(page, 'visitor');
    await swControls(page);
    // What the service worker keeps: the app's own files only, never an API answer.
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      return urls;
    });
    expect(cached).toEqual(expect.arrayContaining(['/index.html', '/manifest.webmanifest']));
    expect(cached.filter((u) => u.startsWith('/graphql') || u.startsWith('/reports'))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sends the console precompressed and API answers compressed, and tells caches the encoding varies', async () => {
    const page = await fetch(`${server.url}/elders`, { headers: { 'accept-encoding': 'br' } });
    expect(page.headers.get('content-encoding')).toBe('br');
    expect(page.headers.get('vary')).toContain('Accept-Encoding');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<div id="app">');
    const html = await fetch(`${server.url}/index.html`, { headers: { 'accept-encoding': 'gzip' } });
    expect(html.headers.get('content-encoding')).toBe('gzip');
    const plain = await fetch(`${server.url}/index.html`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const script = (await plain.text()).match(/\/assets\/index-[^"]+\.js/)![0];
    const asset = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(asset.headers.get('content-encoding')).toBe('br');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    // A GraphQL answer over 1 kB is compressed on the fly.
    const answer = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
    });
    expect(answer.headers.get('content-encoding')).toBe('gzip');
    expect((await answer.json()) as object).toHaveProperty('data.__schema');
  });

  it('opens from the service worker without a network, as the same user, and says it is offline', async () => {
    const { context, page, errors } = await phone();
    await logIn(page, 'visitor');
    await swControls(page);
    await context.setOffline(true);
    const reload = await page.reload();
    expect(reload?.fromServiceWorker()).toBe(true);
    await poll(() => page.locator('[data-test=offline-badge]').isVisible()).toBe(true);
    // The profile came from the sealed copy: the menu knows the user's pages without asking the API.
    await page.locator('[data-test=menu-button]').click();
    await poll(() => page.locator('[data-test=menu-drawer]').textContent()).toContain('待上传记录');
    await page.screenshot({ path: path.join(OUTPUT, 'offline-start.png') });
    // The sealed copies are not readable as text in IndexedDB.
    const raw = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('tanfang-offline');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const all = await new Promise<unknown[]>((resolve) => {
        const r = db.transaction('cache').objectStore('cache').getAll();
        r.onsuccess = () => resolve(r.result);
      });
      return JSON.stringify(all.map((e) => Array.from(new Uint8Array((e as { box: { data: ArrayBuffer } }).box.data))));
    });
    expect(raw).not.toContain(String(Array.from(new TextEncoder().encode('visitor'))));
    expect(errors).toEqual([]);
    await context.close();
  });
});
