import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import { createTestApp, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { launchChromium, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';

// 探访核查 (issue 14 item 3) in the built console, Debian's Chromium, the real API and database: visits recorded
// through the API (a far-away home visit and a late entry) appear on the town's /visit-checks page with their flags
// in words; the proof dialog shows the images and leaves an audit row; the page fits a 390-px phone.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/** A real 1×1 PNG, and JPEG bytes (SOI, padding, EOI): what the API checks is the magic bytes. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const JPEG = (() => {
  const bytes = Buffer.alloc(1024, 0x20);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes, 0);
  Buffer.from([0xff, 0xd9]).copy(bytes, 1022);
  return `data:image/jpeg;base64,${bytes.toString('base64')}`;
})();
const HOME = { latitude: 22.376543, longitude: 112.698765 };
const FAR = { latitude: 22.387543, longitude: 112.698765 }; // about 1.2 km north

describe('admin console in Chromium: 探访核查 (visit checks)', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let farVisitId: string;
  let farElderName: string;
  let lateElderName: string;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
    const town = await demoUser('town');
    const elders = await t.sql<{ id: string; name: string }>(
      `select id, name from elder where region_code = $1 and status = 'ACTIVE' and registered_at < now() - interval '30 days' order by id limit 2`,
      [REGIONS.villageA1],
    );
    const [far, late] = elders as [{ id: string; name: string }, { id: string; name: string }];
    farElderName = far.name;
    lateElderName = late.name;
    const now = t.clock.now().getTime();
    const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString();
    const record = (input: Record<string, unknown>) =>
      t.exec<{ recordVisit: { id: string; flags: string[] } }>(town, `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id flags } }`, { i: input });
    // The town sets the reference at the elder's home, then a home visit located 1.2 km away, with both signatures and a photo.
    ok(await t.exec(town, `mutation($e: ID!) { setElderReferenceLocation(elderId: $e, latitude: ${HOME.latitude}, longitude: ${HOME.longitude}) { elderId } }`, { e: far.id }));
    const farVisit = ok(await record({
      elderId: far.id, visitedAt: hoursAgo(3), method: 'HOME', durationMinutes: 30, ...FAR,
      proof: { locationConsent: true, visitorSignature: PNG, elderSignature: PNG, elderSigner: 'FAMILY_MEMBER', photo: JPEG },
    })).recordVisit;
    expect(farVisit.flags).toEqual(['FAR_FROM_REFERENCE']);
    farVisitId = farVisit.id;
    // A phone call entered five days after it happened.
    const lateVisit = ok(await record({ elderId: late.id, visitedAt: hoursAgo(5 * 24 + 2), method: 'PHONE', durationMinutes: 15 })).recordVisit;
    expect(lateVisit.flags).toEqual(['LATE_ENTRY']);
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function demoUser(username: string): Promise<TestUser> {
    const [u] = await t.sql<{ id: string; display_name: string; role: 'TOWN_OPERATOR'; region_code: string; agency_id: string | null }>(
      `select id, display_name, role, region_code, agency_id from app_user where username = $1`,
      [username],
    );
    return { id: u!.id, username, actor: actorFor({ id: u!.id, username, displayName: u!.display_name, role: u!.role, regionCode: u!.region_code, agencyId: u!.agency_id }) };
  }

  async function newPage(viewport = { width: 1440, height: 900 }, touch = false): Promise<{ page: Page; consoleErrors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport, hasTouch: touch, isMobile: touch, deviceScaleFactor: touch ? 3 : 1 });
    await context.clock.install({ time: t.clock.now() });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    return { page, consoleErrors };
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.locator('input[data-test=username], [data-test=username] input').first().fill(username);
    await page.locator('input[data-test=password], [data-test=password] input').first().fill('demo1234');
    await page.locator('[data-test=login-submit]').click();
    await page.waitForURL(/\/dashboard$/);
  }

  const rowOf = (page: Page, elderName: string) => page.locator('[data-test=visit-checks-table] .el-table__body tbody tr', { hasText: elderName });

  it('the town sees both flagged visits with their flags in words, and opens the proof dialog (audited)', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'town');
    // The menu entry is there for the town (it has the proof scope).
    await page.locator('.el-menu-item', { hasText: '探访核查' }).first().click();
    await page.waitForURL(/\/visit-checks/);
    await poll(() => page.locator('[data-test=visit-checks-table] .el-table__body tbody tr').count()).toBe(2);
    await poll(() => rowOf(page, farElderName).locator('[data-test=check-flag]').innerText()).toMatch(/距参考位置 1\.2 公里/);
    await poll(() => rowOf(page, lateElderName).locator('[data-test=check-flag]').innerText()).toMatch(/探访后 5 天才录入/);
    // Newest first: the far-away visit (3 hours ago) above the late one (5 days ago).
    expect(await page.locator('[data-test=check-elder]').allInnerTexts()).toEqual([farElderName, lateElderName]);
    // Visit times in China time.
    const shown = await rowOf(page, farElderName).locator('[data-test=check-visited-at]').innerText();
    const expected = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(new Date(t.clock.now().getTime() - 3 * 3_600_000)).replace(', ', ' ');
    expect(shown).toBe(expected);

    // Filter by flag: only the late entry.
    await page.locator('[data-test=flag-filter]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '补录过晚' }).click();
    await page.waitForURL(/flag=LATE_ENTRY/);
    await poll(() => page.locator('[data-test=check-elder]').allInnerTexts()).toEqual([lateElderName]);
    await page.locator('[data-test=flag-filter]').click();
    await page.locator('.el-select-dropdown__item', { hasText: '全部标记' }).click();
    await poll(() => page.locator('[data-test=check-elder]').count()).toBe(2);

    const audits = async () =>
      (await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'VISIT_PROOF_READ' and detail->>'visitId' = $1`, [farVisitId]))[0]!.n;
    expect(await audits()).toBe(0);
    await rowOf(page, farElderName).locator('[data-test=view-proof]').click();
    const dialog = page.locator('[data-test=proof-dialog]').last();
    await poll(() => dialog.locator('[data-test=proof-visitor-signature]').getAttribute('src')).toBe(PNG);
    await poll(() => dialog.locator('[data-test=proof-photo]').getAttribute('src')).toBe(JPEG);
    await poll(() => dialog.innerText()).toMatch(/签字人：家属/);
    await poll(audits).toBe(1);
    await page.screenshot({ path: path.join(OUTPUT, 'visit-checks-proof.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('fits a 390×844 phone with no horizontal scroll', async () => {
    const { page, consoleErrors } = await newPage({ width: 390, height: 844 }, true);
    await logIn(page, 'town');
    await page.goto(`${server.url}/visit-checks`);
    await poll(() => page.locator('[data-test=check-elder]').count()).toBe(2);
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await page.screenshot({ path: path.join(OUTPUT, 'visit-checks-phone.png'), fullPage: true });
    expect(fits).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});
