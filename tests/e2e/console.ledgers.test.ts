import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOWN, DEMO_VILLAGE, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { describeViolations, runAxe } from '../helpers/axe.js';
import { launchChromium, logInAs, OUTPUT, requireBuiltConsole } from '../helpers/browser.js';

// Issue 15, item 4 in Chromium: a town operator prints a village's 基本信息登记表 (captured as an A4 PDF: one page per
// elder), prints one visit's 记录表 from the elder's page, downloads the period's 探访台账 from /ledgers and reads it,
// and axe finds nothing critical or serious on the ledgers page or the print page.
describe('ledgers in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 60, today: t.clock.now() });
    server = await t.listen();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function townPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    await logInAs(page, server.url, 'town');
    return { page, errors };
  }

  /** The number of pages of a PDF: its page objects (`/Type /Page`, not `/Pages`). */
  const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;

  it('prints a village’s registration forms as an A4 PDF, one page per elder, identity masked', async () => {
    const elders = await t.sql<{ name: string; id_number: string }>(
      `select name, id_number from elder where region_code = $1 and status = 'ACTIVE' order by name`, [DEMO_VILLAGE]);
    expect(elders.length).toBeGreaterThan(3);
    const { page, errors } = await townPage();
    await page.goto(`${server.url}/ledgers?region=${DEMO_VILLAGE}&from=2026-11-01&to=2026-11-30`);
    await page.locator('[data-test=print-registration]').click();
    await page.waitForURL((u) => u.pathname === '/ledgers/print');
    await expect.poll(() => page.locator('[data-test=registration-sheet]').count(), { timeout: 30_000 }).toBe(elders.length);
    // What prints: the forms alone (the toolbar is screen-only), no console menu or header at all.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('[data-test=print-button]').isVisible()).toBe(false);
    expect(await page.locator('nav, .el-menu').count()).toBe(0);
    // Each form fits one A4 sheet (297 mm at 96 dpi) with room to spare, so none spills onto a second page.
    const heights = await page.locator('[data-test=registration-sheet]').evaluateAll((sheets) =>
      sheets.map((s) => ({ name: s.querySelector('[data-test=sheet-name]')?.textContent, mm: (s.getBoundingClientRect().height * 25.4) / 96 })));
    console.log(`registration sheets: tallest ${Math.max(...heights.map((h) => h.mm)).toFixed(1)} mm of 297`);
    expect(heights.filter((h) => h.mm > 290)).toEqual([]);
    // page.pdf prints with the media in force: print, as the 打印 button would.
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(OUTPUT, 'ledgers-registration.pdf'), pdf);
    expect(pdfPages(pdf)).toBe(elders.length);
    await page.emulateMedia({ media: 'screen' });
    const text = await page.locator('[data-test=registration-sheet]').first().innerText();
    expect(text).toContain('特殊困难老年人基本信息登记表');
    expect(text).toContain(elders[0]!.name);
    // Masked without a stated purpose: the full number is nowhere on the page.
    const html = await page.content();
    for (const e of elders) expect(html).not.toContain(e.id_number);
    expect(await page.locator('[data-test=sheet-id]').first().innerText()).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);

    const report = await runAxe(page, 'print registration');
    expect(describeViolations([...report.byImpact.critical, ...report.byImpact.serious])).toBe('');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('prints one visit’s record from the elder’s page', async () => {
    const [visit] = await t.sql<{ id: string; elder_id: string; seq: number; name: string }>(
      `select v.id, v.elder_id, v.seq, e.name from visit v join elder e on e.id = v.elder_id
        where e.region_code = $1 order by v.visited_at desc limit 1`, [DEMO_VILLAGE]);
    expect(visit).toBeDefined();
    const { page, errors } = await townPage();
    await page.goto(`${server.url}/elders/${visit!.elder_id}`);
    await page.locator('[role=tab]', { hasText: '探访' }).first().click();
    await page.locator(`[data-test=print-visit-${visit!.seq}]`).click();
    await page.waitForURL((u) => u.pathname === '/ledgers/print' && u.searchParams.get('visit') === visit!.id);
    const sheet = page.locator('[data-test=visit-sheet]');
    await expect.poll(() => sheet.count()).toBe(1);
    const text = await sheet.innerText();
    expect(text).toContain('特殊困难老年人探访关爱服务记录表');
    expect(text).toContain(visit!.name);
    expect(text).toContain(`第 ${visit!.seq} 次开展探访`);
    expect(text).not.toMatch(/\b(HOME|PHONE|UNCHANGED|SAFE|WORSE)\b/);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4' });
    fs.writeFileSync(path.join(OUTPUT, 'ledgers-visit.pdf'), pdf);
    expect(pdfPages(pdf)).toBe(1);
    await page.emulateMedia({ media: 'screen' });
    const report = await runAxe(page, 'print visit');
    expect(describeViolations([...report.byImpact.critical, ...report.byImpact.serious])).toBe('');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('downloads the period’s visit ledger from /ledgers and the file holds every visit in words', async () => {
    const [{ n }] = (await t.sql<{ n: number }>(
      `select count(*)::int as n from visit where starts_with(region_code, $1) and visited_on between '2026-11-01' and '2026-11-30'`, [DEMO_TOWN])) as [{ n: number }];
    const { page, errors } = await townPage();
    await page.goto(`${server.url}/ledgers?region=${DEMO_TOWN}&from=2026-11-01&to=2026-11-30`);
    await page.locator('[data-test=download-visits]').waitFor();
    const report = await runAxe(page, 'ledgers');
    expect(describeViolations([...report.byImpact.critical, ...report.byImpact.serious])).toBe('');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=download-visits]').click()]);
    expect(download.suggestedFilename()).toMatch(/^探访台账-.*2026-11-01至2026-11-30\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(fs.readFileSync((await download.path())!) as never);
    const sheet = book.getWorksheet('探访台账')!;
    expect((sheet.getRow(4).values as unknown[]).slice(1, 6)).toEqual(['序号', '探访日期', '探访时间', '老年人姓名', '公民身份号码']);
    expect(sheet.rowCount - 4).toBe(n);
    if (n > 0) {
      expect(['上门入户', '电话问候', '互联网音（视）频', '远程监测', '其他']).toContain(sheet.getRow(5).getCell(9).value);
      expect(String(sheet.getRow(5).getCell(5).value)).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    }
    // A region outside the town: the page shows the API's Chinese reason, and the buttons come back.
    await page.goto(`${server.url}/ledgers?region=440783103&from=2026-11-01&to=2026-11-30`);
    await page.locator('[data-test=download-visits]').click();
    await expect.poll(() => page.locator('.el-message--error').innerText()).toContain('不在您的管辖范围内');
    expect(await page.locator('[data-test=download-visits]').isDisabled()).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('a village above 200 forms is offered in parts; each part prints its own forms and the back button returns', async () => {
    // Another village of the town (the tests above use the demo village), filled past two prints with copies of one of
    // its elders (a community of a million-elder city holds 742).
    const [village] = await t.sql<{ code: string; id: string }>(
      `select e.region_code as code, e.id from elder e
        where starts_with(e.region_code, $1) and e.region_code <> $2 and e.status = 'ACTIVE' order by e.region_code, e.id limit 1`,
      [DEMO_TOWN, DEMO_VILLAGE],
    );
    await t.sql(
      `insert into elder select (jsonb_populate_record(null::elder, to_json(e)::jsonb || jsonb_build_object(
         'id', gen_random_uuid(), 'name', '分批' || lpad(g::text, 3, '0'), 'id_number', '8' || lpad(g::text, 17, '0')))).*
         from elder e, generate_series(1, 501) g where e.id = $1`,
      [village!.id],
    );
    const [{ n }] = (await t.sql<{ n: number }>(`select count(*)::int as n from elder where region_code = $1 and status = 'ACTIVE'`, [village!.code])) as [{ n: number }];
    expect(n).toBeGreaterThan(500);
    expect(n).toBeLessThanOrEqual(600);
    const { page, errors } = await townPage();
    await page.goto(`${server.url}/ledgers/print?form=registration&village=${village!.code}`);
    const parts = page.locator('[data-test=print-parts]');
    await expect.poll(() => parts.locator('[data-test=print-part-link]').allInnerTexts(), { timeout: 30_000 })
      .toEqual(['第 1 批（第 1–200 份）', '第 2 批（第 201–400 份）', `第 3 批（第 401–${n} 份）`]);
    expect(await parts.innerText()).toContain(`共 ${n} 份，一次最多打印 200 份：请分 3 批打印`);
    expect(await page.locator('[data-test=print-error]').count()).toBe(0);
    expect(await page.locator('[data-test=print-button]').isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, 'ledgers-print-parts.png') });
    // At each size the console is used at: nothing critical or serious, and on a phone the parts wrap (no sideways scroll).
    for (const [size, viewport] of [['desktop', { width: 1440, height: 900 }], ['tablet', { width: 1024, height: 768 }], ['phone', { width: 390, height: 844 }]] as const) {
      await page.setViewportSize(viewport);
      const report = await runAxe(page, `print in parts (${size})`);
      expect(describeViolations([...report.byImpact.critical, ...report.byImpact.serious]), size).toBe('');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${size}: no horizontal scroll`).toBe(true);
    }
    await page.screenshot({ path: path.join(OUTPUT, 'ledgers-print-parts-phone.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    await parts.locator('[data-test=print-part-link]').nth(2).click();
    await page.waitForURL((u) => u.searchParams.get('part') === '3');
    await expect.poll(() => page.locator('[data-test=registration-sheet]').count(), { timeout: 30_000 }).toBe(n - 400);
    expect(await page.locator('[data-test=print-part]').innerText()).toBe('第 3 批，共 3 批');
    expect(await parts.locator('[aria-current=page]').innerText()).toBe(`第 3 批（第 401–${n} 份）`);
    expect(await page.locator('[data-test=print-button]').isDisabled()).toBe(false);
    // On paper: the forms alone, not the parts.
    await page.emulateMedia({ media: 'print' });
    expect(await parts.isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    // Back: the batch as refused whole again, with its parts.
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has('part'));
    await expect.poll(() => parts.locator('[data-test=print-part-link]').count(), { timeout: 30_000 }).toBe(3);
    expect(await page.locator('[data-test=registration-sheet]').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
