import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_VILLAGE, seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { createTestApp, idNumberFor, type TestApp } from '../helpers/app.js';
import { launchChromium, requireBuiltConsole, OUTPUT } from '../helpers/browser.js';

// The agency-data pages in Debian's Chromium against the real API: the disability federation uploads a CSV of
// certificates and sees the per-row answer; the town sees the unregistered person in its survey queue and dismisses.

describe('agency data pages in Chromium', () => {
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
    page.setDefaultTimeout(8_000);
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    return { page, consoleErrors };
  }

  function field(page: Page, name: string) {
    return page.locator(`input[data-test=${name}], [data-test=${name}] input, textarea[data-test=${name}], [data-test=${name}] textarea`).first();
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await field(page, 'username').fill(username);
    await field(page, 'password').fill('demo1234');
    await page.locator('[data-test=login-submit]').click();
    // Home is the first page the user may see: the dashboard for civil affairs, agency data for a partner agency.
    await page.waitForURL((url) => !url.pathname.startsWith('/login') && url.pathname !== '/');
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(OUTPUT, name), fullPage: true });
  }

  // A stranger (no archive) aged 60+ with a certificate: a survey candidate of the demo village.
  const strangerId = idNumberFor('1948-03-07', false);
  const strangerName = '欧阳桂英';
  // Another, sent in an .xlsx: enrolled by the town.
  const secondId = idNumberFor('1944-11-23', true);
  const secondName = '司徒永康';

  it('lets the disability federation upload a CSV of certificates and shows the per-row results', async () => {
    const [elder] = await t.sql<{ id: string; id_number: string }>(
      `select id, id_number from elder where status = 'ACTIVE' and disability_category is null order by id_number limit 1`,
    );
    const issuedOn = new Date(t.clock.now().getTime() - 400 * 86_400_000).toISOString().slice(0, 10);
    const other = idNumberFor('1952-08-19', true);
    const csv = [
      'externalId,idNumber,name,regionCode,certificateNumber,category,grade,issuedOn',
      `CDPF-0001,${elder!.id_number},,,${elder!.id_number}42,PHYSICAL,2,${issuedOn}`,
      `CDPF-0002,${strangerId},${strangerName},${DEMO_VILLAGE},${strangerId}11,VISUAL,1,${issuedOn}`,
      // The certificate number does not carry the grade given: the API rejects this row alone.
      `CDPF-0003,${other},张三,${DEMO_VILLAGE},${other}43,PHYSICAL,2,${issuedOn}`,
    ].join('\r\n');

    const { page, consoleErrors } = await newPage();
    await logIn(page, 'disability');
    // The menu offers the agency-data page to a partner agency.
    await page.locator('.el-menu').getByText('部门数据').click();
    await page.waitForURL(/\/agency-data$/);
    await expect.poll(() => page.locator('[data-test=upload-kind]').textContent()).toContain('残疾人证');
    await expect.poll(() => page.locator('[data-test=template-columns]').textContent()).toContain('残疾人证号*');
    await expect.poll(() => page.locator('[data-test=record-table]').textContent()).toContain('暂无部门数据');

    // The template is an .xlsx with Chinese headers, a frozen header row and a 填写说明 sheet.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=download-template]').click()]);
    expect(download.suggestedFilename()).toBe('残疾人证-模板.xlsx');
    const template = new ExcelJS.Workbook();
    await template.xlsx.load(fs.readFileSync((await download.path())!) as never);
    const dataSheet = template.worksheets[0]!;
    expect((dataSheet.getRow(1).values as unknown[]).slice(1)).toEqual(['部门记录编号', '公民身份号码', '姓名', '所在村（社区）', '版本号', '残疾人证号', '残疾类别', '残疾等级', '发证日期', '注销日期']);
    expect(dataSheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const notes = template.getWorksheet('填写说明')!;
    const categoryNote = notes.getRows(1, notes.rowCount)!.find((r) => r.getCell(1).value === '残疾类别')!;
    expect(categoryNote.getCell(2).value).toBe('必填');
    expect(String(categoryNote.getCell(3).value)).toContain('肢体');

    // English field names as headers (an integrator's CSV) still work; the sheet is checked, then sent on confirmation.
    await page.locator('[data-test=upload-file]').setInputFiles({ name: '残疾人证-2026.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await expect.poll(() => page.locator('[data-test=upload-preview-title]').textContent()).toContain('3 行可以发送，0 行有问题');
    // Before confirming, the server checks the rows (a dry run of the same chunks): its verdict shows on each row of the
    // preview, and nothing is written yet.
    await expect.poll(() => page.locator('[data-test=upload-check-summary]').textContent()).toContain('将新增 2，将更新 0，无变化 0，将被拒绝 1，将冲突 0');
    expect(await page.locator('[data-test=preview-verdict]').allTextContents()).toEqual([
      '将新增 · 匹配到档案',
      '将新增 · 列入摸排',
      expect.stringMatching(/^将被拒绝 · 未匹配：.*残疾人证号与身份证号、类别、等级不符/),
    ]);
    const [{ records: dryRecords, candidates: dryCandidates }] = await t.sql<{ records: number; candidates: number }>(
      `select (select count(*)::int from agency_record where kind = 'DISABILITY_CERTIFICATE') as records,
              (select count(*)::int from candidate where id_number = $1) as candidates`,
      [strangerId],
    );
    expect([dryRecords, dryCandidates]).toEqual([0, 0]);
    await page.locator('[data-test=upload-confirm]').click();
    const results = page.locator('[data-test=upload-results] .el-table__body tbody tr');
    await expect.poll(() => results.count()).toBe(3);
    const statuses = await results.locator('[data-test=result-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses).toEqual(['CREATED', 'CREATED', 'REJECTED']);
    const matches = await results.locator('[data-test=result-match]').evaluateAll((els) => els.map((e) => e.getAttribute('data-match')));
    expect(matches).toEqual(['ELDER', 'CANDIDATE', 'NONE']);
    expect(await results.nth(2).locator('[data-test=result-error]').textContent()).toContain('certificateNumber: 残疾人证号与身份证号、类别、等级不符');
    await expect.poll(() => page.locator('[data-test=upload-summary]').textContent()).toContain('新增 2，更新 0，无变化 0，被拒绝 1，冲突 0');
    // The sync history now lists the two stored records, newest first, with their provenance.
    await expect.poll(() => page.locator('[data-test=record-count]').textContent()).toBe('共 2 条记录');
    expect(await page.locator('[data-test=record-table]').textContent()).toContain('CDPF-0002');
    // The records in words, not codes (it read `grade: 2；category: PHYSICAL`).
    const recordText = (await page.locator('[data-test=record-table]').textContent()) ?? '';
    expect(recordText).toContain('残疾类别：肢体残疾');
    expect(recordText).toContain('等级：2 级');
    expect(recordText).not.toContain('PHYSICAL');
    await shot(page, 'agency-upload-disability.png');

    // The same file again replays: nothing stored twice, the same answer.
    await page.locator('[data-test=upload-file]').setInputFiles({ name: '残疾人证-2026.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    // The check already says so: the chunk was sent before, and confirming gives the same answer.
    await expect.poll(() => page.locator('[data-test=upload-check-summary]').textContent()).toContain('其中 1 批此前已上传过');
    await page.locator('[data-test=upload-confirm]').click();
    await expect.poll(() => page.locator('[data-test=upload-summary]').textContent()).toContain('其中 1 批为重传');
    const [{ n }] = await t.sql<{ n: string }>(`select count(*) as n from agency_record where kind = 'DISABILITY_CERTIFICATE'`);
    expect(Number(n)).toBe(2);

    // An .xlsx with a real date cell; a row whose date the API's types would refuse is kept back in the browser.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('证');
    sheet.addRow(['externalId', 'idNumber', 'name', 'regionCode', 'certificateNumber', 'category', 'grade', 'issuedOn']);
    sheet.addRow(['CDPF-0004', secondId, secondName, DEMO_VILLAGE, `${secondId}33`, 'SPEECH', 3, new Date(`${issuedOn}T00:00:00Z`)]);
    sheet.addRow(['CDPF-0005', other, '张三', DEMO_VILLAGE, `${other}42`, 'PHYSICAL', 2, '去年三月']);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    await page.locator('[data-test=upload-file]').setInputFiles({
      name: 'certificates.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    });
    // The preview marks the bad date on its row and cell before anything is sent.
    await expect.poll(() => page.locator('[data-test=upload-preview-title]').textContent()).toContain('1 行可以发送，1 行有问题');
    const badCell = page.locator('[data-test=preview-problem-cell]');
    expect(await badCell.count()).toBe(1);
    expect(await badCell.getAttribute('data-column')).toBe('issuedOn');
    expect(await badCell.textContent()).toBe('去年三月');
    await page.locator('[data-test=upload-confirm]').click();
    await expect.poll(() => page.locator('[data-test=upload-summary]').textContent()).toContain('上传完成：共 2 行');
    const xlsxStatuses = await results.locator('[data-test=result-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(xlsxStatuses).toEqual(['CREATED', 'LOCAL']);
    expect(await results.nth(0).locator('[data-test=result-match]').getAttribute('data-match')).toBe('CANDIDATE');
    expect(await results.nth(1).locator('[data-test=result-error]').textContent()).toContain('issuedOn: “去年三月”不是有效日期');
    await shot(page, 'agency-upload-xlsx.png');

    // A disability clerk's own sheet: a title row above the header, Chinese headers (one marked （必填）), Chinese
    // values, the ID number as text and a Chinese date; no record-number column (the certificate number is the id).
    const [clerkElder] = await t.sql<{ id_number: string }>(
      `select id_number from elder where status = 'ACTIVE' and disability_category is null and id_number <> $1 order by id_number limit 1`,
      [elder!.id_number],
    );
    const clerk = new ExcelJS.Workbook();
    const ledger = clerk.addWorksheet('2024年发证');
    ledger.addRow(['开平市残疾人联合会 2024年残疾人证发放台账']);
    ledger.addRow(['姓名', '公民身份号码（必填）', '残疾人证号', '残疾类别', '残疾等级', '发证日期']);
    ledger.addRow(['关桂芳', clerkElder!.id_number, `${clerkElder!.id_number}42`, '肢体', '二级', '2024年5月1日']);
    await page.locator('[data-test=upload-file]').setInputFiles({
      name: '残疾人证发放台账.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await clerk.xlsx.writeBuffer()),
    });
    await expect.poll(() => page.locator('[data-test=upload-preview-title]').textContent()).toContain('1 行可以发送，0 行有问题');
    expect(await page.locator('[data-test=preview-line]').textContent()).toBe('3');
    await page.locator('[data-test=upload-confirm]').click();
    await expect.poll(() => page.locator('[data-test=upload-summary]').textContent()).toContain('新增 1，更新 0，无变化 0，被拒绝 0，冲突 0');
    expect(await results.nth(0).locator('[data-test=result-status]').getAttribute('data-status')).toBe('CREATED');
    const [cert] = await t.sql<{ external_id: string; payload: Record<string, unknown>; effective_on: string }>(
      `select external_id, payload, effective_on::text from agency_record where kind = 'DISABILITY_CERTIFICATE' and id_number = $1`,
      [clerkElder!.id_number],
    );
    expect(cert!.external_id).toBe(`${clerkElder!.id_number}42`);
    expect(cert!.payload).toMatchObject({ category: 'PHYSICAL', grade: 2 });
    expect(cert!.effective_on).toBe('2024-05-01');

    // The result file: the clerk's rows with a 结果 column.
    const [resultDownload] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=upload-result-file]').click()]);
    expect(resultDownload.suggestedFilename()).toBe('残疾人证发放台账-结果.xlsx');
    const resultBook = new ExcelJS.Workbook();
    await resultBook.xlsx.load(fs.readFileSync((await resultDownload.path())!) as never);
    const resultSheet = resultBook.worksheets[0]!;
    expect((resultSheet.getRow(1).values as unknown[]).slice(1)).toEqual(['原行号', '姓名', '公民身份号码（必填）', '残疾人证号', '残疾类别', '残疾等级', '发证日期', '结果']);
    expect(resultSheet.getRow(2).getCell(3).value).toBe(clerkElder!.id_number);
    expect(resultSheet.getRow(2).getCell(8).value).toBe('新增');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('shows the town the survey candidate with its reason and lets it enrol one candidate and dismiss another', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'town');
    await page.locator('.el-menu').getByText('摸排与冲突').click();
    await page.waitForURL(/\/survey$/);
    const row = page.locator('[data-test=candidate-table] .el-table__body tbody tr', { hasText: strangerName });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('[data-test=candidate-reason]').textContent()).toMatch(/残联报送残疾人证（编号 CDPF-0002，\d{4}-\d{2}-\d{2}）/);
    // Names of villages load after the rows (one region request per town).
    await expect.poll(() => row.textContent()).toContain('东河社区');
    await shot(page, 'agency-survey-town.png');

    await row.locator('[data-test=candidate-dismiss]').click();
    const dialog = page.locator('.el-dialog', { hasText: '排除候选对象' });
    // A reason is required.
    await dialog.locator('[data-test=survey-submit]').click();
    await expect.poll(() => dialog.getByText('请填写理由（至少2个字）').count()).toBe(1);
    await field(page, 'survey-text').fill('经入户核实，已随子女长期居住在外地');
    await dialog.locator('[data-test=survey-submit]').click();
    await expect.poll(() => page.getByText('已排除').count()).toBeGreaterThan(0);
    await expect.poll(() => row.count()).toBe(0);
    const [candidate] = await t.sql<{ status: string; dismiss_reason: string }>(`select status, dismiss_reason from candidate where id_number = $1`, [strangerId]);
    expect(candidate).toEqual({ status: 'DISMISSED', dismiss_reason: '经入户核实，已随子女长期居住在外地' });

    // The second candidate is enrolled into a village: an archive with the reported ID number.
    const second = page.locator('[data-test=candidate-table] .el-table__body tbody tr', { hasText: secondName });
    await second.locator('[data-test=candidate-enroll]').click();
    const enrollDialog = page.locator('.el-dialog', { hasText: '为候选对象建档' });
    await enrollDialog.locator('[data-test=survey-submit]').click();
    await expect.poll(() => enrollDialog.getByText('请选择所在村（社区）').count()).toBe(1);
    await enrollDialog.locator('.el-cascader').click();
    await page.locator('.el-cascader-node', { hasText: '三埠街道' }).click();
    await page.locator('.el-cascader-node', { hasText: '东河社区居委会' }).click();
    await enrollDialog.locator('[data-test=survey-submit]').click();
    await expect.poll(() => second.count()).toBe(0);
    const [enrolled] = await t.sql<{ name: string; region_code: string }>(`select name, region_code from elder where id_number = $1`, [secondId]);
    expect(enrolled).toEqual({ name: secondName, region_code: DEMO_VILLAGE });

    // The other tabs load and show their empty states.
    await page.locator('.el-tabs__item', { hasText: '数据冲突' }).click();
    await expect.poll(() => page.locator('[data-test=conflict-table]').textContent()).toContain('暂无待处理的数据冲突');
    await page.locator('.el-tabs__item', { hasText: '迁入迁出' }).click();
    await expect.poll(() => page.locator('[data-test=transfer-table]').textContent()).toContain('暂无待处理的迁入迁出');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
