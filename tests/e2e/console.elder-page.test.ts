import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOWN, DEMO_VILLAGE, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, idNumberFor, ok, type TestApp, type TestUser } from '../helpers/app.js';
import { launchChromium, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';
import { registerElder } from '../helpers/elders.js';

// The elder's page as a town's daily tool (issue 15): the responsible visitor changed from the page itself, with the
// errors a person meets (someone else changed it first) in words; the auditor finding who revealed 关秀英's ID number
// by typing her name; the alert queue on a phone naming town and village, its actions column no longer pinned over
// the title.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
const ASSIGN = `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned } }`;

describe('the elder page in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let townApi: TestUser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    t.clock.set(new Date().toISOString());
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
    townApi = await t.user('TOWN_OPERATOR', DEMO_TOWN);
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function newPage(viewport = { width: 1366, height: 768 }, phone = false): Promise<Page> {
    t.clock.set(new Date().toISOString());
    const context = await browser.newContext(phone ? { locale: 'zh-CN', viewport, isMobile: true, hasTouch: true } : { locale: 'zh-CN', viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      // A refused mutation is an answer the page shows, not a fault of the page.
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    return page;
  }

  function field(page: Page, name: string) {
    return page.locator(`input[data-test=${name}], [data-test=${name}] input, textarea[data-test=${name}], [data-test=${name}] textarea`).first();
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await field(page, 'username').fill(username);
    await field(page, 'password').fill('demo1234');
    await page.locator('[data-test=login-submit]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  async function primaryOf(elderId: string): Promise<string | null> {
    const rows = await t.sql<{ visitor_id: string }>(`select visitor_id from assignment where elder_id = $1 and role = 'PRIMARY' and ends_at is null`, [elderId]);
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows[0]?.visitor_id ?? null;
  }

  it('changes the responsible visitor from the elder page: only those covering the village, current one chosen, confirmed, page refreshed; a change made meanwhile is refused in words', async () => {
    const [elder] = await t.sql<{ id: string; name: string }>(
      `select e.id, e.name from elder e join assignment a on a.elder_id = e.id and a.role = 'PRIMARY' and a.ends_at is null
        where e.region_code = $1 and e.status = 'ACTIVE' order by e.name limit 1`,
      [DEMO_VILLAGE],
    );
    const current = (await primaryOf(elder!.id))!;
    const eligible = await t.sql<{ id: string; name: string }>(
      `select id, name from visitor where active and starts_with($1, region_code) and region_code like $2 order by name, id`,
      [DEMO_VILLAGE, `${DEMO_TOWN}%`],
    );
    expect(eligible.length).toBeGreaterThanOrEqual(3);
    const nameOf = (id: string) => eligible.find((v) => v.id === id)!.name;

    const page = await newPage();
    await logIn(page, 'town');
    await page.goto(`${server.url}/elders/${elder!.id}`);
    await poll(() => page.locator('[data-test=responsible-name]').textContent()).toContain(nameOf(current));

    // The dialog: every visitor whose area covers 东河社区 and nobody else, the current one chosen, the date it takes effect.
    await page.locator('[data-test=open-assign-visitor]').click();
    const dialog = page.locator('[data-test=assign-visitor-dialog]');
    await poll(() => dialog.locator('[data-test=assign-option]').count()).toBe(eligible.length);
    const listed = await dialog.locator('[data-test=assign-option]').evaluateAll((els) => els.map((e) => e.getAttribute('data-visitor-id')));
    expect(new Set(listed)).toEqual(new Set(eligible.map((v) => v.id)));
    expect(await dialog.locator('.el-radio.is-checked').getAttribute('data-visitor-id')).toBe(current);
    expect(await dialog.locator('[data-test=assign-current]').textContent()).toBe(nameOf(current));
    expect(await dialog.locator('[data-test=assign-effective]').textContent()).toMatch(/保存后立即生效（\d{4}-\d{2}-\d{2}）/);
    // Phones masked as everywhere else.
    for (const text of await dialog.locator('[data-test=assign-option]').allTextContents()) expect(text).not.toMatch(/1\d{10}/);

    // Saving the one already responsible is refused before asking the server.
    await dialog.locator('[data-test=assign-visitor-submit]').click();
    await poll(() => dialog.locator('.el-form-item__error').textContent()).toContain('已是责任探访人');

    // Choose another, confirm, and the page shows who is responsible now.
    const next = eligible.find((v) => v.id !== current)!;
    await dialog.locator(`[data-test=assign-option][data-visitor-id="${next.id}"]`).click();
    await field(page, 'assign-reason').fill('原探访人工作调动');
    await dialog.locator('[data-test=assign-visitor-submit]').click();
    const confirm = page.locator('.el-message-box');
    await poll(() => confirm.textContent()).toContain(`由${nameOf(current)}改为${next.name}`);
    await page.screenshot({ path: path.join(OUTPUT, 'elder-assign-confirm.png') });
    await confirm.locator('.el-button--primary').click();
    await poll(() => dialog.isVisible()).toBe(false);
    await poll(() => page.locator('[data-test=responsible-name]').textContent()).toContain(next.name);
    expect(await primaryOf(elder!.id)).toBe(next.id);
    const [ended] = await t.sql<{ end_reason: string }>(`select end_reason from assignment where elder_id = $1 and visitor_id = $2 and ends_at is not null`, [elder!.id, current]);
    expect(ended!.end_reason).toContain('原探访人工作调动');

    // Open it again; meanwhile another office makes a third visitor responsible. Saving is refused in words, nothing
    // is overwritten, and the page reads who is responsible now.
    await page.locator('[data-test=open-assign-visitor]').click();
    await poll(() => dialog.locator('.el-radio.is-checked').getAttribute('data-visitor-id')).toBe(next.id);
    const third = eligible.find((v) => v.id !== current && v.id !== next.id)!;
    ok(await t.exec(townApi, ASSIGN, { input: { elderIds: [elder!.id], visitorId: third.id, role: 'PRIMARY' } }));
    await dialog.locator(`[data-test=assign-option][data-visitor-id="${current}"]`).click();
    await dialog.locator('[data-test=assign-visitor-submit]').click();
    await confirm.locator('.el-button--primary').click();
    await poll(() => dialog.locator('[data-test=assign-visitor-error]').textContent()).toContain(`责任探访人刚被他人改为${third.name}，您的更改未保存；上方已显示最新情况，请核对后重新选择`);
    await page.screenshot({ path: path.join(OUTPUT, 'elder-assign-conflict.png') });
    expect(await primaryOf(elder!.id)).toBe(third.id);
    await poll(() => dialog.locator('[data-test=assign-current]').textContent()).toBe(third.name);
    await poll(() => page.locator('[data-test=responsible-name]').textContent()).toContain(third.name);
    await page.context().close();
  }, 90_000);

  it("lets the auditor find who revealed 关秀英's ID number by typing her name: the row names the revealer, her and her village", async () => {
    const guan = await registerElder(t, townApi, { name: '关秀英', regionCode: DEMO_VILLAGE, idNumber: idNumberFor('1938-07-08', false) });
    // The town's operator reveals it on her page, for a stated purpose.
    const town = await newPage();
    await logIn(town, 'town');
    await town.goto(`${server.url}/elders/${guan.id}`);
    await town.locator('[data-test=reveal]').click();
    await field(town, 'reveal-purpose').fill('核对低保资格');
    await town.locator('[data-test=reveal-submit]').click();
    await poll(() => town.locator('[data-test=revealed-id]').textContent()).toBe(guan.fullIdNumber);
    await town.context().close();

    const page = await newPage();
    await logIn(page, 'auditor');
    await page.goto(`${server.url}/audit`);
    await field(page, 'filter-elder').fill('关秀英');
    await page.locator('[data-test=audit-search]').click();
    const row = page.locator('[data-test=audit-table] tbody tr', { has: page.locator('[data-test=audit-action][data-action=IDENTITY_REVEAL]') });
    await poll(() => row.count()).toBe(1);
    const [{ display_name: townName }] = (await t.sql<{ display_name: string }>(`select display_name from app_user where username = 'town'`)) as [{ display_name: string }];
    expect(await row.locator('[data-test=audit-actor]').textContent()).toBe(townName);
    expect(await row.locator('[data-test=audit-elder]').textContent()).toBe('关秀英');
    expect(await row.locator('[data-test=audit-purpose]').textContent()).toBe('核对低保资格');
    expect(await row.locator('[data-test=audit-region]').textContent()).toBe('三埠街道 东河社区居委会');
    // Every row of the search is about her, by name, never an id fragment.
    const elders = await page.locator('[data-test=audit-table] tbody tr [data-test=audit-elder]').allTextContents();
    expect(elders.length).toBeGreaterThan(1);
    expect(new Set(elders)).toEqual(new Set(['关秀英']));
    await page.screenshot({ path: path.join(OUTPUT, 'audit-who-revealed.png'), fullPage: true });
    await page.context().close();
  }, 60_000);

  it('the alert queue on a 390-px phone: town and village in words, and the actions column does not cover the title', async () => {
    const page = await newPage({ width: 390, height: 844 }, true);
    await logIn(page, 'town');
    await page.goto(`${server.url}/alerts`);
    const rows = page.locator('[data-test=alert-table] tbody tr');
    await poll(() => rows.count()).toBeGreaterThan(0);
    const villages = await page.locator('[data-test=alert-village]').allTextContents();
    expect(villages.length).toBeGreaterThan(0);
    for (const v of villages) {
      expect(v).not.toContain('广东省');
      expect(v).toMatch(/^\S+(街道|镇|乡) \S+$/);
    }
    // Nothing pinned on the right, and the title's own cell is what the finger lands on.
    expect(await page.locator('[data-test=alert-table] td.el-table-fixed-column--right').count()).toBe(0);
    const title = page.locator('[data-test=alert-title]').first();
    await title.scrollIntoViewIfNeeded();
    const covered = await title.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + Math.min(box.width / 2, 20), box.top + box.height / 2);
      return !(hit && (el === hit || el.contains(hit)));
    });
    expect(covered).toBe(false);
    await page.context().close();
  }, 60_000);

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
