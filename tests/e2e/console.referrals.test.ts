import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOWN, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, ok, type TestApp } from '../helpers/app.js';
import { describeViolations, runAxe } from '../helpers/axe.js';
import { graphqlAs, launchChromium, logInAs, requireBuiltConsole } from '../helpers/browser.js';

// Issue 16, items 3 and 4b in Chromium: the demo social-work centre (`socialwork`) accepts a referral on 转介给本机构
// and reports its outcome; the town reads both answers in the alert's timeline, by person and agency; the admin's
// 考核排名 ranks the towns. axe finds nothing critical or serious on either new page.
describe('referrals and assessment in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let alert: { id: string; title: string; elderName: string };

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    // The browser's calendar is the machine's: the API's clock must agree, or today's outcome date is "in the future".
    t.clock.set(new Date().toISOString());
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
    server = await t.listen();
    browser = await launchChromium();

    // The town refers one of its open alerts to a social worker.
    const login = ok(await t.exec<any>(null, `mutation { login(username: "town", password: "demo1234") { token } }`)).login.token as string;
    const [elder] = await t.sql<{ id: string; name: string }>(
      `select id, name from elder where starts_with(region_code, $1) and status = 'ACTIVE' order by name limit 1`,
      [DEMO_TOWN],
    );
    expect(elder).toBeDefined();
    const raised = (await graphqlAs<any>(server.url, login, `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version title } }`, {
      input: { elderId: elder!.id, severity: 'NORMAL', title: '老人情绪低落，独自在家' },
    })).raiseAlert;
    await graphqlAs(server.url, login, `mutation($id: ID!, $v: Int!) { referAlert(id: $id, version: $v, to: SOCIAL_WORKER, note: "请社工上门评估") { id } }`, {
      id: raised.id, v: raised.version,
    });
    const row = { id: raised.id as string, title: raised.title as string, name: elder!.name };
    alert = { id: row.id, title: row.title, elderName: row.name };
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function pageAs(username: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    await logInAs(page, server.url, username);
    return { page, errors };
  }

  it('the social-work centre accepts the referral and reports the outcome; the town reads both in the timeline', async () => {
    const { page, errors } = await pageAs('socialwork');
    // Its menu has its referrals, not the archive.
    await page.locator('.el-menu').getByText('转介给本机构').click();
    await page.waitForURL((u) => u.pathname === '/referrals');
    expect(await page.locator('.el-menu').getByText('预警处置').count()).toBe(0);
    const row = page.locator('[data-test=referral-table] tr', { hasText: alert.elderName });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-test=referral-state]').innerText()).toBe('待对方接收');

    await row.locator('[data-test=referral-accept]').click();
    await page.locator('textarea[data-test=referral-note], [data-test=referral-note] textarea').first().fill('明日上门');
    await page.locator('[data-test=referral-submit]').click();
    await expect.poll(() => row.locator('[data-test=referral-state]').innerText()).toBe('对方已接收');

    // An outcome needs its text: the form says so before anything is sent.
    await row.locator('[data-test=referral-outcome]').click();
    await page.locator('[data-test=referral-submit]').click();
    await expect.poll(() => page.locator('[data-test=referral-dialog] .el-form-item__error').first().innerText()).toContain('请写明处置结果');
    await page.locator('textarea[data-test=referral-note], [data-test=referral-note] textarea').first().fill('已上门评估，链接志愿者每周探视');
    await page.locator('[data-test=referral-submit]').click();
    await expect.poll(() => row.locator('[data-test=referral-state]').innerText()).toBe('对方已反馈处置结果，待办结');

    const report = await runAxe(page, 'referrals');
    expect(describeViolations([...report.byImpact.critical, ...report.byImpact.serious])).toBe('');
    expect(errors).toEqual([]);
    await page.context().close();

    const town = await pageAs('town');
    await town.page.goto(`${server.url}/alerts?elder=${encodeURIComponent(alert.elderName)}`);
    const line = town.page.locator('tr', { has: town.page.locator(`[data-alert-id="${alert.id}"]`) });
    await expect.poll(() => line.count()).toBe(1);
    expect(await line.locator('[data-test=referral-state]').innerText()).toBe('对方已反馈处置结果，待办结');
    await line.locator('.el-table__expand-icon').click();
    const timeline = town.page.locator('[data-test=alert-event]');
    await expect.poll(async () => (await timeline.allInnerTexts()).join('\n')).toContain('处置结果');
    const text = (await timeline.allInnerTexts()).join('\n');
    expect(text).toContain('已接收');
    expect(text).toContain('开平市社会工作服务中心');
    expect(text).toContain('已上门评估，链接志愿者每周探视');
    expect(town.errors).toEqual([]);
    await town.page.context().close();
  }, 90_000);

  it('the admin’s 考核排名 ranks the towns of the city', async () => {
    const { page, errors } = await pageAs('admin');
    await page.goto(`${server.url}/assessment`);
    const ranks = page.locator('[data-test=assessment-rank]');
    await expect.poll(() => ranks.count()).toBeGreaterThan(1);
    expect(await ranks.first().innerText()).toBe('1');
    expect(await page.locator('[data-test=assessment-name]').allInnerTexts()).toContain('三埠街道');
    const report = await runAxe(page, 'assessment');
    expect(describeViolations([...report.byImpact.critical, ...report.byImpact.serious])).toBe('');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
