import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOWN, DEMO_VILLAGE, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { consoleToken, graphqlAs, launchChromium, logInAs, requireBuiltConsole } from '../helpers/browser.js';

// The elder list as an office's daily tool (issue 15, item 3): filters, sort and page live in the URL, so coming
// back from an elder returns to the same place; headers sort; rows open by keyboard and in a new tab; the region
// picker finds a village by name without opening its town.
describe('the elder list keeps its place', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  const consoleErrors: string[] = [];

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

  async function townPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    await logInAs(page, server.url, 'town');
    return page;
  }

  const names = (page: Page) => page.locator('[data-test=elder-table] [data-test=elder-link]').allInnerTexts();

  /** Waits until the table shows these names (the list answers asynchronously). */
  async function expectNames(page: Page, expected: string[]): Promise<void> {
    await expect.poll(() => names(page), { timeout: 8_000 }).toEqual(expected);
  }

  const LIST = `query($filter: ElderFilter, $sort: ElderSort, $first: Int, $after: String) {
    elders(filter: $filter, sort: $sort, first: $first, after: $after) { totalCount pageInfo { endCursor } nodes { id name } } }`;
  type ListData = { elders: { totalCount: number; pageInfo: { endCursor: string | null }; nodes: { id: string; name: string }[] } };

  it('comes back from an elder to the same filters, sort and page', async () => {
    const page = await townPage();
    const token = await consoleToken(page);
    const filter = { status: ['ACTIVE'], ageMin: 70 };
    const sort = { field: 'AGE', direction: 'DESC' };
    const p1 = await graphqlAs<ListData>(server.url, token, LIST, { filter, sort, first: 20 });
    expect(p1.elders.totalCount).toBeGreaterThan(20);
    const p2 = await graphqlAs<ListData>(server.url, token, LIST, { filter, sort, first: 20, after: p1.elders.pageInfo.endCursor });

    await page.goto(`${server.url}/elders`);
    await page.locator('[data-test=elder-table] [data-test=elder-link]').first().waitFor();
    // A filter typed in the form (age at least 70), then sorted by age by the header (two clicks: oldest first).
    await page.locator('.el-form-item', { hasText: '年龄' }).locator('input').first().fill('70');
    await page.locator('[data-test=search]').click();
    await page.waitForURL((u) => u.searchParams.get('ageMin') === '70');
    const ageHeader = page.locator('[data-test=elder-table] th', { hasText: '年龄' });
    await ageHeader.click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'AGE' && u.searchParams.get('dir') === 'ASC');
    await ageHeader.click();
    await page.waitForURL((u) => u.searchParams.get('dir') === 'DESC');
    await expectNames(page, p1.elders.nodes.map((n) => n.name));
    await page.locator('[data-test=next]').click();
    await page.waitForURL((u) => u.searchParams.getAll('after').length === 1);
    await expectNames(page, p2.elders.nodes.map((n) => n.name));
    const listUrl = page.url();

    // Open the third elder of page 2, then the browser's back button.
    await page.locator('[data-test=elder-table] tbody tr').nth(2).locator('td').nth(3).click();
    await page.waitForURL(`${server.url}/elders/${p2.elders.nodes[2]!.id}`);
    await page.goBack();
    await page.waitForURL(listUrl);
    await expectNames(page, p2.elders.nodes.map((n) => n.name));
    await expect.poll(() => page.locator('[data-test=page]').innerText()).toMatch(/^第 2 页/);
    expect(await page.locator('.el-form-item', { hasText: '年龄' }).locator('input').first().inputValue()).toBe('70');
    expect(await ageHeader.getAttribute('class')).toContain('descending');
    // And "previous" still works after coming back: the cursor stack is in the URL too.
    await page.locator('[data-test=prev]').click();
    await expectNames(page, p1.elders.nodes.map((n) => n.name));
    await page.context().close();
  });

  it('sorts by a column header: the order the API gives for that sort, both ways', async () => {
    const page = await townPage();
    const token = await consoleToken(page);
    const byName = await graphqlAs<ListData>(server.url, token, LIST, { filter: { status: ['ACTIVE'] }, first: 20 });
    const byRegistration = await graphqlAs<ListData>(server.url, token, LIST, {
      filter: { status: ['ACTIVE'] },
      sort: { field: 'REGISTERED_AT', direction: 'ASC' },
      first: 20,
    });
    await page.goto(`${server.url}/elders`);
    await expectNames(page, byName.elders.nodes.map((n) => n.name));
    await page.locator('[data-test=elder-table] th', { hasText: '建档日期' }).click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'REGISTERED_AT');
    await expectNames(page, byRegistration.elders.nodes.map((n) => n.name));
    expect(byRegistration.elders.nodes.map((n) => n.name)).not.toEqual(byName.elders.nodes.map((n) => n.name));
    await page.context().close();
  });

  it('opens a row with Enter on the focused row, and the name as a link in a new tab', async () => {
    const page = await townPage();
    const token = await consoleToken(page);
    const first = await graphqlAs<ListData>(server.url, token, LIST, { filter: { status: ['ACTIVE'] }, first: 20 });
    await page.goto(`${server.url}/elders`);
    await expectNames(page, first.elders.nodes.map((n) => n.name));

    const row = page.locator('[data-test=elder-table] tbody tr.el-table__row').nth(1);
    expect(await row.getAttribute('tabindex')).toBe('0');
    await row.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/elders/${first.elders.nodes[1]!.id}`);
    await page.goBack();

    const link = page.locator('[data-test=elder-table] [data-test=elder-link]').first();
    expect(await link.getAttribute('href')).toBe(`/elders/${first.elders.nodes[0]!.id}`);
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click({ button: 'middle' })]);
    await tab.waitForLoadState();
    expect(tab.url()).toContain(first.elders.nodes[0]!.id);
    expect(new URL(page.url()).pathname).toBe('/elders');
    await page.context().close();
  });

  it('finds a village by typing its name in the region picker, without opening its town', async () => {
    const page = await townPage();
    await page.goto(`${server.url}/elders`);
    await page.locator('[data-test=elder-table] [data-test=elder-link]').first().waitFor();
    await page.locator('.filters .el-cascader input').first().fill('东河');
    const hit = page.locator('.el-cascader__suggestion-item', { hasText: '东河社区' });
    await hit.first().waitFor();
    await hit.first().click();
    await page.locator('[data-test=search]').click();
    await page.waitForURL((u) => u.searchParams.get('regionCode') === DEMO_VILLAGE);
    const token = await consoleToken(page);
    const inVillage = await graphqlAs<ListData>(server.url, token, LIST, { filter: { status: ['ACTIVE'], regionCode: DEMO_VILLAGE }, first: 20 });
    expect(inVillage.elders.totalCount).toBeGreaterThan(0);
    await expectNames(page, inVillage.elders.nodes.map((n) => n.name));
    expect(DEMO_VILLAGE.startsWith(DEMO_TOWN)).toBe(true);
    await page.context().close();
  });

  it('offers page one when a kept link carries a cursor the API refuses', async () => {
    const page = await townPage();
    await page.goto(`${server.url}/elders?sort=AGE&dir=DESC&after=bm90LWEtY3Vyc29y`);
    await expect.poll(() => page.locator('[data-test=list-error]').innerText()).toContain('分页游标无效');
    await page.locator('[data-test=first-page]').click();
    await page.waitForURL((u) => !u.searchParams.has('after') && u.searchParams.get('sort') === 'AGE');
    await page.locator('[data-test=elder-table] [data-test=elder-link]').first().waitFor();
    expect(await page.locator('[data-test=list-error]').count()).toBe(0);
    await page.context().close();
  });

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
