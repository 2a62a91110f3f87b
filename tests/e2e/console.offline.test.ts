import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { consoleToken, graphqlAs, launchChromium, logInAs, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';

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
    // The phone's clock is the real one: the API's clock too, so a visit recorded "now" is not in its future.
    t.clock.set(new Date().toISOString());
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
    t.clock.set(new Date().toISOString());
    const context = await browser.newContext({ ...PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { context, page, errors };
  }

  const logIn = (page: Page, username: string) => logInAs(page, server.url, username);

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
    // A GraphQL answer over 1 kB is compressed on the fly. (Anonymous introspection describes only login, logout and
    // me: with the types' descriptions, GraphQL's own included, it is still well over 1 kB.)
    const answer = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: JSON.stringify({ query: '{ __schema { types { name description } } }' }),
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

  interface WorkItem { overdue: boolean; elder: { id: string; name: string } }

  const api = async <T>(page: Page, query: string, variables: Record<string, unknown> = {}) => graphqlAs<T>(server.url, await consoleToken(page), query, variables);
  const apiAs = <T>(token: string, query: string, variables: Record<string, unknown> = {}) => graphqlAs<T>(server.url, token, query, variables);

  async function tokenOf(username: string): Promise<string> {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(username: "${username}", password: "demo1234") { token } }` }),
    });
    return ((await res.json()) as { data: { login: { token: string } } }).data.login.token;
  }

  /** A stroke across a signature pad, as a finger would draw it. */
  async function sign(page: Page, pad: string): Promise<void> {
    const canvas = page.locator(`[data-test=${pad}] canvas`);
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + 20 + i * 20, box.y + box.height / 2 + (i % 2 ? -25 : 25));
    await page.mouse.up();
  }

  /** Opens the worklist's elder by name (search, then tap) and waits for the form. */
  /**
   * Opens the phone's menu drawer until its logout shows. The drawer closes on any route change, and after a queued
   * visit the page may still be settling its address: on a loaded machine a single tap could open it just before
   * that closed it again (seen once in CI). Tapping the button only ever opens it.
   */
  async function openMenu(page: Page): Promise<void> {
    const logout = page.locator('[data-test=logout]');
    await poll(async () => {
      if (!(await logout.isVisible())) await page.locator('[data-test=menu-button]').tap({ timeout: 2_000 }).catch(() => undefined);
      return logout.isVisible();
    }).toBe(true);
  }

  async function openVisit(page: Page, elder: { id: string; name: string }): Promise<void> {
    if (!page.url().endsWith('/worklist')) await page.goto(`${server.url}/worklist`);
    const search = page.locator('input[data-test=worklist-search], [data-test=worklist-search] input').first();
    await search.fill(elder.name);
    await page.locator('[data-test=worklist-row]').filter({ hasText: elder.name }).first().tap();
    await page.waitForURL(new RegExp(`/elders/${elder.id}/visit`));
    await poll(() => page.locator('[data-test=visit-elder-name]').textContent()).toBe(elder.name);
  }

  async function chooseHome(page: Page): Promise<void> {
    await page.locator('[data-test=v-method]').getByText('上门入户').tap();
  }

  it('a visitor finds an elder and records a home visit with both signatures, a photo and the location', async () => {
    const { context, page, errors } = await phone();
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ latitude: 22.3765, longitude: 112.6982, accuracy: 12 });
    await logIn(page, 'visitor');
    await page.waitForURL(/\/worklist$/);
    const { myWorklist } = await api<{ myWorklist: WorkItem[] }>(page, `{ myWorklist { overdue elder { id name } } }`);
    const target = myWorklist[0]!;
    await openVisit(page, target.elder);
    await chooseHome(page);
    await page.locator('[data-test=v-locationConsent]').tap();
    await poll(() => page.locator('[data-test=v-coordinates]').textContent()).toContain('22.3765');

    await page.locator('[data-test=vs-sign] .el-collapse-item__header').tap();
    await sign(page, 'v-visitorSignature');
    await page.locator('[data-test=v-elderSigner]').getByText('家属').tap();
    await sign(page, 'v-elderSignature');
    // A photo from the camera (any image: the phone shrinks it to a JPEG of at most 300 KB before sending).
    const png = await fetch(`${server.url}/icon-512.png`).then(async (r) => Buffer.from(await r.arrayBuffer()));
    await page.locator('[data-test=photo-input]').setInputFiles({ name: 'door.png', mimeType: 'image/png', buffer: png });
    await poll(() => page.locator('[data-test=photo-preview]').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // Nothing clipped at the right edge inside the form either (a card hides its overflow instead of scrolling).
    const clipped = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.visit-form *'))
        .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > window.innerWidth + 1)
        .map((el) => `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')}`)
        .slice(0, 5),
    );
    expect(clipped).toEqual([]);
    await page.screenshot({ path: path.join(OUTPUT, 'field-proof-phone.png'), fullPage: true });
    await page.locator('[data-test=visit-submit]').tap();
    await poll(() => page.locator('[data-test=visit-result]').textContent()).toContain('已记录第');

    const [row] = await t.sql<{ method: string; latitude: string; visitor_signed: boolean; elder_signed: boolean; vs: number; es: number; ph: number; signer: string; photo_head: string }>(
      `select v.method, v.latitude, v.visitor_signed, v.elder_signed, octet_length(p.visitor_signature) as vs, octet_length(p.elder_signature) as es,
              octet_length(p.photo) as ph, p.elder_signer as signer, encode(substring(p.photo from 1 for 3), 'hex') as photo_head
         from visit v join visit_proof p on p.visit_id = v.id where v.elder_id = $1 order by v.entered_at desc limit 1`,
      [target.elder.id],
    );
    expect(row).toMatchObject({ method: 'HOME', visitor_signed: true, elder_signed: true, signer: 'FAMILY_MEMBER', photo_head: 'ffd8ff' });
    expect(Number(row!.latitude)).toBeCloseTo(22.3765, 4);
    expect(row!.vs).toBeGreaterThan(200);
    expect(row!.es).toBeGreaterThan(200);
    expect(row!.ph).toBeGreaterThan(1000);
    expect(row!.ph).toBeLessThanOrEqual(300 * 1024);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offline: two visits wait in the outbox, survive a reload from the service worker, and arrive exactly once when the network returns', async () => {
    const { context, page, errors } = await phone();
    await logIn(page, 'visitor');
    await page.waitForURL(/\/worklist$/);
    await swControls(page);
    const { myWorklist } = await api<{ myWorklist: WorkItem[] }>(page, `{ myWorklist { overdue elder { id name } } }`);
    const [a, b] = [myWorklist[1]!, myWorklist[2]!];
    await poll(() => page.locator('[data-test=worklist-row]').count()).toBe(myWorklist.length);
    const [{ before }] = await t.sql<{ before: number }>(`select count(*)::int as before from visit where elder_id = any($1::uuid[])`, [[a.elder.id, b.elder.id]]);

    await context.setOffline(true);
    // The worklist opens from the sealed copy, saying so.
    await page.reload();
    await poll(() => page.locator('[data-test=worklist-offline]').isVisible()).toBe(true);
    await poll(() => page.locator('[data-test=worklist-row]').count()).toBe(myWorklist.length);
    for (const elder of [a, b]) {
      await openVisit(page, elder.elder);
      await chooseHome(page);
      await page.locator('[data-test=visit-submit]').tap();
      await poll(() => page.locator('[data-test=visit-queued]').isVisible()).toBe(true);
      await page.locator('[data-test=visit-to-worklist]').tap();
      await page.waitForURL(/\/worklist$/);
    }
    await poll(() => page.locator('[data-test=outbox-badge]').textContent()).toContain('2 条待上传');
    const reload = await page.reload();
    expect(reload?.fromServiceWorker()).toBe(true);
    await poll(() => page.locator('[data-test=outbox-badge]').textContent()).toContain('2 条待上传');
    await page.goto(`${server.url}/outbox`).catch(() => undefined);
    await poll(() => page.locator('[data-test=outbox-item-PENDING]').count()).toBe(2);
    await page.screenshot({ path: path.join(OUTPUT, 'field-outbox-offline.png') });
    // Nothing reached the server while offline.
    const [{ offline }] = await t.sql<{ offline: number }>(`select count(*)::int as offline from visit where elder_id = any($1::uuid[])`, [[a.elder.id, b.elder.id]]);
    expect(offline).toBe(before);

    await context.setOffline(false);
    await poll(() => page.locator('[data-test=outbox-item-PENDING]').count()).toBe(0);
    await poll(() => page.locator('[data-test=outbox-badge]').count()).toBe(0);
    const arrived = await t.sql<{ elder_id: string; n: number }>(
      `select elder_id, count(*)::int as n from visit where elder_id = any($1::uuid[]) and entered_at > now() - interval '10 minutes' and method = 'HOME' group by elder_id`,
      [[a.elder.id, b.elder.id]],
    );
    expect(arrived.map((r) => r.n)).toEqual([1, 1]);
    // Sending again (another tab, a retry) changes nothing: the idempotency keys are the server's.
    await page.locator('[data-test=outbox-send]').isDisabled();
    const [{ after }] = await t.sql<{ after: number }>(`select count(*)::int as after from visit where elder_id = any($1::uuid[])`, [[a.elder.id, b.elder.id]]);
    expect(after).toBe(before + 2);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a visit the server refuses on upload stays in the outbox with the reason, until the visitor deletes it', async () => {
    const { context, page, errors } = await phone();
    await logIn(page, 'visitor');
    await page.waitForURL(/\/worklist$/);
    await swControls(page);
    const { myWorklist } = await api<{ myWorklist: WorkItem[] }>(page, `{ myWorklist { overdue elder { id name } } }`);
    const target = myWorklist[3]!;
    await poll(() => page.locator('[data-test=worklist-row]').count()).toBe(myWorklist.length);
    await context.setOffline(true);
    await openVisit(page, target.elder);
    await chooseHome(page);
    await page.locator('[data-test=visit-submit]').tap();
    await poll(() => page.locator('[data-test=visit-queued]').isVisible()).toBe(true);

    // Meanwhile the town closes the archive: the elder died the day before.
    const town = await tokenOf('town');
    const yesterday = new Date(Date.now() - 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    const { elder } = await apiAs<{ elder: { version: number } }>(town, `query($id: ID!) { elder(id: $id) { version } }`, { id: target.elder.id });
    await apiAs(town, `mutation($id: ID!, $v: Int!, $d: Date!) { closeElder(id: $id, version: $v, input: { status: DECEASED, effectiveDate: $d, reason: "病故" }) { id } }`, {
      id: target.elder.id, v: elder.version, d: yesterday,
    });

    await context.setOffline(false);
    await page.goto(`${server.url}/outbox`);
    await poll(() => page.locator('[data-test=outbox-item-REFUSED]').count()).toBe(1);
    const reason = await page.locator('[data-test=outbox-refusal]').textContent();
    expect(reason).toContain('销档');
    await poll(() => page.locator('[data-test=outbox-refused-badge]').textContent()).toContain('1 条被退回');
    await page.screenshot({ path: path.join(OUTPUT, 'field-outbox-refused.png') });
    // Still there after a reload: nothing is dropped without the visitor seeing it.
    await page.reload();
    await poll(() => page.locator('[data-test=outbox-item-REFUSED]').count()).toBe(1);
    // Deleting asks first; confirmed, the record is gone.
    await page.locator('[data-test=outbox-discard]').tap();
    await page.locator('.el-message-box').getByText('删除', { exact: true }).tap();
    await poll(() => page.locator('[data-test=outbox-item-REFUSED]').count()).toBe(0);
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from visit where elder_id = $1 and entered_at > now() - interval '10 minutes'`, [target.elder.id]);
    expect(n).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('logging out deletes the offline copies (after warning about visits not yet uploaded)', async () => {
    const { context, page, errors } = await phone();
    await logIn(page, 'visitor');
    await page.waitForURL(/\/worklist$/);
    const { myWorklist } = await api<{ myWorklist: WorkItem[] }>(page, `{ myWorklist { overdue elder { id name } } }`);
    await poll(() => page.locator('[data-test=worklist-row]').count()).toBe(myWorklist.length);
    const stores = () =>
      page.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open('tanfang-offline');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const count = (store: string) =>
          new Promise<number>((resolve) => {
            const r = db.transaction(store).objectStore(store).count();
            r.onsuccess = () => resolve(r.result);
          });
        const out = { cache: await count('cache'), outbox: await count('outbox'), keys: await count('keys') };
        db.close();
        return out;
      });
    await poll(async () => (await stores()).cache).toBe(2); // the profile and the worklist
    // The visit form's code comes from the service worker's cache once the network is gone.
    await swControls(page);
    await context.setOffline(true);
    await openVisit(page, myWorklist[4]!.elder);
    await chooseHome(page);
    await page.locator('[data-test=visit-submit]').tap();
    await poll(() => page.locator('[data-test=visit-queued]').isVisible()).toBe(true);
    // Logging out with a visit still waiting asks first; cancelled, nothing changes.
    await openMenu(page);
    await page.locator('[data-test=logout]').tap();
    await poll(() => page.locator('.el-message-box').textContent()).toContain('还有 1 条探访记录未上传');
    await page.locator('.el-message-box').getByText('取消', { exact: true }).tap();
    await poll(() => page.locator('.el-message-box').isVisible()).toBe(false);
    expect(page.url()).not.toContain('/login');
    expect((await stores()).outbox).toBe(1);
    await page.keyboard.press('Escape');
    await context.setOffline(false);
    await page.goto(`${server.url}/worklist`);
    // The upload happens on its own once online; wait for it before logging out.
    await poll(() => page.locator('[data-test=outbox-badge]').count()).toBe(0);
    await openMenu(page);
    await page.locator('[data-test=logout]').tap();
    await page.waitForURL(/\/login/);
    expect(await stores()).toEqual({ cache: 0, outbox: 0, keys: 0 });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('after the idle time the session ends on the device and the offline copies go, saying why', async () => {
    const { context, page, errors } = await phone();
    await logIn(page, 'visitor');
    await page.waitForURL(/\/worklist$/);
    await poll(() => page.locator('[data-test=worklist-row]').count()).toBeGreaterThan(0);
    // The phone was put away nine hours ago (the default idle time is 480 minutes).
    await page.evaluate(() => localStorage.setItem('tanfang.lastActive', String(Date.now() - 9 * 3600_000)));
    await page.reload();
    await page.waitForURL(/\/login\?reason=idle/);
    await poll(() => page.locator('[data-test=login-idle]').textContent()).toContain('因长时间未操作已退出登录');
    expect(await page.evaluate(() => sessionStorage.getItem('tanfang.token'))).toBeNull();
    const cached = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const r = indexedDB.open('tanfang-offline');
          r.onerror = () => reject(r.error);
          r.onsuccess = () => {
            const q = r.result.transaction('cache').objectStore('cache').count();
            q.onsuccess = () => resolve(q.result);
          };
        }),
    );
    expect(cached).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
