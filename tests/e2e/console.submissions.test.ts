import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import { createTestApp, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { describeViolations, runAxe } from '../helpers/axe.js';
import { launchChromium, logInAs, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';

// 报送 (issue 16, item 1) in the built console, Debian's Chromium, the real API and database, on 15 November 2026
// (the test clock, installed in the browser too): the town (三埠街道) submits October, the county (开平市, the demo's
// admin) returns it with a reason, the town reads the reason and resubmits version 2, the county approves it; the
// county's list shows one town late (沙塘镇, whose due day is set earlier than everyone's).
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
const REASON = '10月份探访率与台账不一致，请核对后重报';

describe('admin console in Chromium: 报送 (report submission)', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 20, today: t.clock.now() });
    // October is due on 20 November for the whole city, but on the 10th for 沙塘镇: on the 15th only it is late.
    const admin = await demoUser('admin');
    ok(await t.exec(admin, `mutation { setReportDueDay(regionCode: "${REGIONS.city}", kind: MONTH, day: 20) { day } }`));
    ok(await t.exec(admin, `mutation { setReportDueDay(regionCode: "${REGIONS.townB}", kind: MONTH, day: 10) { day } }`));
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function demoUser(username: string): Promise<TestUser> {
    const [u] = await t.sql<{ id: string; display_name: string; role: 'ADMIN' | 'TOWN_OPERATOR'; region_code: string }>(
      `select id, display_name, role, region_code from app_user where username = $1`,
      [username],
    );
    return { id: u!.id, username, actor: actorFor({ id: u!.id, username, displayName: u!.display_name, role: u!.role, regionCode: u!.region_code }) };
  }

  // bypassCSP: axe-core is injected into the page as a test script, never by loosening the server's policy.
  async function pageAs(username: string, viewport = { width: 1440, height: 900 }): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport, bypassCSP: true });
    await context.clock.install({ time: t.clock.now() });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await logInAs(page, server.url, username);
    return { page, errors };
  }

  async function confirmBox(page: Page, button: string): Promise<void> {
    const box = page.locator('.el-message-box');
    await box.waitFor();
    await box.getByRole('button', { name: button }).click();
    await box.waitFor({ state: 'hidden' });
  }

  it('the town submits, the county returns with a reason, the town resubmits, the county approves and sees one town late', async () => {
    const town = await pageAs('town');
    await town.page.locator('.el-menu-item', { hasText: '报送' }).click();
    await town.page.waitForURL(/\/reports\/submissions/);
    const own = town.page.locator('[data-test=own-submission]');
    await poll(() => own.locator('[data-test=own-status]').textContent()).toBe('未报送');
    await poll(() => own.locator('[data-test=own-due]').textContent()).toBe('2026-11-20');
    // The figures it will submit are the report's of October.
    const townUser = await demoUser('town');
    const { elders } = ok(await t.exec<any>(townUser, `query { report(regionCode: "${REGIONS.townA}", period: "2026-10") { figures { elders } } }`)).report.figures;
    expect(elders).toBeGreaterThan(0);
    await poll(() => own.locator('[data-test=own-figures]').textContent()).toContain(`在册老年人${elders}`);
    // Cancelling the confirmation sends nothing.
    await own.locator('[data-test=submit-report]').click();
    await confirmBox(town.page, '取消');
    expect(await t.sql(`select 1 from report_submission`)).toEqual([]);
    await own.locator('[data-test=submit-report]').click();
    await confirmBox(town.page, '提交报送');
    await poll(() => own.locator('[data-test=own-status]').textContent()).toBe('已报送');
    await poll(() => own.locator('[data-test=own-pending]').textContent()).toContain('第 1 版');
    // From now on the page shows the frozen figures the county received.
    await poll(() => own.locator('[data-test=figures-title]').textContent()).toContain('已报送的数据（第 1 版，截至 2026-10-31）');

    // The county: 沙塘镇 is late (first), 三埠街道 waits for review; it returns it with a reason.
    const county = await pageAs('admin');
    await county.page.goto(`${server.url}/reports/submissions?p=2026-10`);
    const rows = county.page.locator('[data-test=child-table] .el-table__body tbody tr');
    await poll(() => rows.first().textContent()).toContain('沙塘镇');
    await poll(() => county.page.locator('[data-test=child-late]').count()).toBe(1);
    expect(await rows.first().locator('[data-test=child-late]').textContent()).toBe('逾期');
    expect(await county.page.locator('[data-test=child-summary]').textContent()).toContain('逾期 1');
    const row = rows.filter({ hasText: '三埠街道' });
    await poll(() => row.locator('[data-test=child-status]').textContent()).toBe('已报送');
    expect(await row.textContent()).toContain('三埠街道 经办人');
    await row.locator('[data-test=return]').click();
    const dialog = county.page.locator('[data-test=return-dialog]');
    await dialog.locator('[data-test=confirm-return]').click();
    await poll(() => dialog.locator('.el-form-item__error').textContent()).toBe('请写明退回原因');
    await dialog.locator('textarea').fill(REASON);
    await dialog.locator('[data-test=confirm-return]').click();
    await poll(() => row.locator('[data-test=child-status]').textContent()).toBe('已退回');
    expect(await row.textContent()).toContain(REASON);

    // The town reads the reason and submits again: version 2.
    await town.page.reload();
    await poll(() => own.locator('[data-test=own-status]').textContent()).toBe('已退回');
    await poll(() => own.locator('[data-test=return-reason]').textContent()).toBe(REASON);
    await own.locator('[data-test=submit-report]').click();
    await confirmBox(town.page, '提交报送');
    await poll(() => own.locator('[data-test=own-pending]').textContent()).toContain('第 2 版');
    await poll(() => own.locator('[data-test=own-versions] .el-table__body tbody tr').count()).toBe(2);

    // The county approves version 2.
    await county.page.reload();
    await poll(() => row.locator('[data-test=child-status]').textContent()).toBe('已报送');
    await row.locator('[data-test=approve]').click();
    await confirmBox(county.page, '通过');
    await poll(() => row.locator('[data-test=child-status]').textContent()).toBe('已通过');
    await poll(() => county.page.locator('[data-test=child-summary]').textContent()).toContain('已通过 1');
    const a11y = await runAxe(county.page, 'submissions');
    expect(describeViolations([...a11y.byImpact.critical, ...a11y.byImpact.serious])).toBe('');
    await county.page.screenshot({ path: path.join(OUTPUT, 'submissions-county.png'), fullPage: true });

    await town.page.reload();
    await poll(() => own.locator('[data-test=own-status]').textContent()).toBe('已通过');
    expect(await own.locator('[data-test=own-approved]').textContent()).toContain('开平市民政局 管理员');
    await town.page.screenshot({ path: path.join(OUTPUT, 'submissions-town.png'), fullPage: true });

    const stored = await t.sql<{ version: number; status: string; reason: string | null }>(
      `select version, status, reason from report_submission where region_code = $1 order by version`,
      [REGIONS.townA],
    );
    expect(stored).toEqual([
      { version: 1, status: 'RETURNED', reason: REASON },
      { version: 2, status: 'APPROVED', reason: null },
    ]);
    expect(town.errors).toEqual([]);
    expect(county.errors).toEqual([]);
  }, 90_000); // about 25 s alone; more on a runner shared with other test files

  it('the county sets its towns\' monthly due day on the page (报送期限), and the list follows it except where a town set its own', async () => {
    const { page, errors } = await pageAs('admin');
    await page.goto(`${server.url}/reports/submissions?p=2026-10`);
    const card = page.locator('[data-test=due-days]');
    // Set in beforeAll: the month by the 20th on the county itself; quarters and years by the default.
    await poll(() => card.locator('[data-test=due-day-MONTH]').textContent()).toBe('期满后次月 20 日');
    const monthRow = card.locator('.el-table__body tbody tr').first();
    expect(await monthRow.textContent()).toContain('月报');
    expect(await monthRow.textContent()).toContain('本级设置');
    expect(await card.locator('.el-table__body tbody tr').nth(1).textContent()).toContain('默认');
    await card.locator('[data-test=due-edit-MONTH]').click();
    const dialog = page.locator('[data-test=due-dialog]');
    await dialog.waitFor();
    const input = dialog.locator('[data-test=due-day-input] input');
    await input.fill('12');
    await input.blur();
    const a11y = await runAxe(page, 'submissions · due day dialog');
    expect(a11y.byImpact.critical.concat(a11y.byImpact.serious), describeViolations(a11y.byImpact.critical.concat(a11y.byImpact.serious))).toEqual([]);
    await dialog.locator('[data-test=confirm-due]').click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => page.locator('.el-message--success').first().textContent()).toContain('月报在期满后次月 12 日前报送');
    await poll(() => card.locator('[data-test=due-day-MONTH]').textContent()).toBe('期满后次月 12 日');
    // The towns' October is now due on 12 November, except 沙塘镇, which keeps its own 10th.
    const dueOf = (name: string) => page.locator('[data-test=child-table] .el-table__body tbody tr', { hasText: name }).first().locator('td').nth(2).textContent();
    await poll(() => dueOf('三埠街道')).toBe('2026-11-12');
    expect(await dueOf('沙塘镇')).toBe('2026-11-10');
    const [stored] = await t.sql<{ day: number }>(`select day from report_due_day where region_code = $1 and kind = 'MONTH'`, [REGIONS.city]);
    expect(stored!.day).toBe(12);
    expect(errors).toEqual([]);
    await page.context().close();
    // Back to the 20th for the other cases of this file.
    ok(await t.exec(await demoUser('admin'), `mutation { setReportDueDay(regionCode: "${REGIONS.city}", kind: MONTH, day: 20) { day } }`));
  }, 60_000);

  it('fits a phone: neither the town’s nor the county’s page reaches past the screen (tables scroll inside themselves)', async () => {
    for (const [username, ready] of [['town', '[data-test=own-status]'], ['admin', '[data-test=child-status]']] as const) {
      const { page, errors } = await pageAs(username, { width: 390, height: 844 });
      await page.goto(`${server.url}/reports/submissions?p=2026-10`);
      await poll(() => page.locator(ready).first().isVisible()).toBe(true);
      // The layout scrolls inside el-main, so the document never gets wider: look for elements past the right edge
      // instead, except inside what scrolls on its own (tables).
      const sticking = await page.evaluate(() => {
        const out: string[] = [];
        const walk = (el: Element) => {
          const style = getComputedStyle(el);
          if (style.display === 'none' || style.visibility === 'hidden') return;
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.height > 0 && r.right > window.innerWidth + 1) {
            out.push(`<${el.tagName.toLowerCase()} class=${el.className}> right ${Math.round(r.right)}`);
            return;
          }
          if (el.matches('.el-table') || ['auto', 'scroll'].includes(style.overflowX) && !el.matches('.el-main, .el-card__body')) return;
          for (const child of Array.from(el.children)) walk(child);
        };
        const main = document.querySelector('.el-main');
        if (!main) return ['no .el-main: the layout changed, this check must follow it'];
        walk(main);
        return out;
      });
      expect(sticking, username).toEqual([]);
      await page.screenshot({ path: path.join(OUTPUT, `submissions-phone-${username}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.context().close();
    }
  }, 60_000);
});
