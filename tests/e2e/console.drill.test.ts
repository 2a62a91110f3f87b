import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOWN, DEMO_VILLAGE, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { chinaDate } from '../../packages/api/src/graphql/context.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeViolations, runAxe } from '../helpers/axe.js';
import { consoleToken, graphqlAs, launchChromium, logInAs, requireBuiltConsole } from '../helpers/browser.js';

// Every count drills to its people (issue 15): a town finds "who in 东河社区 was not visited this month" from the
// dashboard in at most 3 clicks, sees those names, exports them, and the spreadsheet has the same names.
describe('from a count to the people behind it', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    t.clock.set(new Date().toISOString());
    await seedDemo(t.orm.em.fork(), { elders: 120, today: t.clock.now() });
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  const LIST = `query($filter: ElderFilter, $first: Int, $after: String) {
    elders(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }`;
  type ListData = { elders: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { name: string }[] } };
  const REPORT = `query($regionCode: String, $period: String!) { report(regionCode: $regionCode, period: $period) {
    children { region { code } figures { visitRate { numerator denominator } } } } }`;

  it('a town finds who in 东河社区 was not visited this month in ≤ 3 clicks, and exports the same names', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await logInAs(page, server.url, 'town');
    const token = await consoleToken(page);
    const month = chinaDate(t.clock.now()).slice(0, 7);

    // What the API says: the report's figure for 东河社区 and every name behind it (all pages).
    const report = await graphqlAs<{ report: { children: { region: { code: string }; figures: { visitRate: { numerator: number; denominator: number } } }[] } }>(
      server.url, token, REPORT, { regionCode: DEMO_TOWN, period: month },
    );
    const village = report.report.children.find((c) => c.region.code === DEMO_VILLAGE)!;
    const figure = village.figures.visitRate.denominator - village.figures.visitRate.numerator;
    const expected: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: ListData = await graphqlAs<ListData>(server.url, token, LIST, { filter: { regionCode: DEMO_VILLAGE, period: month, visited: false }, first: 100, after });
      expect(data.elders.totalCount).toBe(figure);
      expected.push(...data.elders.nodes.map((n) => n.name));
      if (!data.elders.pageInfo.hasNextPage) break;
      after = data.elders.pageInfo.endCursor;
    }
    expect(figure).toBeGreaterThan(0);
    expect(expected).toHaveLength(figure);

    // From the dashboard (where the town lands), counting every click.
    let clicks = 0;
    await page.goto(`${server.url}/`);
    const row = page.locator(`[data-test=region-rows] tr[data-region="${DEMO_VILLAGE}"]`);
    await row.waitFor();
    const link = row.locator('[data-test=row-not-visited] [data-test=drill-link]');
    await expect.poll(() => link.innerText()).toBe(String(figure));
    // A real link: reachable by Tab, named in words with its number.
    expect(await link.getAttribute('href')).toContain('visited=no');
    expect(await link.getAttribute('aria-label')).toBe(`本月未探访 · 东河社区居委会：${figure} 人，查看名单`);
    await link.click();
    clicks++;
    await page.waitForURL((u) => u.pathname === '/elders' && u.searchParams.get('visited') === 'no' && u.searchParams.get('regionCode') === DEMO_VILLAGE);
    expect(clicks).toBeLessThanOrEqual(3);

    // The list names the drill in words and shows those people.
    await expect.poll(() => page.locator('[data-test=drill-tag]').innerText()).toBe('本月未探访 · 东河社区居委会');
    await expect.poll(() => page.locator('[data-test=elder-count]').innerText()).toContain(String(figure));
    const shown = () => page.locator('[data-test=elder-table] [data-test=elder-link]').allInnerTexts();
    await expect.poll(shown).toEqual(expected.slice(0, 20));

    // No critical or serious accessibility finding on the drilled list.
    const axe = await runAxe(page, 'drilled elder list');
    const bad = [...axe.byImpact.critical, ...axe.byImpact.serious];
    expect(bad, describeViolations(bad)).toEqual([]);

    // 导出名单: every page of this filter, masked (the default), in a spreadsheet with the same names.
    await page.locator('[data-test=export-list]').click();
    await page.locator('[data-test=export-dialog]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-submit]').click()]);
    expect(download.suggestedFilename()).toMatch(/^老年人名单-本月未探访-东河社区居委会\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(fs.readFileSync((await download.path())!) as never);
    const sheet = book.getWorksheet('老人名单')!;
    const names: string[] = [];
    sheet.eachRow((r, i) => {
      if (i > 1) names.push(String(r.getCell(1).value));
    });
    expect(sheet.getRow(1).getCell(4).value).toBe('身份证号');
    expect(names).toEqual(expected);
    // Masked: no full 18-character ID number in the sheet.
    const ids: string[] = [];
    sheet.eachRow((r, i) => {
      if (i > 1) ids.push(String(r.getCell(4).value));
    });
    expect(ids.every((v) => /^\d{6}\*{8}[\dX]{4}$/.test(v))).toBe(true);

    // Removing the tag leaves the village's whole list.
    await page.locator('[data-test=drill-tag] .el-tag__close').click();
    await page.waitForURL((u) => !u.searchParams.has('visited') && u.searchParams.get('regionCode') === DEMO_VILLAGE);
    await expect.poll(() => page.locator('[data-test=drill-tag]').count()).toBe(0);
    await context.close();
  });

  it("a town drills its dashboard to 东河社区, and the village's open-alerts count opens that village's queue, as long as the card says", async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await logInAs(page, server.url, 'town');
    const token = await consoleToken(page);

    // Open alerts in the village and in another village of the town, so the town's count is larger than the village's.
    const [here] = await t.sql<{ id: string }>(`select id from elder where status = 'ACTIVE' and region_code = $1 order by id_number limit 1`, [DEMO_VILLAGE]);
    const [there] = await t.sql<{ id: string }>(
      `select id from elder where status = 'ACTIVE' and region_code like $1 and region_code <> $2 order by id_number limit 1`,
      [`${DEMO_TOWN}%`, DEMO_VILLAGE],
    );
    const RAISE = `mutation($e: ID!) { raiseAlert(input: { elderId: $e, severity: NORMAL, title: "屋顶漏雨" }) { id } }`;
    for (const e of [here!.id, there!.id]) await graphqlAs(server.url, token, RAISE, { e });
    const COUNT = `query($r: String) { alerts(filter: { regionCode: $r, status: [OPEN] }, first: 1) { totalCount } }`;
    type Count = { alerts: { totalCount: number } };
    const villageOpen = (await graphqlAs<Count>(server.url, token, COUNT, { r: DEMO_VILLAGE })).alerts.totalCount;
    const townOpen = (await graphqlAs<Count>(server.url, token, COUNT, { r: null })).alerts.totalCount;
    expect(villageOpen).toBeGreaterThan(0);
    expect(townOpen).toBeGreaterThan(villageOpen);

    // The town's dashboard: its bars are its villages; 东河社区's bar opens the village.
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator('[data-test=open-alerts]').innerText()).toBe(String(townOpen));
    const month = chinaDate(t.clock.now()).slice(0, 7);
    const report = await graphqlAs<{ report: { children: { region: { code: string } }[] } }>(server.url, token, REPORT, { regionCode: DEMO_TOWN, period: month });
    const index = report.report.children.findIndex((c) => c.region.code === DEMO_VILLAGE);
    expect(index).toBeGreaterThanOrEqual(0);
    const chart = page.locator('[data-test=rate-chart]');
    await expect.poll(() => chart.getAttribute('data-columns')).toBe(String(report.report.children.length));
    await expect.poll(async () => (await chart.locator('canvas').first().boundingBox())?.height ?? 0).toBeGreaterThan(100);
    await page.waitForTimeout(800); // the bars' entrance animation
    const columns = report.report.children.length;
    const canvas = (await chart.locator('canvas').first().boundingBox())!;
    // Grid margins as in RegionRateChart.vue: left 56, right 24, top 24, bottom 88.
    await page.mouse.click(canvas.x + 56 + ((canvas.width - 80) * (index + 0.5)) / columns, canvas.y + 24 + (canvas.height - 112) / 2);
    await expect.poll(() => page.locator('[data-test=region-trail] .el-breadcrumb__item').allInnerTexts()).toEqual([
      expect.stringContaining('三埠街道'),
      expect.stringContaining('东河社区居委会'),
    ]);
    const card = page.locator('[data-test=open-alerts]');
    await expect.poll(() => card.innerText()).toBe(String(villageOpen));

    // The count is a link to the queue narrowed to the village (the region in the URL and in words), as long as the card.
    const link = card.locator('[data-test=drill-link]');
    expect(await link.getAttribute('href')).toContain(`region=${DEMO_VILLAGE}`);
    await link.click();
    await page.waitForURL((u) => u.pathname === '/alerts' && u.searchParams.get('region') === DEMO_VILLAGE && u.searchParams.get('status') === 'OPEN');
    await expect.poll(() => page.locator('[data-test=alert-count]').innerText()).toBe(`共 ${villageOpen} 条预警`);
    await expect.poll(() => page.locator('[data-test=region-tag]').innerText()).toBe('地区：三埠街道 东河社区居委会');
    const villages = await page.locator('[data-test=alert-table] [data-test=alert-village]').allInnerTexts();
    expect(villages.length).toBe(Math.min(villageOpen, 20));
    expect(villages.every((v) => v.includes('东河社区居委会'))).toBe(true);
    // The region picker and the tag: no critical or serious accessibility finding.
    const axe = await runAxe(page, 'alert queue narrowed to a village');
    const bad = [...axe.byImpact.critical, ...axe.byImpact.serious];
    expect(bad, describeViolations(bad)).toEqual([]);

    // Removing the tag widens the queue to the whole jurisdiction; the status filter stays.
    await page.locator('[data-test=region-tag] .el-tag__close').click();
    await page.waitForURL((u) => !u.searchParams.has('region') && u.searchParams.get('status') === 'OPEN');
    await expect.poll(() => page.locator('[data-test=alert-count]').innerText()).toBe(`共 ${townOpen} 条预警`);
    await context.close();
  });
});
