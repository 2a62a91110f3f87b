import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../packages/api/src/db/seeders/demo.js';
import { checkCharOf } from '../../packages/admin/src/modules/elders/idNumber.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, requireBuiltConsole, OUTPUT } from '../helpers/browser.js';

// Issue 13's browser test: a town operator imports a 500-row 基本信息登记表 kept in Excel (Chinese headers and values,
// a title row, 20 rows with problems), sees the preview, imports, reads the result file, and importing the same file
// again writes nothing. Then a small ledger of past visits goes through the visits page.
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A valid 公民身份号码 of 开平 for a birth date; seq 9xx keeps clear of the demo's people. */
function idFor(birth: Date, seq: number): string {
  const d = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `440783${d}${String(900 + (seq % 100)).padStart(3, '0')}`;
  return first17 + checkCharOf(first17);
}
/** The same number with a wrong check character. */
function badCheck(id: string): string {
  const c = id[17] === '0' ? '1' : '0';
  return id.slice(0, 17) + c;
}

const SURNAMES = ['关', '司徒', '谢', '周', '张', '吴', '梁', '胡', '方', '余'];
const GIVEN = ['桂英', '永康', '秀珍', '志强', '玉兰', '国华', '淑芬', '建国', '美华', '少芳'];
const VILLAGES = ['东河社区', '新安社区居委会', '三埠街道东河社区'];

const BASE = Date.UTC(1925, 0, 3);
const STEP = 27 * 86_400_000;

interface Planned {
  cells: (string | number | Date)[];
  problem?: string;
  id: string;
}

/** 500 rows: 480 good, 20 with problems the page must explain. */
function planLedger(): Planned[] {
  const rows: Planned[] = [];
  for (let i = 0; i < 500; i++) {
    const birth = new Date(BASE + i * STEP); // 1925 .. 1961: everyone 60+ on the 2024 registration date
    let id = idFor(birth, i);
    const name = `${SURNAMES[i % 10]}${GIVEN[Math.floor(i / 10) % 10]}`;
    let village = VILLAGES[i % 3]!;
    let registered: string | Date = i % 2 ? '2024年5月1日' : new Date(Date.UTC(2024, 4, 1));
    let problem: string | undefined;
    if (i % 25 === 3 && i < 125) {
      id = badCheck(id);
      problem = '校验位';
    } else if (i % 25 === 7 && i < 100) {
      village = '沙塘墟社区';
      problem = '找不到村';
    } else if (i % 25 === 11 && i < 100) {
      id = rows[i - 5]!.id; // the same person twice
      problem = '重复';
    } else if (i % 25 === 15 && i < 100) {
      id = idFor(new Date(Date.UTC(1971, 2, 10 + Math.floor(i / 25))), i); // 55 years old
      problem = '60';
    } else if (i % 25 === 19 && i < 75) {
      registered = '去年春天';
      problem = '日期';
    }
    // Phones: mobiles as text, a landline stored as a number (Excel dropped its leading 0).
    const phone: string | number = i % 50 === 1 ? 7502212345 + i : `139${String(10_000_000 + i)}`;
    rows.push({
      id,
      problem,
      cells: [i + 1, name, i % 2 ? '女' : '男', id, phone, village, `东河路${i + 1}号`, i % 4 ? '独居、低保' : '空巢', i % 40 === 0 ? '肢体' : '', i % 40 === 0 ? '二级' : '', `${name}之子`, '儿子', `138${String(20_000_000 + i)}`, registered, `台账第${i + 1}行`],
    });
  }
  return rows;
}

