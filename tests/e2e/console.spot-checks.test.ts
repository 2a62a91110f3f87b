import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeViolations, runAxe } from '../helpers/axe.js';
import { launchChromium, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';

// 抽查回访 (issue 16 item 4a) in the built console, Debian's Chromium, the real API and database: the town draws a
// sample of this month's visits after a confirmation, sees the elders by name with masked IDs, records a call-back,
// and the rates table counts it; axe finds nothing serious; the page fits a 390-px phone.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

describe('admin console in Chromium: 抽查回访 (spot checks)', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let townCode: string;
  let population: number;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
    const [town] = await t.sql<{ region_code: string }>(`select region_code from app_user where username = 'town'`);
    townCode = town!.region_code;
    const [row] = await t.sql<{ n: number }>(
      `select count(*)::int as n from visit where starts_with(region_code, $1)
          and to_char(visited_on, 'YYYY-MM') = to_char(($2::timestamptz at time zone 'Asia/Shanghai')::date, 'YYYY-MM')`,
      [townCode, t.clock.now().toISOString()],
    );
    population = row!.n;
    expect(population, 'the demo has visits this month').toBeGreaterThanOrEqual(3);
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

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

  const rows = (page: Page) => page.locator('[data-test=spot-checks-table] .el-table__body tbody tr');

  it('the town draws 3 visits after confirming, records a call-back, and the rates count it', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'town');
    await page.locator('.el-menu-item', { hasText: '抽查回访' }).first().click();
    await page.waitForURL(/\/spot-checks/);
    await poll(() => page.locator('[data-test=spot-no-draw]').isVisible()).toBe(true);
    await page.locator('[data-test=spot-size] input').fill('3');
    await page.locator('[data-test=spot-size] input').press('Tab');
    await page.locator('[data-test=spot-draw]').click();
    // Nothing is drawn until the confirmation is accepted.
    const box = page.locator('.el-message-box');
    await poll(() => box.innerText()).toMatch(/随机抽取 3 条/);
    expect((await t.sql(`select id from spot_check_draw`)).length).toBe(0);
    await box.locator('.el-button--primary').click();
    await poll(() => rows(page).count()).toBe(3);
    await poll(() => page.locator('[data-test=spot-draw-info]').innerText()).toMatch(new RegExp(`抽取 3 条 / 共 ${population} 条探访`));
    const [draw] = await t.sql<{ seed: string }>(`select seed from spot_check_draw where region_code = $1 and superseded_at is null`, [townCode]);
    expect(await page.locator('[data-test=spot-draw-info]').innerText()).toContain(draw!.seed);
    // Elders by name, identity masked.
    const names = await page.locator('[data-test=spot-elder]').allInnerTexts();
    expect(names).toHaveLength(3);
    expect(await rows(page).first().innerText()).toMatch(/\*{4}/);

    await rows(page).first().locator('[data-test=spot-note]').fill('老人确认本月有人上门');
    await rows(page).first().locator('[data-test=spot-CONFIRMED]').click();
    await poll(() => rows(page).first().locator('[data-test=spot-result]').innerText()).toMatch(/属实[\s\S]*老人确认本月有人上门/);
    const rates = page.locator('[data-test=spot-rates] .el-table__body tbody tr', { hasText: '100.0%' });
    await poll(() => rates.count()).toBe(1);
    const [recorded] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'SPOT_CHECK_RECORD'`);
    expect(recorded!.n).toBe(1);

    await page.screenshot({ path: path.join(OUTPUT, 'spot-checks.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    // Last: axe's first try at injecting itself is an inline script the CSP refuses (and logs).
    const report = await runAxe(page, 'spot checks');
    const serious = [...report.byImpact.critical, ...report.byImpact.serious];
    expect(serious, describeViolations(serious)).toEqual([]);
  });

  it('fits a 390×844 phone with no horizontal scroll', async () => {
    const { page, consoleErrors } = await newPage({ width: 390, height: 844 }, true);
    await logIn(page, 'town');
    await page.goto(`${server.url}/spot-checks`);
    await poll(() => rows(page).count()).toBe(3);
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    await page.screenshot({ path: path.join(OUTPUT, 'spot-checks-phone.png'), fullPage: true });
    expect(fits).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});
