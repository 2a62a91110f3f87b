import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireBuiltConsole, OUTPUT } from '../helpers/browser.js';

// Drives the built console (packages/admin/dist, made by `pnpm build`, which `pnpm test` runs first) in Debian's
// Chromium against the real API and database. No browser download: CHROMIUM_PATH or /usr/bin/chromium.
const MASKED_ID = /^\d{6}\*{8}\d{3}[\dX]$/;

describe('admin console in Chromium', () => {
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
    // Fail within the test's own time limit, with Playwright's message saying what it waited for.
    page.setDefaultTimeout(8_000);
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    return { page, consoleErrors };
  }

  /** Element Plus puts data-* attributes on the native <input> of el-input. */
  function field(page: Page, name: string) {
    return page.locator(`input[data-test=${name}], [data-test=${name}] input`).first();
  }

  async function logIn(page: Page, username: string, password: string): Promise<void> {
    await field(page, 'username').fill(username);
    await field(page, 'password').fill(password);
    await page.locator('[data-test=login-submit]').click();
  }

  it('sends a visitor without a session to the login page and refuses a wrong password in Chinese', async () => {
    const { page, consoleErrors } = await newPage();
    await page.goto(`${server.url}/elders`);
    await page.waitForURL(/\/login\?redirect=(%2F|\/)elders$/);
    await logIn(page, 'admin', 'wrong-password');
    await expect.poll(() => page.locator('[data-test=login-error]').textContent()).toContain('用户名或密码错误');
    expect(page.url()).toContain('/login');
    // Empty fields are caught before anything is sent.
    await field(page, 'username').fill('');
    await page.locator('[data-test=login-submit]').click();
    await expect.poll(() => page.getByText('请输入用户名').count()).toBe(1);
    expect(consoleErrors.filter((e) => !e.includes('401'))).toEqual([]);
    await page.context().close();
  });

  it('logs the admin in and lists the whole city masked, page by page, with filters', async () => {
    const { page, consoleErrors } = await newPage();
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await logIn(page, 'admin', 'demo1234');
    // Home is the dashboard; the list is one click away.
    await page.waitForURL(/\/dashboard$/);
    await page.goto(`${server.url}/elders`);

    const rows = page.locator('[data-test=elder-table] .el-table__body tbody tr');
    // Status filter defaults to 在册 (active): the count is the active archives of the city.
    const [{ active }] = await t.sql<{ active: string }>(`select count(*) as active from elder where status = 'ACTIVE'`);
    await expect.poll(() => page.locator('[data-test=elder-count]').textContent()).toBe(`共 ${active} 位老年人`);
    await expect.poll(() => rows.count()).toBe(20);
    const ids = await rows.locator('td:nth-child(2)').allTextContents();
    for (const id of ids) expect(id.trim()).toMatch(MASKED_ID);
    expect(await page.locator('[data-test=who]').textContent()).toContain('民政管理员');
    await page.screenshot({ path: path.join(OUTPUT, 'elders-admin.png'), fullPage: true });

    // Next page: different people, page counter moves; back returns to the first page.
    const firstNames = await rows.locator('td:nth-child(1)').allTextContents();
    await page.locator('[data-test=next]').click();
    await expect.poll(() => page.locator('[data-test=page]').textContent()).toContain('第 2 页');
    await expect.poll(async () => (await rows.locator('td:nth-child(1)').allTextContents())[0]).not.toBe(firstNames[0]);
    await page.locator('[data-test=prev]').click();
    await expect.poll(() => page.locator('[data-test=page]').textContent()).toContain('第 1 页');

    // Text search on the last digits of one ID number finds that person.
    const [someone] = await t.sql<{ name: string; id_number: string }>(
      `select name, id_number from elder where status = 'ACTIVE' order by id_number offset 7 limit 1`,
    );
    await field(page, 'filter-text').fill(someone!.id_number.slice(-6));
    await page.locator('[data-test=search]').click();
    await expect.poll(async () => rows.locator('td:nth-child(1)').allTextContents()).toContain(someone!.name);

    // Only the overdue ones (derived from visits and standards): the count is the API's overdueElders total.
    await field(page, 'filter-text').fill('');
    await page.locator('[data-test=filter-overdue]').click();
    await page.locator('[data-test=search]').click();
    const [admin] = await t.sql<{ id: string; region_code: string }>(`select id, region_code from app_user where username = 'admin'`);
    const overdue = await t.exec<any>(
      { id: admin!.id, username: 'admin', actor: actorFor({ id: admin!.id, username: 'admin', displayName: 'admin', role: 'ADMIN', regionCode: admin!.region_code }) },
      `{ overdueElders(first: 1) { totalCount } }`,
    );
    await expect.poll(() => page.locator('[data-test=elder-count]').textContent()).toBe(`共 ${overdue.data.overdueElders.totalCount} 位老年人`);
    await page.locator('[data-test=filter-overdue]').click();

    // A search that matches nobody shows the empty state rather than a blank table.
    await field(page, 'filter-text').fill('查无此人');
    await page.locator('[data-test=search]').click();
    await expect.poll(() => page.locator('[data-test=elder-count]').textContent()).toBe('共 0 位老年人');
    await expect.poll(() => page.getByText('没有符合条件的记录').count()).toBe(1);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('shows a village worker only their own village, and logging out ends the session', async () => {
    const { page } = await newPage();
    await page.goto(`${server.url}/login`);
    await logIn(page, 'visitor', 'demo1234');
    // Home is the worklist (a village worker records visits for their elders); the list is one click away.
    await page.waitForURL(/\/worklist$/);
    await page.goto(`${server.url}/elders`);
    const [{ mine }] = await t.sql<{ mine: string }>(
      `select count(*) as mine from elder where status = 'ACTIVE' and region_code = '440783001020'`,
    );
    await expect.poll(() => page.locator('[data-test=elder-count]').textContent()).toBe(`共 ${mine} 位老年人`);
    const villages = await page.locator('[data-test=elder-table] .el-table__body tbody tr td:nth-child(5)').allTextContents();
    for (const v of villages) expect(v).toContain('东河社区');
    await page.screenshot({ path: path.join(OUTPUT, 'elders-visitor.png'), fullPage: true });

    const token = await page.evaluate(() => sessionStorage.getItem('tanfang.token'));
    await page.locator('[data-test=logout]').click();
    await page.waitForURL(/\/login/);
    // The old token is dead on the server, not just forgotten by the browser.
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { username } }' }),
    });
    expect((await res.json()).data.me).toBeNull();
    await page.context().close();
  });
});
