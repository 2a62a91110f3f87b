// The field app's first load on a village line (issue 14): a phone (390×844) with no cache opens the console at an
// emulated 1.6 Mbit/s down, 750 kbit/s up and 150 ms round trip (Chrome's network emulation), logs in as the demo
// visitor and waits for the first worklist row. Prints bytes on the wire (as the browser received them, compressed)
// and the times, then the service worker's cache size once it has installed, and what IndexedDB holds.
//   pnpm start            (another terminal: API + console with demo data on :4000)
//   node bench/field-load.mjs [http://localhost:4000] [username] [password]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(path.join(ROOT, 'tests/package.json'))('playwright-core');
const [url = 'http://localhost:4000', username = 'visitor', password = 'demo1234'] = process.argv.slice(2);
const KBIT = 1000 / 8;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
});
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1600 * KBIT, uploadThroughput: 750 * KBIT });
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
  });
  const t0 = Date.now();
  await page.goto(`${url}/login`, { waitUntil: 'load' });
  await page.locator('[data-test=login-submit]').waitFor();
  const loginMs = Date.now() - t0;
  const loginBytes = bytes;
  const loginRequests = requests;
  await page.locator('input[data-test=username], [data-test=username] input').first().fill(username);
  await page.locator('input[data-test=password], [data-test=password] input').first().fill(password);
  const t1 = Date.now();
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=worklist-row]').first().waitFor({ timeout: 120_000 });
  const worklistMs = Date.now() - t1;
  const pageBytes = bytes;
  // The service worker precaches the shell in the background (its own fetches are not the page's): wait for it.
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cache = await page.evaluate(async () => {
    let total = 0;
    let entries = 0;
    for (const name of await caches.keys()) {
      const c = await caches.open(name);
      for (const req of await c.keys()) {
        const res = await c.match(req);
        total += (await res.arrayBuffer()).byteLength;
        entries += 1;
      }
    }
    const estimate = await navigator.storage.estimate();
    return { total, entries, usage: estimate.usage };
  });
  const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
  console.log(`login page: ${kb(loginBytes)} on the wire in ${loginRequests} requests, form ready after ${(loginMs / 1000).toFixed(1)} s`);
  console.log(`login → first worklist row: ${(worklistMs / 1000).toFixed(1)} s; page total ${kb(pageBytes)} on the wire in ${requests} requests`);
  console.log(`service worker cache: ${cache.entries} files, ${kb(cache.total)} uncompressed; origin storage in use ${kb(cache.usage)}`);
} finally {
  await browser.close();
}
