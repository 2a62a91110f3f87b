import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOWN, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireBuiltConsole, OUTPUT } from '../helpers/browser.js';

// The assignments (结对管理) and visit standards (探访标准) pages, in Debian's Chromium against the real API.

describe('console: assignments and visit standards', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 120, today: t.clock.now() });
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function newPage(): Promise<{ page: Page; consoleErrors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    return { page, consoleErrors };
  }

  function field(page: Page, name: string) {
    return page.locator(`input[data-test=${name}], [data-test=${name}] input`).first();
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await field(page, 'username').fill(username);
    await field(page, 'password').fill('demo1234');
    await page.locator('[data-test=login-submit]').click();
    await page.waitForURL(/\/dashboard$/);
  }

  it('lets the town operator assign a visitor to an unassigned elder and see the workloads', async () => {
    // End one elder's responsible contact through the API, so the town has a known unassigned elder.
    const [held] = await t.sql<{ elder_id: string; elder_name: string; visitor_id: string; visitor_name: string }>(
      `select a.elder_id, e.name as elder_name, v.id as visitor_id, v.name as visitor_name
         from assignment a join elder e on e.id = a.elder_id join visitor v on v.id = a.visitor_id
        where a.role = 'PRIMARY' and a.ends_at is null and e.status = 'ACTIVE' and e.region_code like '${DEMO_TOWN}%' and v.active
        order by e.id limit 1`,
    );
    expect(held).toBeDefined();
    const operator = await t.user('TOWN_OPERATOR', DEMO_TOWN);
    const ended = await t.exec(operator, `mutation($e: ID!, $v: ID!) { unassignVisitor(elderId: $e, visitorId: $v, reason: "测试：原联系人调岗") }`, {
      e: held!.elder_id,
      v: held!.visitor_id,
    });
    expect(ended.errors).toBeUndefined();

    const { page, consoleErrors } = await newPage();
    await logIn(page, 'town');
    // The menu offers the page.
    await page.locator('.el-menu-item', { hasText: '结对管理' }).click();
    await page.waitForURL(/\/assignments$/);

    const row = page.locator('[data-test=unassigned-table] .el-table__body tbody tr', { has: page.locator(`[data-elder-id="${held!.elder_id}"]`) });
    await expect.poll(() => row.count()).toBe(1);
    await row.locator('.el-checkbox').click();
    await expect.poll(() => page.locator('[data-test=open-assign]').textContent()).toContain('已选 1 位');
    await page.locator('[data-test=open-assign]').click();

    // A searchable visitor select: type the beginning of the name, pick the visitor.
    const dialog = page.locator('[data-test=assign-dialog]');
    await dialog.locator('[data-test=assign-visitor] input').fill(held!.visitor_name);
    await page.locator('.el-select-dropdown__item:visible', { hasText: held!.visitor_name }).first().click();
    await page.screenshot({ path: path.join(OUTPUT, 'assignments-assign-dialog.png'), fullPage: true });
    await dialog.locator('[data-test=assign-submit]').click();
    await expect.poll(() => page.locator('.el-message--success').first().textContent()).toContain('结对完成：新结对 1 位');
    // The elder leaves the unassigned list, and the database holds the new responsible contact.
    await expect.poll(() => row.count()).toBe(0);
    const [now] = await t.sql<{ visitor_id: string }>(`select visitor_id from assignment where elder_id = $1 and role = 'PRIMARY' and ends_at is null`, [held!.elder_id]);
    expect(now?.visitor_id).toBe(held!.visitor_id);
    await page.screenshot({ path: path.join(OUTPUT, 'assignments-unassigned.png'), fullPage: true });

    // Workload: one row per active visitor of the town, with the reassign action (asked when the tab opens).
    await page.locator('.el-tabs__item', { hasText: '工作量' }).click();
    const names = page.locator('[data-test=workload-table] [data-test=workload-name]');
    await expect.poll(() => names.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await names.allTextContents()).toContain(held!.visitor_name);
    await expect.poll(() => page.locator('[data-test=workload-table] [data-test=reassign]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUTPUT, 'assignments-workload.png'), fullPage: true });
    // The workload list's area is in the URL: a reload (or a link) with it opens that tab, filtered, not the first one.
    await page.goto(`${page.url().split('?')[0]}?wregion=${DEMO_TOWN}`);
    await expect.poll(() => names.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await names.allTextContents()).toContain(held!.visitor_name);
    expect((await page.locator('.el-tabs__item.is-active').textContent())?.trim()).toBe('工作量');

    // A leaving visitor hands every elder over to another in one step.
    // (The receiver's area must cover the elders: pick one whose area contains the leaving visitor's.)
    const [leaving] = await t.sql<{ id: string; name: string; n: string; to_name: string }>(
      `select l.id, l.name, count(*) as n, min(r.name) as to_name
         from visitor l join assignment a on a.visitor_id = l.id and a.ends_at is null
         join visitor r on r.active and r.id <> l.id and l.region_code like r.region_code || '%'
          and r.name <> l.name and (select count(*) from visitor x where x.name = r.name) = 1
        where l.active and l.region_code like '${DEMO_TOWN}%' and l.id <> $1
        group by l.id, l.name order by count(distinct a.id) limit 1`,
      [held!.visitor_id],
    );
    expect(leaving).toBeDefined();
    await page.locator('[data-test=workload-table] .el-table__body tbody tr', { hasText: leaving!.name }).first().locator('[data-test=reassign]').click();
    const reassign = page.locator('[data-test=reassign-dialog]');
    await reassign.locator('[data-test=reassign-to] input').fill(leaving!.to_name);
    await page.locator('.el-select-dropdown__item:visible', { hasText: leaving!.to_name }).first().click();
    await field(page, 'reassign-reason').fill('调往其他街道工作');
    await reassign.locator('[data-test=reassign-submit]').click();
    await expect.poll(() => page.locator('.el-message--success', { hasText: '移交完成' }).first().textContent()).toContain('移交完成：移交');
    const [left] = await t.sql<{ n: string }>(`select count(*) as n from assignment where visitor_id = $1 and ends_at is null`, [leaving!.id]);
    expect(Number(left!.n)).toBe(0);
    await page.screenshot({ path: path.join(OUTPUT, 'assignments-reassigned.png'), fullPage: true });

    // Teams and visitors.
    await page.locator('.el-tabs__item', { hasText: '队伍与人员' }).click();
    await expect.poll(() => page.locator('[data-test=visitor-table] .el-table__body tbody tr').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-test=visitor-table]').textContent()).toContain('东河社区');
    await page.screenshot({ path: path.join(OUTPUT, 'assignments-teams.png'), fullPage: true });

    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('shows the admin Kaiping’s baseline in words and creates a campaign that then appears in the list', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'admin');
    await page.locator('.el-menu-item', { hasText: '探访标准' }).click();
    await page.waitForURL(/\/standards$/);

    const baseline = page.locator('[data-test=standard-table] .el-table__body tbody tr', { hasText: '开平市特殊困难老年人探访关爱服务标准' });
    await expect.poll(() => baseline.count()).toBe(1);
    await expect.poll(() => baseline.locator('[data-test=standard-requirements]').textContent()).toContain('A类：每月至少上门入户1次');
    expect(await baseline.textContent()).toContain('基准标准');
    // Templates are offered for adoption.
    await expect.poll(() => page.locator('[data-test=template-table] [data-test=adopt]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUTPUT, 'standards-admin.png'), fullPage: true });

    await page.locator('.el-tabs__item', { hasText: '叠加探访' }).click();
    await page.locator('[data-test=open-create-campaign]').click();
    const dialog = page.locator('[data-test=campaign-dialog]');
    await field(page, 'campaign-name-input').fill('春节前走访慰问');
    await field(page, 'campaign-reason').fill('春节前对A类老人加密上门探访');
    await dialog.locator('.el-checkbox', { hasText: 'A' }).click();
    const range = dialog.locator('.el-range-input');
    await range.nth(0).fill('2027-01-20');
    await range.nth(0).press('Tab');
    await range.nth(1).fill('2027-02-05');
    await range.nth(1).press('Enter');
    await dialog.locator('.el-dialog__header').click();
    await page.screenshot({ path: path.join(OUTPUT, 'standards-campaign-dialog.png'), fullPage: true });
    await dialog.locator('[data-test=campaign-submit]').click();
    await expect.poll(() => page.locator('.el-message--success').first().textContent()).toContain('已新建叠加探访');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(() => page.locator('[data-test=campaign-table] [data-test=campaign-name]').allTextContents()).toContain('春节前走访慰问');
    const [saved] = await t.sql<{ n: string }>(`select count(*) as n from campaign where name = '春节前走访慰问'`);
    expect(Number(saved!.n)).toBe(1);
    await page.screenshot({ path: path.join(OUTPUT, 'standards-campaigns.png'), fullPage: true });

    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