async function ledgerXlsx(rows: Planned[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('三埠街道');
  sheet.addRow(['三埠街道特殊困难老年人基本信息登记表（2024年摸排）']);
  sheet.addRow(['序号', '姓名', '性别', '身份证号码', '联系电话', '村（社区）', '详细地址', '困难情形', '残疾类别', '残疾等级', '紧急联系人姓名', '与老人关系', '紧急联系人电话', '建档日期（必填）', '备注']);
  for (const r of rows) sheet.addRow(r.cells);
  sheet.getColumn(4).numFmt = '@';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('import pages in Chromium', () => {
  let t: TestApp;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    requireBuiltConsole();
    t = await createTestApp();
    await seedDemo(t.orm.em.fork(), { elders: 60, today: t.clock.now() });
    server = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  async function newPage(): Promise<{ page: Page; consoleErrors: string[] }> {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    return { page, consoleErrors };
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.locator('input[data-test=username], [data-test=username] input').first().fill(username);
    await page.locator('input[data-test=password], [data-test=password] input').first().fill('demo1234');
    await page.locator('[data-test=login-submit]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login') && url.pathname !== '/');
  }

  async function download(page: Page, selector: string): Promise<{ name: string; book: ExcelJS.Workbook }> {
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator(selector).click()]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(fs.readFileSync((await d.path())!) as never);
    return { name: d.suggestedFilename(), book };
  }

  const ledger = planLedger();
  const good = ledger.filter((r) => !r.problem);
  const countArchives = async (ids: string[]) => Number((await t.sql<{ n: string }>(`select count(*) as n from elder where id_number = any($1)`, [ids]))[0]!.n);

  it('imports a 500-row 登记表 with 20 problem rows: preview, 480 created, 20 explained, result file; the same file again writes nothing', async () => {
    expect(ledger.length).toBe(500);
    expect(good.length).toBe(480);
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'town');
    await page.locator('.el-menu').getByText('导入老年人档案').click();
    await page.waitForURL(/\/imports\/elders$/);

    // The template: the form's columns in Chinese, villages of the town in a drop-down, and the instructions.
    const template = await download(page, '[data-test=import-template]');
    expect(template.name).toBe('特殊困难老年人基本信息登记表-模板.xlsx');
    const head = (template.book.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
    expect(head.slice(0, 6)).toEqual(['姓名', '性别', '公民身份号码', '出生日期', '联系电话', '所在村（社区）']);
    expect(head).toEqual(expect.arrayContaining(['联系人1姓名', '联系人1关系', '联系人1电话', '联系人2姓名', '建档日期', '备注']));
    // 意愿 and the written refusal, with a 是/否 drop-down.
    expect(head).toEqual(expect.arrayContaining(['是否愿意接受探访', '拒绝日期', '拒绝原因', '排查人员']));
    expect(template.book.worksheets[0]!.getRow(2).getCell(head.indexOf('是否愿意接受探访') + 1).dataValidation).toMatchObject({ type: 'list' });
    const villageCol = head.indexOf('所在村（社区）') + 1;
    expect(template.book.worksheets[0]!.getRow(2).getCell(villageCol).dataValidation).toMatchObject({ type: 'list' });
    const options = template.book.getWorksheet('选项')!;
    const villageNames = options.getColumn(1).values.filter(Boolean) as string[];
    expect(villageNames).toContain('东河社区居委会');
    const notes = template.book.getWorksheet('填写说明')!;
    const noteText = notes.getSheetValues().flat().join('\n');
    expect(noteText).toContain('家庭成员');
    expect(noteText).toContain('公民身份号码');
    expect(noteText).toContain('拒绝日期、拒绝原因和排查人员');

    // Upload: a title row above the header, synonyms, an unknown 序号 column; the preview shows the sheet's own
    // problems at once and the server's verdicts (the 55-year-olds) after the dry run.
    const file = await ledgerXlsx(ledger);
    await page.locator('[data-test=import-file]').setInputFiles({ name: '三埠街道登记表.xlsx', mimeType: XLSX, buffer: file });
    await expect.poll(() => page.locator('[data-test=import-counts]').textContent(), { timeout: 60_000 }).toContain('将新建 480');
    expect(await page.locator('[data-test=import-counts]').textContent()).toContain('不能导入 20');
    expect(await page.locator('[data-test=preview-count]').textContent()).toBe('共 500 行，其中 20 行有问题');
    expect(await page.locator('[data-test=sheet-mapping]').textContent()).toContain('序号');
    await page.locator('[data-test=preview-only-problems]').click();
    const problemRows = page.locator('[data-test=preview-table] .el-table__body tbody tr');
    await expect.poll(() => problemRows.count()).toBe(20);
    const problemText = await page.locator('[data-test=preview-table]').textContent();
    expect(problemText).toContain('身份证号码：身份证号校验位错误');
    expect(problemText).toContain('在您的辖区内找不到村（社区）“沙塘墟社区”');
    expect(problemText).toContain('与第 ');
    expect(problemText).toContain('未满 60 周岁');
    expect(problemText).toContain('“去年春天”不是有效日期');
    // The cell is marked: the first row with a bad check digit is sheet line 6 (title, header, then data).
    const marked = page.locator('[data-test=preview-problem-cell][data-column=身份证号码]').first();
    expect(await marked.textContent()).toBe(badCheck(idFor(new Date(BASE + 3 * STEP), 3)));
    await page.screenshot({ path: path.join(OUTPUT, 'imports-elders-preview.png'), fullPage: true });

    // Import: every sendable row (the server refuses the 55-year-olds again, per row); progress, then the summary.
    expect(await page.locator('[data-test=import-start]').textContent()).toContain('开始导入 480 行');
    await page.locator('[data-test=import-start]').click();
    await expect.poll(() => page.locator('[data-test=import-summary]').textContent(), { timeout: 120_000 }).toContain('新建 480');
    expect(await page.locator('[data-test=import-summary]').textContent()).toContain('未导入 20');
    // One chunk of the 484 rows the sheet's own checks let through (the server refuses 4 of them again).
    expect(await page.locator('[data-test=import-progress-text]').textContent()).toBe('已完成 484/484 行（共 1 批）');
    expect(await countArchives(good.map((r) => r.id))).toBe(480);
    expect(await countArchives(ledger.filter((r) => r.problem === '60').map((r) => r.id))).toBe(0);
    // Values were read in Chinese: 独居、低保, 肢体 二级, the landline's leading 0, the registration date.
    const [first] = await t.sql<{ circumstances: string[]; registered_at: string }>(`select circumstances, registered_at::text from elder where id_number = $1`, [good[1]!.id]);
    expect(first!.circumstances).toEqual(expect.arrayContaining(['LIVING_ALONE', 'MINIMUM_ALLOWANCE']));
    expect(first!.registered_at).toContain('2024-0');
    const [landline] = await t.sql<{ phone: string }>(`select phone from elder where id_number = $1`, [ledger[1]!.id]);
    expect(landline!.phone.replace('-', '')).toBe('07502212346');
    const [disabled] = await t.sql<{ disability_category: string; disability_grade: number }>(`select disability_category, disability_grade from elder where id_number = $1`, [ledger[0]!.id]);
    expect(disabled).toEqual({ disability_category: 'PHYSICAL', disability_grade: 2 });

    // The result file: the rows as sent plus 结果.
    const result = await download(page, '[data-test=import-result-file]');
    expect(result.name).toBe('三埠街道登记表-结果.xlsx');
    const sheet = result.book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header[0]).toBe('原行号');
    expect(header[header.length - 1]).toBe('结果');
    const resultCol = header.length;
    const verdicts = Array.from({ length: 500 }, (_, i) => String(sheet.getRow(i + 2).getCell(resultCol).value));
    expect(verdicts.filter((v) => v === '已新建')).toHaveLength(480);
    const explained = verdicts.filter((v) => v.startsWith('未导入：'));
    expect(explained).toHaveLength(20);
    expect(explained.filter((v) => v.includes('校验位错误'))).toHaveLength(5);
    expect(explained.filter((v) => v.includes('沙塘墟社区'))).toHaveLength(4);
    expect(explained.filter((v) => v.includes('重复'))).toHaveLength(4);
    expect(explained.filter((v) => v.includes('未满 60 周岁'))).toHaveLength(4);
    expect(explained.filter((v) => v.includes('不是有效日期'))).toHaveLength(3);
    // ID numbers stay whole in the file (text, never 4.4E+17).
    expect(String(sheet.getRow(2).getCell(5).value)).toBe(ledger[0]!.id);

    // The same file again: all 已存在, nothing new in the registry.
    const [{ n: before }] = await t.sql<{ n: string }>(`select count(*) as n from elder`);
    await page.locator('[data-test=import-another]').click();
    await page.locator('[data-test=import-file]').setInputFiles({ name: '三埠街道登记表.xlsx', mimeType: XLSX, buffer: file });
    await expect.poll(() => page.locator('[data-test=import-counts]').textContent(), { timeout: 60_000 }).toContain('已存在 480');
    expect(await page.locator('[data-test=import-counts]').textContent()).toContain('将新建 0');
    await page.locator('[data-test=import-start]').click();
    await expect.poll(() => page.locator('[data-test=import-summary]').textContent(), { timeout: 120_000 }).toContain('已存在 480');
    expect(await page.locator('[data-test=import-summary]').textContent()).toContain('新建 0');
    const [{ n: after }] = await t.sql<{ n: string }>(`select count(*) as n from elder`);
    expect(after).toBe(before);

    // A corrected phone for one elder: shown as a difference in words, applied only after an explicit confirmation.
    const fix = ledger.slice(2, 3).map((r) => ({ ...r, cells: r.cells.map((c, j) => (j === 4 ? '13600000001' : c)) }));
    await page.locator('[data-test=import-another]').click();
    await page.locator('[data-test=import-file]').setInputFiles({ name: '更正.xlsx', mimeType: XLSX, buffer: await ledgerXlsx(fix) });
    await expect.poll(() => page.locator('[data-test=preview-verdict]').first().textContent(), { timeout: 30_000 }).toContain('以下字段不同：联系电话');
    await page.locator('[data-test=import-update-existing] .el-checkbox').click();
    await page.locator('.el-message-box').getByText('确定更新').click();
    await page.locator('[data-test=import-start]').click();
    await expect.poll(() => page.locator('[data-test=import-summary]').textContent(), { timeout: 30_000 }).toContain('更新 1');
    const [updated] = await t.sql<{ phone: string }>(`select phone from elder where id_number = $1`, [ledger[2]!.id]);
    expect(updated!.phone).toBe('13600000001');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  }, 300_000); // three imports of a 500-row sheet on a shared two-core machine

  it('imports elders who do not accept visits (否 with the written refusal) as archives that do not, and explains a refusal left half-filled', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'town');
    await page.locator('.el-menu').getByText('导入老年人档案').click();
    await page.waitForURL(/\/imports\/elders$/);
    const taken = new Set(ledger.map((r) => r.id));
    const ids = [0, 1, 2].map((i) => idFor(new Date(Date.UTC(1952, 1, 11 + i)), 95 + i));
    expect(ids.some((id) => taken.has(id))).toBe(false);
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('意愿');
    sheet.addRow(['姓名', '身份证号码', '村（社区）', '紧急联系人姓名', '紧急联系人电话', '是否愿意接受探访', '拒绝日期', '拒绝原因', '排查人员', '建档日期']);
    sheet.addRow(['关婆', ids[0], '东河社区', '关强', '13800001111', '否', '2024年5月2日', '子女在身边照顾，不需要探访', '谢社工', '2024年5月1日']);
    sheet.addRow(['周伯', ids[1], '东河社区', '周明', '13800002222', '×', '2024/6/1', '不愿被打扰', '村委会李主任', '2024-05-01']);
    sheet.addRow(['吴婆', ids[2], '东河社区', '吴华', '13800003333', '否', '2024年5月2日', '', '谢社工', '2024年5月1日']);
    sheet.getColumn(2).numFmt = '@';
    await page.locator('[data-test=import-file]').setInputFiles({ name: '意愿.xlsx', mimeType: XLSX, buffer: Buffer.from(await wb.xlsx.writeBuffer()) });
    await expect.poll(() => page.locator('[data-test=import-counts]').textContent(), { timeout: 30_000 }).toContain('将新建 2');
    expect(await page.locator('[data-test=import-counts]').textContent()).toContain('不能导入 1');
    expect(await page.locator('[data-test=preview-table]').textContent()).toContain('拒绝原因：不能为空');
    await page.locator('[data-test=import-start]').click();
    await expect.poll(() => page.locator('[data-test=import-summary]').textContent(), { timeout: 30_000 }).toContain('新建 2');
    const rows = await t.sql<{ id_number: string; accepts_visits: boolean; refused_on: string; reason: string; talked_with: string }>(
      `select e.id_number, e.accepts_visits, r.refused_on::text as refused_on, r.reason, r.talked_with
         from elder e join elder_refusal r on r.elder_id = e.id where e.id_number = any($1) order by e.id_number`,
      [ids],
    );
    expect(rows).toEqual([
      { id_number: ids[0], accepts_visits: false, refused_on: '2024-05-02', reason: '子女在身边照顾，不需要探访', talked_with: '谢社工' },
      { id_number: ids[1], accepts_visits: false, refused_on: '2024-06-01', reason: '不愿被打扰', talked_with: '村委会李主任' },
    ]);
    expect(await countArchives([ids[2]!])).toBe(0);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('imports a small ledger of past visits through the visits page', async () => {
    const { page, consoleErrors } = await newPage();
    await logIn(page, 'town');
    await page.locator('.el-menu').getByText('导入探访记录').click();
    await page.waitForURL(/\/imports\/visits$/);
    const [visitor] = await t.sql<{ name: string }>(`select name from visitor where region_code = '440783001020' order by name limit 1`);
    const elders = good.slice(0, 4);
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('探访台账');
    sheet.addRow(['身份证号', '老人姓名', '探访日期', '探访方式', '探访人', '情绪状态', '燃气安全', '关爱服务', '备注']);
    const methods = ['上门入户', '电话', '视频', '上门'];
    elders.forEach((e, i) => sheet.addRow([e.id, e.cells[1], `2025年3月${i + 1}日`, methods[i], visitor?.name ?? '李志强', '较好', '安全', i === 0 ? '打扫卫生、理发' : '', '补录']));
    // Nobody with this ID number is in the registry: refused by the server, on its row.
    sheet.addRow([idFor(new Date(Date.UTC(1941, 5, 6)), 77), '查无此人', '2025-03-05', '上门入户', '李志强', '', '', '', '']);
    await page.locator('[data-test=import-file]').setInputFiles({ name: '探访台账.xlsx', mimeType: XLSX, buffer: Buffer.from(await wb.xlsx.writeBuffer()) });
    await expect.poll(() => page.locator('[data-test=import-counts]').textContent(), { timeout: 30_000 }).toContain('将新建 4');
    expect(await page.locator('[data-test=import-counts]').textContent()).toContain('不能导入 1');
    await page.locator('[data-test=import-start]').click();
    await expect.poll(() => page.locator('[data-test=import-summary]').textContent(), { timeout: 30_000 }).toContain('新建 4');
    expect(await page.locator('[data-test=import-summary]').textContent()).toContain('未导入 1');
    const visits = await t.sql<{ method: string; visited_on: string }>(
      `select v.method, v.visited_on::text as visited_on from visit v join elder e on e.id = v.elder_id where e.id_number = any($1) order by visited_on`,
      [elders.map((e) => e.id)],
    );
    expect(visits).toEqual([
      { method: 'HOME', visited_on: '2025-03-01' },
      { method: 'PHONE', visited_on: '2025-03-02' },
      { method: 'VIDEO', visited_on: '2025-03-03' },
      { method: 'HOME', visited_on: '2025-03-04' },
    ]);
    const result = await download(page, '[data-test=import-result-file]');
    const rs = result.book.worksheets[0]!;
    const last = (rs.getRow(1).values as unknown[]).length - 1;
    expect(String(rs.getRow(2).getCell(last).value)).toMatch(/^已新建/);
    expect(String(rs.getRow(6).getCell(last).value)).toMatch(/^未导入：/);
    await page.screenshot({ path: path.join(OUTPUT, 'imports-visits-done.png'), fullPage: true });
    // A tablet's width: the page itself does not scroll sideways (wide tables scroll inside themselves).
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await page.screenshot({ path: path.join(OUTPUT, 'imports-visits-1024.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
