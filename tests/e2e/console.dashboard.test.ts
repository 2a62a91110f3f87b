import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireBuiltConsole, OUTPUT } from '../helpers/browser.js';

// The dashboard, the statistics table and the alert queue of the built console (packages/admin/dist) in Debian's
// Chromium against the real API and database. Launch flags and helpers as in console.test.ts.
const PERIOD = '2026-11'; // the test clock's month (2026-11-15)

/** Polls up to the page's own time limit (vitest's default second is short for a close on a busy machine). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 8_000 });

describe('admin console in Chromium: dashboard, reports, alerts', () => {
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
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    // The browser's "this month" is the API's: the page's clock starts at the test clock's moment and runs on.
    await context.clock.install({ time: t.clock.now() });
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
    return page.locator(`input[data-test=${name}], [data-test=${name}] input, textarea[data-test=${name}], [data-test=${name}] textarea`).first();
  }

  async function logIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await field(page, 'username').fill(username);
    await field(page, 'password').fill(password);
    await page.locator('[data-test=login-submit]').click();
  }

  /** The API as the logged-in page sees it (its own token), for the figures the page must show. */
  async function api<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const token = await page.evaluate(() => sessionStorage.getItem('tanfang.token'));
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  }

  /** Before a screenshot: no loading mask left, and the charts' entrance animation over. */
  async function settle(page: Page): Promise<void> {
    await poll(() => page.locator('.el-loading-mask').count()).toBe(0);
    await page.waitForTimeout(800);
  }

  const pct = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

  /** Clicks the middle of column `index` of the bar chart (the chart opens the column under the pointer). */
  async function clickColumn(page: Page, index: number): Promise<void> {
    const box = page.locator('[data-test=rate-chart]');
    const columns = Number(await box.getAttribute('data-columns'));
    const canvas = await box.locator('canvas').first().boundingBox();
    if (!canvas) throw new Error('the chart has no canvas');
    // Grid margins as in RegionRateChart.vue: left 56, right 24, top 24, bottom 88.
    const x = canvas.x + 56 + ((canvas.width - 80) * (index + 0.5)) / columns;
    const y = canvas.y + 24 + (canvas.height - 112) / 2;
    await page.mouse.click(x, y);
  }

  it('shows the admin the visit rate and charts on the dashboard, and drills down one level', async () => {
    const { page, consoleErrors } = await newPage();
    // The admin is not a visitor: the dashboard must not ask for a worklist (it used to, and failed, on every load).
    const worklistAsks: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql') && (r.postData() ?? '').includes('myWorklist')) worklistAsks.push(r.url());
    });
    await logIn(page, 'admin', 'demo1234');
    // The dashboard is the home page of whoever reads figures.
    await page.waitForURL(/\/dashboard$/);

    const { report } = await api<{
      report: {
        figures: { visitRate: { rate: number | null }; overdueElders: number };
        children: { region: { code: string; name: string; level: number }; figures: { visitRate: { rate: number | null } } }[];
      };
    }>(page, `query($p: String!) { report(period: $p) { figures { visitRate { rate } overdueElders }
      children { region { code name level } figures { visitRate { rate } } } } }`, { p: PERIOD });
    expect(report.figures.visitRate.rate).not.toBeNull();
    await poll(() => page.locator('[data-test=visit-rate]').textContent()).toBe(pct(report.figures.visitRate.rate));
    await poll(() => page.locator('[data-test=overdue-count]').textContent()).toBe(String(report.figures.overdueElders));
    const [{ open }] = await t.sql<{ open: string }>(`select count(*) as open from alert where status = 'OPEN'`);
    await poll(() => page.locator('[data-test=open-alerts]').textContent()).toBe(open);
    await poll(() => page.locator('[data-test=escalated-alerts]').textContent()).toMatch(/^\d+$/);

    // The charts are drawn: a canvas of real size for the class pie and the bar chart by region.
    for (const chart of ['class-chart', 'rate-chart']) {
      await poll(async () => (await page.locator(`[data-test=${chart}] canvas`).first().boundingBox())?.height ?? 0).toBeGreaterThan(100);
    }
    await poll(() => page.locator('[data-test=rate-chart]').getAttribute('data-columns')).toBe(String(report.children.length));
    // Nothing the admin is not linked to: no worklist on the page or on the wire, and none in the menu.
    expect(await page.locator('[data-test=worklist]').count()).toBe(0);
    expect(worklistAsks).toEqual([]);
    expect(await page.locator('.el-menu-item', { hasText: '我的探访任务' }).count()).toBe(0);
    await settle(page);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-admin.png'), fullPage: true });

    // Drill down: the column of the first town with elders opens that town; the breadcrumb leads back up.
    const index = report.children.findIndex((c) => c.figures.visitRate.rate !== null && c.region.level < 5);
    const town = report.children[index]!.region;
    await clickColumn(page, index);
    await poll(() => page.locator('[data-test=region-trail] .el-breadcrumb__item').allTextContents()).toEqual([
      expect.stringContaining('开平市'),
      expect.stringContaining(town.name),
    ]);
    const { report: townReport } = await api<{ report: { figures: { visitRate: { rate: number | null } }; children: unknown[] } }>(
      page,
      `query($p: String!, $r: String) { report(period: $p, regionCode: $r) { figures { visitRate { rate } } children { region { code } } } }`,
      { p: PERIOD, r: town.code },
    );
    await poll(() => page.locator('[data-test=visit-rate]').textContent()).toBe(pct(townReport.figures.visitRate.rate));
    await poll(() => page.locator('[data-test=rate-chart]').getAttribute('data-columns')).toBe(String(townReport.children.length));
    await settle(page);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-drilldown.png'), fullPage: true });

    // Back up by the breadcrumb.
    await page.locator('[data-test=region-trail] a').first().click();
    await poll(() => page.locator('[data-test=region-trail] .el-breadcrumb__item').count()).toBe(1);
    await poll(() => page.locator('[data-test=visit-rate]').textContent()).toBe(pct(report.figures.visitRate.rate));

    // English is one click away.
    await page.getByRole('button', { name: 'English' }).click();
    await poll(() => page.locator('[data-test=stat-visit-rate]').textContent()).toContain('Visit rate this month');
    await page.getByRole('button', { name: '中文' }).click();
    await poll(() => page.locator('[data-test=stat-visit-rate]').textContent()).toContain('本月探访率');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('shows the statistics table with drill-down, downloads the xlsx, closes a month and amends it', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'admin', 'demo1234');
    await page.waitForURL(/\/dashboard$/);
    await page.locator('.el-menu-item', { hasText: '统计报表' }).click();
    await page.waitForURL(/\/reports$/);

    const { report } = await api<{ report: { figures: { elders: number; visitRate: { rate: number } }; children: { region: { name: string } }[] } }>(
      page,
      `query($p: String!) { report(period: $p) { figures { elders visitRate { rate } } children { region { name } } } }`,
      { p: PERIOD },
    );
    const rows = page.locator('[data-test=report-table] .el-table__body tbody tr');
    await poll(() => rows.count()).toBe(1 + report.children.length);
    const first = rows.first().locator('td');
    await poll(() => first.nth(0).textContent()).toContain('开平市（合计）');
    expect((await first.nth(1).textContent())?.trim()).toBe(String(report.figures.elders));
    expect(await first.nth(6).locator('[data-test=rate]').textContent()).toBe(pct(report.figures.visitRate.rate));
    expect(await page.locator('[data-test=closed-badge]').textContent()).toContain('未关账');
    await settle(page);
    await page.screenshot({ path: path.join(OUTPUT, 'report-city.png'), fullPage: true });

    // The spreadsheet: fetched with the session's token and handed to the browser as a file.
    const [response, download] = await Promise.all([
      page.waitForResponse((r) => /\/reports\/440783\/2026-11\.xlsx$/.test(r.url())),
      page.waitForEvent('download'),
      page.locator('[data-test=download-xlsx]').click(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('spreadsheetml');
    expect(download.suggestedFilename()).toBe('情况统计表-开平市-2026-11.xlsx');
    // The body as the page received it (Chromium does not keep a fetch's body once the page has read it).
    const saved = path.join(OUTPUT, 'report-download.xlsx');
    await download.saveAs(saved);
    const body = fs.readFileSync(saved);
    expect(body.length).toBeGreaterThan(1000);
    expect(body.subarray(0, 2).toString()).toBe('PK'); // a zip, as xlsx files are

    // Drill down: a town's row opens its villages.
    const townName = report.children[0]!.region.name;
    await rows.nth(1).click();
    await poll(() => page.locator('[data-test=report-trail] .el-breadcrumb__item').count()).toBe(2);
    await poll(() => rows.first().locator('td').first().textContent()).toContain(`${townName}（合计）`);

    // Close last month at the city (confirm dialog), then amend it with a reason (required).
    await page.locator('[data-test=report-trail] a').first().click();
    await poll(() => rows.first().locator('td').first().textContent()).toContain('开平市（合计）');
    await poll(() => page.locator('[data-test=close-period]').isDisabled()).toBe(true); // November is running
    await field(page, 'period').click();
    await field(page, 'period').fill('2026-10');
    await field(page, 'period').press('Enter');
    await poll(() => page.locator('[data-test=close-period]').isDisabled()).toBe(false);
    await page.locator('[data-test=close-period]').click();
    await page.locator('.el-message-box').getByRole('button', { name: '关账' }).click();
    await poll(() => page.locator('[data-test=closed-badge]').textContent()).toContain('已关账 · 第 1 版');
    await page.locator('[data-test=amend-period]').click();
    await page.locator('[data-test=amend-submit]').click();
    await poll(() => page.locator('[data-test=amend-dialog]').textContent()).toContain('请写明修订原因');
    await field(page, 'amend-reason').fill('补录十月份纸质探访记录');
    await page.locator('[data-test=amend-submit]').click();
    await poll(() => page.locator('[data-test=closed-badge]').textContent()).toContain('已关账 · 第 2 版');
    await poll(() => page.locator('[data-test=amendments]').textContent()).toContain('补录十月份纸质探访记录');
    const [close] = await t.sql<{ version: number }>(`select version from report_close where region_code = '440783' and period = '2026-10'`);
    expect(close!.version).toBe(2);
    await settle(page);
    await page.screenshot({ path: path.join(OUTPUT, 'report-closed.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('lists the alert queue; acknowledging an alert changes its status; a stale version is refused and reloaded', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'admin', 'demo1234');
    await page.waitForURL(/\/dashboard$/);
    // An alert raised by hand just now (the demo's own alerts may all be handled already).
    const [elder] = await t.sql<{ id: string }>(`select id from elder where status = 'ACTIVE' and region_code = '440783001020' order by id_number limit 1`);
    const { raiseAlert } = await api<{ raiseAlert: { id: string } }>(
      page,
      `mutation($e: ID!) { raiseAlert(input: { elderId: $e, severity: URGENT, title: "邻居反映老人两天未出门" }) { id } }`,
      { e: elder!.id },
    );
    const alertId = raiseAlert.id;

    await page.locator('.el-menu-item', { hasText: '预警处置' }).click();
    await page.waitForURL(/\/alerts$/);
    const [{ unresolved }] = await t.sql<{ unresolved: string }>(`select count(*) as unresolved from alert where status <> 'RESOLVED'`);
    await poll(() => page.locator('[data-test=alert-count]').textContent()).toBe(`共 ${unresolved} 条预警`);
    const rows = page.locator('[data-test=alert-table] .el-table__body tbody tr.el-table__row');
    await poll(() => rows.count()).toBe(Math.min(20, Number(unresolved)));
    await settle(page);
    await page.screenshot({ path: path.join(OUTPUT, 'alerts-queue.png'), fullPage: true });

    // The dashboard's "open alerts" count (a link since issue 15): the queue filtered to open ones, the new alert among them.
    await page.locator('.el-menu-item', { hasText: '工作台' }).click();
    await page.locator('[data-test=open-alerts] [data-test=drill-link]').click();
    await page.waitForURL(/\/alerts\?status=OPEN$/);
    const [{ open }] = await t.sql<{ open: string }>(`select count(*) as open from alert where status = 'OPEN'`);
    await poll(() => page.locator('[data-test=alert-count]').textContent()).toBe(`共 ${open} 条预警`);
    const sameRow = rows.filter({ has: page.locator(`[data-alert-id="${alertId}"]`) });
    await poll(() => sameRow.locator('[data-test=alert-status]').textContent()).toBe('待处理');
    expect(await sameRow.locator('[data-test=acknowledge-by]').textContent()).toContain('2026-11-15 12:00'); // 2 hours, China time

    // Acknowledge it, with a note.
    await sameRow.locator('[data-test=acknowledge]').click();
    await field(page, 'note').fill('已电话联系家属');
    await page.locator('[data-test=action-submit]').click();
    await poll(() => page.locator('.el-message--success').count()).toBeGreaterThan(0);
    // It leaves the open-only queue; with every unresolved alert shown again, it is there as acknowledged.
    await poll(() => page.locator('[data-test=alert-count]').textContent()).toBe(`共 ${Number(open) - 1} 条预警`);
    await poll(() => sameRow.count()).toBe(0);
    await page.getByRole('button', { name: '重置' }).click();
    await poll(() => page.locator('[data-test=alert-count]').textContent()).toBe(`共 ${unresolved} 条预警`);
    await poll(() => sameRow.locator('[data-test=alert-status]').textContent()).toBe('已确认');
    const [acked] = await t.sql<{ status: string }>(`select status from alert where id = $1`, [alertId]);
    expect(acked!.status).toBe('ACKNOWLEDGED');
    await poll(() => sameRow.locator('[data-test=acknowledge]').count()).toBe(0);

    // Resolving needs a resolution; someone else handles it meanwhile (its version moves on): refused, list reloaded.
    await sameRow.locator('[data-test=resolve]').click();
    await page.locator('[data-test=action-submit]').click();
    await poll(() => page.locator('[data-test=alert-dialog]').textContent()).toContain('请填写办结情况');
    await t.sql(`update alert set status = 'REFERRED', referred_to = 'HEALTH', version = version + 1 where id = $1`, [alertId]);
    await field(page, 'resolution').fill('已协调社区医生上门');
    await page.locator('[data-test=action-submit]').click();
    await poll(() => page.locator('.el-message--error').textContent()).toContain('该预警已被他人处理');
    await poll(() => sameRow.locator('[data-test=alert-status]').textContent()).toBe('已转介');
    const [still] = await t.sql<{ status: string }>(`select status from alert where id = $1`, [alertId]);
    expect(still!.status).toBe('REFERRED');
    await settle(page);
    await page.screenshot({ path: path.join(OUTPUT, 'alerts-acknowledged.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it("lands the demo visitor on their worklist, and shows them none of the figures they cannot read", async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'visitor', 'demo1234');
    // The worklist is the visitor's home and first in their menu; the dashboard is still there for their village.
    await page.waitForURL(/\/worklist$/);
    const { myWorklist } = await api<{ myWorklist: { elder: { name: string } }[] }>(page, `{ myWorklist { elder { name } } }`);
    expect(myWorklist.length).toBeGreaterThan(0);
    const rows = page.locator('[data-test=worklist-row]');
    await poll(() => rows.count()).toBe(myWorklist.length);
    expect((await rows.locator('[data-test=row-name]').allTextContents()).map((s) => s.trim())).toEqual(myWorklist.map((w) => w.elder.name));
    expect((await page.locator('.el-menu-item').first().textContent())?.trim()).toBe('我的探访任务');
    await page.screenshot({ path: path.join(OUTPUT, 'worklist-visitor.png'), fullPage: true });

    await page.locator('.el-menu-item', { hasText: '工作台' }).click();
    await page.waitForURL(/\/dashboard$/);
    // The visit rate of their own village (visit engine), but no statistics table, chart, report menu or worklist.
    await poll(() => page.locator('[data-test=visit-rate]').textContent()).toMatch(/^\d+\.\d%$/);
    expect(await page.locator('[data-test=rate-chart]').count()).toBe(0);
    expect(await page.locator('[data-test=class-chart]').count()).toBe(0);
    expect(await page.locator('[data-test=worklist]').count()).toBe(0);
    expect(await page.locator('.el-menu-item', { hasText: '统计报表' }).count()).toBe(0);
    await settle(page);
    await page.screenshot({ path: path.join(OUTPUT, 'dashboard-visitor.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('shows an integrator figures only, with withheld counts as "*"', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'integrator', 'demo1234');
    await page.waitForURL(/\/dashboard$/);
    await poll(() => page.locator('[data-test=visit-rate]').textContent()).toMatch(/^\d+\.\d%$/);
    // No alert counts, no worklist: the integrator cannot read them, so the widgets are not there (not failing).
    await poll(() => page.locator('[data-test=rate-chart] canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-test=stat-open-alerts]').count()).toBe(0);
    expect(await page.locator('[data-test=worklist]').count()).toBe(0);
    expect(await page.locator('.el-menu-item').allTextContents()).toEqual([expect.stringContaining('工作台'), expect.stringContaining('统计报表'), expect.stringContaining('考核排名'), expect.stringContaining('回调订阅')]);

    await page.locator('.el-menu-item', { hasText: '统计报表' }).click();
    const rows = page.locator('[data-test=report-table] .el-table__body tbody tr');
    await poll(() => rows.count()).toBeGreaterThan(1);
    const cells = await rows.locator('td').allTextContents();
    expect(cells.some((c) => c.trim() === '*')).toBe(true);
    await poll(() => page.getByText('1至4的计数及可借相减推出它们的数字显示为“*”').count()).toBe(1);
    // No close or amend for a reader of aggregates.
    expect(await page.locator('[data-test=close-period]').count()).toBe(0);
    await settle(page);
    await page.screenshot({ path: path.join(OUTPUT, 'report-integrator.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
