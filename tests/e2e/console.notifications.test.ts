import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, idNumberFor, ok, REGIONS, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.js';
import { launchChromium, logInAs, requireBuiltConsole } from '../helpers/browser.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

// The notification bell and the webhooks page (issue 16) in the built console, Debian's Chromium, the real API and
// database: an urgent alert raised by a visit in the town shows in the bell's count and list; opening it goes to the elder and
// clears the count; the page marks all read. A police user registers a webhook, sees the secret once, deletes it.
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

describe('admin console in Chromium: notifications and webhooks', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let town: TestUser;
  let police: TestUser;
  let elder: ElderData;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    const admin = await t.user('ADMIN', REGIONS.city);
    town = await t.user('TOWN_OPERATOR', REGIONS.townA);
    police = await t.user('POLICE', REGIONS.city);
    elder = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1941-02-03') });
    server = await t.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function newPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
    await context.clock.install({ time: t.clock.now() });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return { page, errors };
  }
  const raise = (title: string) =>
    t.exec(town, `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id } }`, { input: { elderId: elder.id, severity: 'URGENT', title } });

  // Raised by a visit in the town's area (issue 16's wording): the visit's finding of unsafe gas use is URGENT.
  const visitFindingGas = () =>
    t.exec(town, `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id alertIds } }`, {
      input: { elderId: elder.id, visitedAt: t.clock.now().toISOString(), method: 'HOME', gasSafety: 'UNSAFE' },
    });

  it('the bell counts an urgent alert raised by a visit, lists it, opens the elder and clears; the page marks all read', async () => {
    expect(ok(await visitFindingGas()).recordVisit.alertIds).toHaveLength(1);
    const { page, errors } = await newPage();
    await logInAs(page, server.url, town.username, TEST_PASSWORD);
    const count = page.locator('[data-test=bell-count] sup');
    await poll(() => count.innerText()).toBe('1');
    await page.locator('[data-test=bell]').click();
    const item = page.locator('[data-test=bell-item]');
    await poll(() => item.first().innerText()).toContain('紧急预警：燃气使用不安全');
    await item.first().click();
    await page.waitForURL(new RegExp(`/elders/${elder.id}$`));
    // Read on opening; the count is asked again on the route change.
    await poll(() => count.isVisible()).toBe(false);

    ok(await raise('燃气泄漏'));
    await page.goto(`${server.url}/notifications?show=unread`);
    const rows = page.locator('[data-test=notifications-table] .el-table__body tbody tr');
    await poll(() => rows.count()).toBe(1);
    await poll(() => rows.first().innerText()).toContain('紧急预警：燃气泄漏');
    await page.locator('[data-test=mark-all-read]').click();
    await poll(() => page.locator('[data-test=notifications-table] .el-table__empty-text').innerText()).toBe('没有消息');
    await poll(() => count.isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a police user registers a webhook, sees the secret once, and deletes it after a confirmation', async () => {
    const { page, errors } = await newPage();
    await logInAs(page, server.url, police.username, TEST_PASSWORD);
    await page.locator('.el-menu-item', { hasText: '回调订阅' }).first().click();
    await page.waitForURL(/\/webhooks$/);
    await page.locator('[data-test=webhook-add]').click();
    await page.locator('input[data-test=webhook-url], [data-test=webhook-url] input').first().fill('ftp://example.com/x');
    await page.locator('[data-test=webhook-events] .el-checkbox', { hasText: '预警转介到本部门' }).click();
    await page.locator('[data-test=webhook-save]').click();
    await poll(() => page.locator('[data-test=webhook-form-error]').innerText()).toContain('只支持 http:// 或 https:// 地址');
    await page.locator('input[data-test=webhook-url], [data-test=webhook-url] input').first().fill('http://127.0.0.1:9/hook');
    await page.locator('[data-test=webhook-save]').click();
    await poll(() => page.locator('input[data-test=webhook-secret-value], [data-test=webhook-secret-value] input').first().inputValue()).toMatch(/^whsec_/);
    await page.locator('[data-test=webhook-secret-done]').click();
    const rows = page.locator('[data-test=webhooks-table] .el-table__body tbody tr');
    await poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('http://127.0.0.1:9/hook');

    await page.locator('[data-test=webhook-delete]').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await poll(() => rows.count()).toBe(0);
    const [{ active }] = await t.sql<{ active: boolean }>(`select active from webhook_subscription`);
    expect(active).toBe(false);
    expect(errors).toEqual([]);
  });
});
