import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOWN, DEMO_VILLAGE, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, idNumberFor, type TestApp } from '../helpers/app.js';
import { launchChromium, requireBuiltConsole, OUTPUT } from '../helpers/browser.js';

// The elder pages of the console in Debian's Chromium against the real API and database: registration with inline
// errors, the detail tabs, an identity reveal with a purpose, an edit that loses to someone else's save, a visit
// recorded on a tablet-sized screen that raises an alert, and the reveal in the auditor's log.
const MASKED_ID = /^\d{6}\*{8}\d{3}[\dX]$/;

describe('elder pages of the admin console in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  const consoleErrors: string[] = [];

  // The registered elder: 86 years old, living alone (class A by the rules), in 东河社区.
  const goodId = idNumberFor('1940-03-15', true);
  let registeredId = '';

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    // The browser stamps visits with its own clock: the API's clock must be today too (it is reset before each flow).
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

  async function newPage(viewport = { width: 1440, height: 900 }): Promise<Page> {
    t.clock.set(new Date().toISOString());
    const context = await browser.newContext({ locale: 'zh-CN', viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    return page;
  }

  /** Element Plus puts data-* attributes on the native <input> of el-input. */
  function field(page: Page, name: string) {
    return page.locator(`input[data-test=${name}], [data-test=${name}] input, textarea[data-test=${name}], [data-test=${name}] textarea`).first();
  }

  /** A screenshot once Element Plus's enter transitions (tags, tab bar, radio buttons) have settled. */
  async function shot(page: Page, name: string): Promise<void> {
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(OUTPUT, name), fullPage: true });
  }

  /** The inline error under a form item. */
  function itemError(page: Page, item: string) {
    return page.locator(`[data-test=${item}] .el-form-item__error`);
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await field(page, 'username').fill(username);
    await field(page, 'password').fill('demo1234');
    await page.locator('[data-test=login-submit]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  it('lets the town operator register an elder: a wrong ID number is shown under its item, then the class and reasons', async () => {
    const page = await newPage();
    await logIn(page, 'town');
    await page.goto(`${server.url}/elders`);
    await page.locator('[data-test=register-elder]').click();
    await page.waitForURL(/\/elders\/new$/);

    await field(page, 'f-name').fill('司徒测试');
    // A typing error in the last character: caught in the browser, under the ID number, before anything is sent.
    const typo = goodId.slice(0, 17) + (goodId[17] === '1' ? '2' : '1');
    await field(page, 'f-idNumber').fill(typo);
    await page.locator('[data-test=submit]').click();
    await expect.poll(() => itemError(page, 'fi-idNumber').textContent()).toContain('校验位不正确');
    // The village is required too, and only a village will do.
    await expect.poll(() => itemError(page, 'fi-regionCode').textContent()).toContain('请选择所在村（社区）');

    await page.locator('[data-test=fi-regionCode] .el-cascader').click();
    await page.locator('.el-cascader-node', { hasText: '三埠街道' }).click();
    await page.locator('.el-cascader-node', { hasText: '东河社区居委会' }).click();
    await page.locator('[data-test=f-circumstances]').getByText('独居').click();
    await page.locator('[data-test=add-contact]').click();
    await field(page, 'contact-0-name').fill('司徒明');
    await field(page, 'contact-0-relation').fill('儿子');
    await field(page, 'contact-0-phone').fill('13800138000');

    // A valid number of someone under 60: the API's field error lands under the same item.
    await field(page, 'f-idNumber').fill(idNumberFor('1990-06-01', true));
    await page.locator('[data-test=submit]').click();
    await expect.poll(() => itemError(page, 'fi-idNumber').textContent()).toContain('未满 60 周岁');
    expect(page.url()).toMatch(/\/elders\/new$/);
    await shot(page, 'elder-register-errors.png');

    await field(page, 'f-idNumber').fill(goodId);
    await page.locator('[data-test=submit]').click();
    await page.waitForURL(/\/elders\/[0-9a-f-]{36}\?registered=1$/);
    registeredId = page.url().match(/elders\/([0-9a-f-]{36})/)![1]!;
    const [row] = await t.sql<{ name: string; region_code: string; circumstances: string[] }>(
      `select name, region_code, circumstances from elder where id = $1`,
      [registeredId],
    );
    expect(row).toEqual({ name: '司徒测试', region_code: DEMO_VILLAGE, circumstances: ['LIVING_ALONE'] });

    await expect.poll(() => page.locator('[data-test=head-class]').textContent()).toContain('A类');
    expect(await page.locator('[data-test=head-reasons]').textContent()).toContain('80周岁以上且独居');
    expect((await page.locator('[data-test=head-id]').textContent())!.trim()).toMatch(MASKED_ID);
    expect(await page.locator('[data-test=registered-banner]').count()).toBe(1);
    await shot(page, 'elder-registered.png');
    await page.context().close();
  });

  it('opens every tab of an archive and reveals the ID number for a stated purpose, only inside the dialog', async () => {
    const page = await newPage();
    await logIn(page, 'town');
    await page.goto(`${server.url}/elders/${registeredId}`);
    await expect.poll(() => page.locator('[data-test=elder-name]').textContent()).toBe('司徒测试');

    // 档案: the contact as registered, its phone masked.
    expect(await page.locator('[data-test=archive-contacts]').textContent()).toContain('司徒明');
    expect(await page.locator('[data-test=archive-contacts]').textContent()).toContain('138****8000');
    const tabs = page.locator('[data-test=elder-tabs] .el-tabs__item');
    await tabs.getByText('分类', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=class-in-force]').textContent()).toBe('A类');
    expect(await page.locator('[data-test=class-reasons]').textContent()).toContain('80周岁以上且独居');
    expect((await page.locator('[data-test=rule-version]').textContent())!.trim()).not.toBe('');
    await tabs.getByText('探访', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=tab-visits]').textContent()).toContain('暂无探访记录');
    await tabs.getByText('预警', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=tab-alerts]').textContent()).toContain('该老人没有预警');
    await tabs.getByText('结对', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=tab-assignments]').textContent()).toContain('尚未结对探访人员');
    await tabs.getByText('部门数据', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=tab-agency]').textContent()).toContain('暂无部门数据');
    await tabs.getByText('变更记录', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=tab-history]').textContent()).toContain('建档');

    // Reveal: no purpose, no reveal; with one, the full number in the dialog only.
    await page.locator('[data-test=reveal]').click();
    await page.locator('[data-test=reveal-submit]').click();
    await expect.poll(() => page.locator('[data-test=reveal-dialog] .el-form-item__error').textContent()).toContain('请填写查看目的');
    await field(page, 'reveal-purpose').fill('电话联系老人确认探访时间');
    await page.locator('[data-test=reveal-submit]').click();
    await expect.poll(() => page.locator('[data-test=revealed-id]').textContent()).toBe(goodId);
    expect(await page.locator('[data-test=revealed]').textContent()).toContain('13800138000');
    await shot(page, 'elder-reveal.png');
    await page.locator('[data-test=reveal-close]').click();
    await expect.poll(() => page.locator('[data-test=revealed-id]').count()).toBe(0);
    expect((await page.locator('[data-test=head-id]').textContent())!.trim()).toMatch(MASKED_ID);
    expect(await page.locator('body').textContent()).not.toContain(goodId);

    // An archive with a life behind it: from the list, a click on the row opens it; its visits and assignments show.
    const [busy] = await t.sql<{ id: string; name: string; id_number: string }>(
      `select e.id, e.name, e.id_number from elder e where e.region_code = $1 and e.status = 'ACTIVE' and e.accepts_visits
          and exists (select 1 from visit v where v.elder_id = e.id) and exists (select 1 from assignment a where a.elder_id = e.id and a.ends_at is null)
        order by (select count(*) from visit v where v.elder_id = e.id) desc, e.id limit 1`,
      [DEMO_VILLAGE],
    );
    // The disability federation sends a certificate for them: the agency-data tab shows it with its provenance.
    const federation = await t.user('DISABILITY', '440783');
    const sync = await t.exec(
      federation,
      `mutation($batch: DisabilityCertificateBatch!) { syncDisabilityCertificates(batch: $batch) { created rejected } }`,
      {
        batch: {
          idempotencyKey: 'e2e-dpf-1',
          records: [{ externalId: 'DPF-E2E-1', idNumber: busy!.id_number, category: 'PHYSICAL', grade: 3, certificateNumber: `${busy!.id_number}43`, issuedOn: '2024-05-01' }],
        },
      },
    );
    expect(sync.data).toEqual({ syncDisabilityCertificates: { created: 1, rejected: 0 } });

    await page.goto(`${server.url}/elders`);
    await field(page, 'filter-text').fill(busy!.id_number.slice(-6));
    await page.locator('[data-test=search]').click();
    await page.locator('[data-test=elder-table] .el-table__body tbody tr', { hasText: busy!.name }).first().click();
    await page.waitForURL(new RegExp(`/elders/${busy!.id}`));
    await tabs.getByText('探访', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=visit-timeline] .el-timeline-item').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-test=requirements]').count()).toBe(1);
    await tabs.getByText('结对', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=tab-assignments]').textContent()).toContain('当前');
    await tabs.getByText('部门数据', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=agency-table]').textContent()).toContain('DPF-E2E-1');
    const agencyRow = await page.locator('[data-test=agency-table]').textContent();
    expect(agencyRow).toContain('残联');
    expect(agencyRow).toContain('残疾人证');
    expect(agencyRow).toContain('2024-05-01');
    expect(agencyRow).not.toContain(busy!.id_number);
    await shot(page, 'elder-detail-tabs.png');
    await page.context().close();
  });

  it('tells the operator when someone else saved the archive first, and saves after a reload, a contact phone unlocked by a reveal', async () => {
    const page = await newPage();
    await logIn(page, 'town');
    await page.goto(`${server.url}/elders/${registeredId}/edit`);
    await expect.poll(() => field(page, 'f-name').inputValue()).toBe('司徒测试');
    await field(page, 'f-address').fill('5巷8号');

    // Meanwhile a colleague changes the same archive through the API.
    const colleague = await t.user('TOWN_OPERATOR', DEMO_TOWN);
    const [{ version }] = await t.sql<{ version: number }>(`select version from elder where id = $1`, [registeredId]);
    const other = await t.exec(colleague, `mutation($id: ID!, $v: Int!) { updateElder(id: $id, version: $v, input: { temporaryDifficulty: "子女住院" }) { version } }`, {
      id: registeredId,
      v: version,
    });
    expect(other.errors).toBeUndefined();

    await page.locator('[data-test=submit]').click();
    await expect.poll(() => page.locator('[data-test=conflict]').textContent()).toContain('其他人已保存');
    const [stale] = await t.sql<{ address_detail: string | null }>(`select address_detail from elder where id = $1`, [registeredId]);
    expect(stale!.address_detail).toBeNull();
    await shot(page, 'elder-edit-conflict.png');

    await page.locator('[data-test=conflict-reload]').click();
    await expect.poll(() => page.locator('[data-test=conflict]').count()).toBe(0);
    // Changing a contact's phone needs the full numbers: a reveal with a purpose (prefilled) unlocks those items.
    expect(await page.locator('input[data-test=contact-0-phone]').count()).toBe(0);
    await page.locator('[data-test=unlock]').click();
    await page.locator('[data-test=reveal-submit]').click();
    await expect.poll(() => field(page, 'contact-0-phone').inputValue()).toBe('13800138000');
    expect(await field(page, 'f-idNumber').inputValue()).toBe(goodId);
    await field(page, 'contact-0-phone').fill('13900139000');
    await field(page, 'f-address').fill('5巷8号');
    await page.locator('[data-test=submit]').click();
    await page.waitForURL(new RegExp(`/elders/${registeredId}$`));
    const [saved] = await t.sql<{ address_detail: string; temporary_difficulty: string; phone: string; id_number: string }>(
      `select e.address_detail, e.temporary_difficulty, c.phone, e.id_number from elder e join elder_contact c on c.elder_id = e.id where e.id = $1`,
      [registeredId],
    );
    expect(saved).toEqual({ address_detail: '5巷8号', temporary_difficulty: '子女住院', phone: '13900139000', id_number: goodId });
    await page.locator('[data-test=elder-tabs] .el-tabs__item').getByText('变更记录', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=tab-history] .el-timeline-item').first().textContent()).toContain('139****9000');
    await page.context().close();
  });

  it('lets the demo visitor record a home visit with unsafe gas on a tablet and see the alert it raised', async () => {
    // An elder on the demo visitor's worklist (due or overdue), without an open gas alert (one open alert per rule).
    const [me] = await t.sql<{ id: string; region_code: string }>(`select id, region_code from app_user where username = 'visitor'`);
    const visitorUser = { id: me!.id, username: 'visitor', actor: actorFor({ id: me!.id, username: 'visitor', displayName: 'visitor', role: 'VILLAGE_WORKER', regionCode: me!.region_code }) };
    const worklist = (await t.exec<any>(visitorUser, `{ myWorklist { elder { id name } } }`)).data!.myWorklist as { elder: { id: string; name: string } }[];
    const gasOpen = new Set((await t.sql<{ elder_id: string }>(`select elder_id from alert where rule_code = 'GAS_UNSAFE' and status <> 'RESOLVED'`)).map((r) => r.elder_id));
    const elder = worklist.map((w) => w.elder).find((e) => !gasOpen.has(e.id));
    expect(elder).toBeDefined();
    const [{ before }] = await t.sql<{ before: number }>(`select count(*)::int as before from visit where elder_id = $1`, [elder!.id]);

    // An iPad in portrait: the form falls to one column.
    const page = await newPage({ width: 820, height: 1180 });
    await logIn(page, 'visitor');
    // The visitor's worklist lists the elder.
    await page.goto(`${server.url}/worklist`);
    await expect.poll(() => page.locator('[data-test=worklist-rows]').textContent()).toContain(elder!.name);
    await page.goto(`${server.url}/elders/${elder!.id}`);
    await page.locator('[data-test=record-visit]').click();
    await page.waitForURL(new RegExp(`/elders/${elder!.id}/visit$`));
    await expect.poll(() => page.locator('[data-test=visit-elder-name]').textContent()).toBe(elder!.name);

    // The method is required.
    await page.locator('[data-test=visit-submit]').click();
    await expect.poll(() => itemError(page, 'vi-method').textContent()).toContain('请选择探访方式');

    await page.locator('[data-test=v-method]').getByText('上门入户').click();
    await expect.poll(() => itemError(page, 'vi-method').count()).toBe(0);
    await field(page, 'v-location').fill('老人家中');
    await page.locator('[data-test=v-mood]').getByText('无变化').click();
    await page.locator('[data-test=v-gasSafety]').getByText('不安全', { exact: true }).click();
    await page.locator('[data-test=v-electricitySafety]').getByText('安全', { exact: true }).click();
    await page.locator('[data-test=add-care]').click();
    await field(page, 'care-0-content').fill('协助检查燃气阀门');
    await page.locator('[data-test=v-visitorSigned]').click();
    await page.locator('[data-test=v-satisfaction]').getByText('满意', { exact: true }).click();
    const columns = await page.locator('[data-test=visit-form] .grid').first().evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
    expect(columns).toBe(1);
    await shot(page, 'visit-form-tablet.png');

    // A double tap records once (one idempotency key per opening of the form).
    await page.locator('[data-test=visit-submit]').dblclick();
    await expect.poll(() => page.locator('[data-test=visit-result]').textContent()).toContain(`已记录第 ${before + 1} 次探访`);
    await expect.poll(() => page.locator('[data-test=visit-alert-list]').textContent()).toContain('燃气使用不安全');
    expect(await page.locator('[data-test=visit-alerts]').textContent()).toContain('1 项风险隐患');
    const [{ after }] = await t.sql<{ after: number }>(`select count(*)::int as after from visit where elder_id = $1`, [elder!.id]);
    expect(after).toBe(before + 1);
    const [visit] = await t.sql<{ method: string; gas_safety: string; mood: string; location: string; visitor_signed: boolean; satisfaction: string; services: number }>(
      `select method, gas_safety, mood, location, visitor_signed, satisfaction, (select count(*)::int from care_service c where c.visit_id = v.id) as services
         from visit v where elder_id = $1 order by seq desc limit 1`,
      [elder!.id],
    );
    expect(visit).toEqual({ method: 'HOME', gas_safety: 'UNSAFE', mood: 'UNCHANGED', location: '老人家中', visitor_signed: true, satisfaction: 'SATISFIED', services: 1 });
    await shot(page, 'visit-recorded.png');

    // Back on the elder's page: the visit heads the timeline, the alert is in the alerts tab.
    await page.locator('[data-test=visit-done]').click();
    await page.waitForURL(new RegExp(`/elders/${elder!.id}\\?tab=visits$`));
    await expect.poll(() => page.locator('[data-test=visit-timeline] .el-timeline-item').first().textContent()).toContain(`第 ${before + 1} 次探访`);
    expect(await page.locator('[data-test=visit-timeline] .el-timeline-item').first().textContent()).toContain('燃气安全：不安全');
    await shot(page, 'visit-timeline.png');
    await page.locator('[data-test=elder-tabs] .el-tabs__item').getByText('预警', { exact: true }).click();
    await expect.poll(() => page.locator('[data-test=alerts-table]').textContent()).toContain('燃气使用不安全');
    await shot(page, 'visit-alert-on-elder.png');
    await page.context().close();

    // The town's alert queue has it, found by the elder's name: the row names the elder, the village and who raised it.
    const townPage = await newPage();
    await logIn(townPage, 'town');
    await townPage.goto(`${server.url}/alerts`);
    await expect.poll(() => townPage.locator('[data-test=alert-table] tbody tr').count()).toBeGreaterThan(0);
    await townPage.locator('input[data-test=filter-elder], [data-test=filter-elder] input').first().fill(elder!.name);
    await townPage.locator('[data-test=alert-search]').click();
    const row = townPage
      .locator('[data-test=alert-table] tbody tr', { has: townPage.locator(`[data-elder-id="${elder!.id}"]`) })
      .filter({ hasText: '燃气使用不安全' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-test=alert-elder]').textContent()).toBe(elder!.name);
    // Town and village, not the path from the province.
    expect(await row.locator('[data-test=alert-village]').textContent()).toBe('三埠街道 东河社区居委会');
    const [{ display_name: visitorName }] = await t.sql<{ display_name: string }>(`select display_name from app_user where username = 'visitor'`);
    expect(await row.locator('[data-test=alert-raised-by]').textContent()).toContain(visitorName);
    // No id fragments: every row of the page names its elder.
    const names = await townPage.locator('[data-test=alert-table] tbody tr [data-test=alert-elder]').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).not.toMatch(/^[0-9a-f]{8}$/);
    await shot(townPage, 'visit-alert-in-town-queue.png');
    await townPage.context().close();
  }, 60_000); // a visit form on a tablet, then the queue, on a shared two-core machine

  it('records a written refusal and closes the archive from the detail page', async () => {
    const page = await newPage();
    await logIn(page, 'town');
    await page.goto(`${server.url}/elders/${registeredId}`);
    await expect.poll(() => page.locator('[data-test=elder-name]').textContent()).toBe('司徒测试');

    await page.locator('[data-test=more-actions]').click();
    await page.locator('.el-dropdown-menu__item', { hasText: '登记拒绝探访' }).click();
    await page.locator('[data-test=action-submit]').click();
    await expect.poll(() => page.locator('.el-dialog .el-form-item__error').count()).toBeGreaterThan(0);
    await field(page, 'action-talked-with').fill('司徒明');
    await field(page, 'action-reason').fill('子女每周回家照看，老人不需要上门探访');
    await page.locator('[data-test=action-submit]').click();
    await expect.poll(() => page.locator('[data-test=elder-head]').textContent()).toContain('老人已书面拒绝探访服务');
    const [refused] = await t.sql<{ accepts_visits: boolean }>(`select accepts_visits from elder where id = $1`, [registeredId]);
    expect(refused!.accepts_visits).toBe(false);

    await page.locator('[data-test=more-actions]').click();
    await page.locator('.el-dropdown-menu__item', { hasText: '关闭档案' }).click();
    await field(page, 'action-reason').fill('病故');
    await page.locator('[data-test=action-submit]').click();
    await expect.poll(() => page.locator('[data-test=elder-head]').textContent()).toContain('档案已于');
    expect(await page.locator('[data-test=record-visit]').count()).toBe(0);
    const [closed] = await t.sql<{ status: string; status_reason: string }>(`select status, status_reason from elder where id = $1`, [registeredId]);
    expect(closed).toEqual({ status: 'DECEASED', status_reason: '病故' });
    await shot(page, 'elder-closed.png');
    await page.context().close();
  });

  it('shows the auditor the reveal, with its purpose, in the audit log', async () => {
    const auditor = await t.user('AUDITOR', '440783');
    const log = await t.exec<{ auditLog: { nodes: { action: string; actorUsername: string; purpose: string; elderId: string }[] } }>(
      auditor,
      `query($elderId: ID) { auditLog(filter: { elderId: $elderId, actions: ["IDENTITY_REVEAL"] }, first: 10) { nodes { action actorUsername purpose elderId } } }`,
      { elderId: registeredId },
    );
    expect(log.errors).toBeUndefined();
    // Newest first: the reveal that unlocked the edit form, then the one in the detail page's dialog.
    expect(log.data!.auditLog.nodes).toEqual([
      { action: 'IDENTITY_REVEAL', actorUsername: 'town', purpose: '更正档案信息', elderId: registeredId },
      { action: 'IDENTITY_REVEAL', actorUsername: 'town', purpose: '电话联系老人确认探访时间', elderId: registeredId },
    ]);
  });

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
