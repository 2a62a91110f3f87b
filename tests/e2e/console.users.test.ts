import { createHash } from 'node:crypto';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import { createTestApp, ok, type TestApp, type TestUser } from '../helpers/app.js';
import { launchChromium, requireBuiltConsole, OUTPUT } from '../helpers/browser.js';

// Users, API keys and the audit log in the built console (packages/admin/dist), Debian's Chromium, real API and database.

describe('users, API keys and the audit log in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 40, today: t.clock.now() });
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
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
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

  /** Home is the first page the user may open: the dashboard, or (auditors) the audit log. */
  async function logIn(page: Page, username: string, home = /\/dashboard$/): Promise<void> {
    await page.goto(`${server.url}/login`);
    await field(page, 'username').fill(username);
    await field(page, 'password').fill('demo1234');
    await page.locator('[data-test=login-submit]').click();
    await page.waitForURL(home);
  }

  async function demoUser(username: string): Promise<TestUser> {
    const [u] = await t.sql<{ id: string; display_name: string; role: 'ADMIN'; region_code: string; agency_id: string | null }>(
      `select id, display_name, role, region_code, agency_id from app_user where username = $1`,
      [username],
    );
    return { id: u!.id, username, actor: actorFor({ id: u!.id, username, displayName: u!.display_name, role: u!.role, regionCode: u!.region_code, agencyId: u!.agency_id }) };
  }

  it('the admin creates a user, then an API key that is shown once', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'admin');
    await page.locator('.el-menu-item', { hasText: '用户与权限' }).click();
    await page.waitForURL(/\/users$/);
    const rows = page.locator('[data-test=user-table] .el-table__body tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);

    // A wrong password is caught in the form; then the user is created.
    await page.locator('[data-test=user-create]').click();
    const dialog = page.locator('.el-dialog', { hasText: '新建用户' });
    await field(page, 'user-form-username').fill('donghe.worker2');
    await field(page, 'user-form-display-name').fill('东河社区 探访员二');
    await field(page, 'user-form-region').fill('440783001020');
    await field(page, 'user-form-password').fill('short');
    await page.locator('[data-test=user-form-submit]').click();
    await expect.poll(() => dialog.getByText('至少10位，且须同时包含字母和数字').count()).toBeGreaterThan(0);
    await field(page, 'user-form-password').fill('dongHe2026pass');
    await page.locator('[data-test=user-form-submit]').click();
    await expect.poll(() => page.getByText('已创建用户 donghe.worker2').count()).toBe(1);
    await expect.poll(() => rows.locator('[data-test=user-username]').allTextContents()).toContain('donghe.worker2');
    const [created] = await t.sql(`select role, region_code, active from app_user where username = 'donghe.worker2'`);
    expect(created).toEqual({ role: 'VILLAGE_WORKER', region_code: '440783001020', active: true });
    await page.screenshot({ path: path.join(OUTPUT, 'users-admin.png'), fullPage: true });

    // Deactivating asks for a reason; the user leaves the (active-only) list and cannot log in.
    await rows.filter({ hasText: 'donghe.worker2' }).locator('[data-test=user-deactivate]').click();
    await page.locator('[data-test=deactivate-submit]').click();
    await expect.poll(() => page.locator('.el-dialog', { hasText: '停用用户' }).getByText('请填写理由（2至500字）').count()).toBe(1);
    await field(page, 'deactivate-reason').fill('调离东河社区');
    await page.locator('[data-test=deactivate-submit]').click();
    await expect.poll(() => page.getByText('已停用用户').count()).toBe(1);
    await expect.poll(() => rows.locator('[data-test=user-username]').allTextContents()).not.toContain('donghe.worker2');
    const [gone] = await t.sql(`select active from app_user where username = 'donghe.worker2'`);
    expect(gone).toEqual({ active: false });

    // Roles with their scopes.
    await page.locator('#tab-roles').click();
    await expect.poll(() => page.locator('[data-test=roles-table]').textContent()).toContain('user.manage:jurisdiction');

    // API keys: agencies → keys → create; the key is in the dialog only.
    await page.locator('#tab-keys').click();
    await page.locator('[data-test=agency-name]', { hasText: '开平市残疾人联合会' }).click();
    await expect.poll(() => page.getByText('该部门还没有接口密钥').count()).toBe(1);
    await page.locator('[data-test=key-create]').click();
    await field(page, 'key-name').fill('残联业务系统');
    await page.locator('[data-test=key-submit]').click();
    const shown = page.locator('[data-test=key-shown]');
    await expect.poll(() => field(page, 'key-value').inputValue()).toMatch(/^tfk_/);
    const key = await field(page, 'key-value').inputValue();
    expect(await page.locator('[data-test=key-warning]').textContent()).toContain('密钥只显示这一次');
    await page.locator('[data-test=key-copy]').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.screenshot({ path: path.join(OUTPUT, 'api-key-shown.png'), fullPage: true });
    const [stored] = await t.sql<{ key_hash: string; key_prefix: string }>(`select key_hash, key_prefix from api_client where name = '残联业务系统'`);
    expect(stored!.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    await page.locator('[data-test=key-done]').click();
    await expect.poll(() => shown.isVisible()).toBe(false);
    expect(await page.content()).not.toContain(key);
    await expect.poll(() => page.locator('[data-test=key-prefix]').allTextContents()).toEqual([`${stored!.key_prefix}…`]);
    // The key works against the API, until it is revoked (after a confirmation).
    const meWithKey = async () => {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ me { role } }' }),
      });
      return (await res.json()).data.me;
    };
    expect((await meWithKey()).role).toBe('DISABILITY');
    await page.locator('[data-test=key-revoke]').click();
    await page.locator('.el-message-box').getByRole('button', { name: '吊销' }).click();
    await expect.poll(() => page.locator('[data-test=key-status]').first().textContent()).toContain('吊销时间');
    expect(await meWithKey()).toBeNull();
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('the auditor sees a reveal with its purpose in the audit log', async () => {
    const admin = await demoUser('admin');
    const [elder] = await t.sql<{ id: string; name: string; id_number: string }>(`select id, name, id_number from elder order by id limit 1`);
    ok(await t.exec(admin, `mutation($id: ID!) { revealElderIdentity(elderId: $id, purpose: "核实低保申请人身份") { phone } }`, { id: elder!.id }));

    const { page, consoleErrors } = await newPage();
    await logIn(page, 'auditor', /\/audit$/);
    const rows = page.locator('[data-test=audit-table] > .el-table__inner-wrapper > .el-table__body-wrapper tbody tr.el-table__row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    // The newest event is first: the reveal, with its purpose.
    await expect.poll(() => page.locator('[data-test=audit-purpose]').first().textContent()).toBe('核实低保申请人身份');

    // Filter by the person, as an auditor knows them (the end of the ID number): their events, shown by name.
    await field(page, 'filter-elder').fill(elder!.id_number.slice(-8));
    await page.locator('[data-test=audit-search]').click();
    await expect.poll(async () => (await page.locator('[data-test=audit-action]').allTextContents()).includes('查看完整身份信息')).toBe(true);
    // Another archive may end in the same digits; the one revealed is among those shown, by name.
    expect(await page.locator('[data-test=audit-elder]').allTextContents()).toContain(elder!.name);
    const reveal = rows.filter({ has: page.locator('[data-action=IDENTITY_REVEAL]') }).first();
    // The revealer by name, with the login under it.
    expect(await reveal.locator('[data-test=audit-actor]').textContent()).toBe('开平市民政局 管理员');
    expect(await reveal.locator('[data-test=audit-actor-username]').textContent()).toBe('admin');
    await reveal.locator('.el-table__expand-icon').click();
    await expect.poll(() => page.locator('[data-test=audit-expand]').first().textContent()).toContain('核实低保申请人身份');
    await page.screenshot({ path: path.join(OUTPUT, 'audit-auditor.png'), fullPage: true });

    // The auditor has no users page.
    expect(await page.locator('.el-menu-item', { hasText: '用户与权限' }).count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
