import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * Closing a reporting period freezes its figures and eligibility list; later changes do not rewrite it; a correction
 * is an amendment with who, why, before and after. The spreadsheet is the same table, read back cell by cell.
 */
let t: TestApp;
let admin: TestUser;
let town: TestUser;
let village: TestUser;
let integrator: TestUser;
const elders: string[] = [];

const REPORT = `query($r: String, $p: String!) { report(regionCode: $r, period: $p) {
  closed version closedAt asOf amendments { version reason amendedBy before after }
  figures { elders visits visitRate { numerator denominator rate } }
  children { region { code } figures { elders visits visitRate { numerator denominator } } } } }`;
const CLOSE = `mutation($r: String!, $p: String!) { closeReportPeriod(regionCode: $r, period: $p) { closed version figures { visitRate { numerator denominator } } } }`;
const AMEND = `mutation($r: String!, $p: String!, $why: String!) { amendReportPeriod(regionCode: $r, period: $p, reason: $why) {
  version figures { visits visitRate { numerator denominator } } amendments { version reason amendedBy } } }`;
const VISIT = `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`;

const visit = (elderId: string, day: string, method = 'PHONE') =>
  t.exec(admin, VISIT, { i: { elderId, visitedAt: `${day}T02:00:00Z`, method } });

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  village = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  integrator = await t.user('INTEGRATOR', REGIONS.city);
  // Four C elders registered in September in village A1, one in village A2; October: three phoned, one not.
  t.clock.set('2026-09-01T02:00:00Z');
  for (let i = 0; i < 4; i++) {
    const e = await registerElder(t, admin, { name: `关${'一二三四'[i]}`, idNumber: idNumberFor(`195${i}-02-02`), regionCode: REGIONS.villageA1 });
    elders.push(e.id);
  }
  const other = await registerElder(t, admin, { name: '谢五', idNumber: idNumberFor('1949-05-05'), regionCode: REGIONS.villageA2 });
  elders.push(other.id);
  // Everyone had the yearly home visit in September; October's monthly contact is what the test varies.
  t.clock.set('2026-09-20T02:00:00Z');
  for (const id of elders) ok(await visit(id, '2026-09-15', 'HOME'));
  t.clock.set('2026-11-03T02:00:00Z');
  for (const id of [elders[0]!, elders[1]!, elders[2]!, elders[4]!]) ok(await visit(id, '2026-10-10'));
});
afterAll(() => t.close());

describe('closing a period', () => {
  it('freezes the figures: a late visit recorded afterwards does not rewrite the closed month', async () => {
    const before = ok(await t.exec<any>(town, REPORT, { r: REGIONS.townA, p: '2026-10' })).report;
    expect(before).toMatchObject({ closed: false, version: null, figures: { elders: 5, visits: 4, visitRate: { numerator: 4, denominator: 5 } } });

    const closed = ok(await t.exec<any>(town, CLOSE, { r: REGIONS.townA, p: '2026-10' })).closeReportPeriod;
    expect(closed).toMatchObject({ closed: true, version: 1, figures: { visitRate: { numerator: 4, denominator: 5 } } });
    // The eligibility list: who was in the denominator and who counted.
    const list = await t.sql<{ elder_id: string; counted: boolean }>(`select elder_id, counted from report_eligibility order by elder_id`);
    expect(list).toHaveLength(5);
    expect(list.filter((r) => !r.counted).map((r) => r.elder_id)).toEqual([elders[3]]);

    // A late visit dated in October: live figures would change, the closed month does not.
    ok(await visit(elders[3]!, '2026-10-30'));
    const after = ok(await t.exec<any>(town, REPORT, { r: REGIONS.townA, p: '2026-10' })).report;
    expect(after).toMatchObject({ closed: true, version: 1, figures: { visits: 4, visitRate: { numerator: 4, denominator: 5 } } });
    // Villages under the closed town answer from the same frozen figures.
    const a1 = ok(await t.exec<any>(town, REPORT, { r: REGIONS.villageA1, p: '2026-10' })).report;
    expect(a1).toMatchObject({ closed: true, figures: { visits: 3, visitRate: { numerator: 3, denominator: 4 } } });
    // The frozen rows themselves cannot be changed.
    await expect(t.sql(`update report_snapshot set figures = '{}'`)).rejects.toThrow(/append-only/);
    await expect(t.sql(`delete from report_eligibility`)).rejects.toThrow(/append-only/);
  });

  it('an amendment recomputes with who, why, and the figures before and after', async () => {
    expect(codeOf(await t.exec(town, AMEND, { r: REGIONS.townA, p: '2026-10', why: '短' }))).toBe('BAD_USER_INPUT');
    const amended = ok(await t.exec<any>(town, AMEND, { r: REGIONS.townA, p: '2026-10', why: '补录10月30日电话探访纸质记录' })).amendReportPeriod;
    expect(amended).toMatchObject({ version: 2, figures: { visits: 5, visitRate: { numerator: 5, denominator: 5 } } });
    expect(amended.amendments).toEqual([{ version: 2, reason: '补录10月30日电话探访纸质记录', amendedBy: town.username }]);
    const report = ok(await t.exec<any>(admin, REPORT, { r: REGIONS.townA, p: '2026-10' })).report;
    expect(report.amendments[0].before.rate).toMatchObject({ numerator: 4, denominator: 5 });
    expect(report.amendments[0].after.rate).toMatchObject({ numerator: 5, denominator: 5 });
    // Amending happens where the period was closed.
    expect(codeOf(await t.exec(admin, AMEND, { r: REGIONS.city, p: '2026-10', why: '全市复核更正' }))).toBe('BAD_USER_INPUT');
  });

  it('refuses to close twice, a running period, another town, or without the scope', async () => {
    expect(codeOf(await t.exec(town, CLOSE, { r: REGIONS.townA, p: '2026-10' }))).toBe('CONFLICT');
    // The city cannot close over a town that closed first: its villages already answer from the town's close.
    expect(codeOf(await t.exec(admin, CLOSE, { r: REGIONS.villageA1, p: '2026-10' }))).toBe('CONFLICT');
    expect(codeOf(await t.exec(town, CLOSE, { r: REGIONS.townA, p: '2026-11' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.exec(town, CLOSE, { r: REGIONS.townB, p: '2026-09' }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(village, CLOSE, { r: REGIONS.villageA1, p: '2026-09' }))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(integrator, CLOSE, { r: REGIONS.city, p: '2026-09' }))).toBe('FORBIDDEN');
  });
});

describe('the spreadsheet', () => {
  async function download(as: TestUser | null, path: string) {
    const server = await t.listen();
    try {
      const token = as ? ok(await t.exec<any>(null, `mutation($u: String!) { login(username: $u, password: "test-password-1") { token } }`, { u: as.username })).login.token : null;
      const res = await fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
    } finally {
      await server.close();
    }
  }

  it('has one sheet per level with the official headers, and the closed figures cell by cell', async () => {
    const res = await download(town, `/reports/${REGIONS.townA}/2026-10.xlsx`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as never);
    expect(book.worksheets.map((s) => s.name)).toEqual(['乡镇（街道）', '村（社区）']);
    const top = book.getWorksheet('乡镇（街道）')!;
    expect(String(top.getCell('A1').value)).toContain('三埠街道特殊困难老年人探访关爱服务情况统计表');
    expect(String(top.getCell('A2').value)).toContain('2026-10-01 至 2026-10-31');
    expect(String(top.getCell('A2').value)).toContain('已关账（第 2 版）');
    const header = (top.getRow(4).values as unknown[]).slice(1);
    expect(header.slice(0, 6)).toEqual(['区划代码', '地区', '在册老年人数', 'A类', 'B类', 'C类']);
    const col = (name: string) => header.indexOf(name) + 1;
    const row = top.getRow(5);
    expect(row.getCell(1).value).toBe(REGIONS.townA);
    expect(row.getCell(col('在册老年人数')).value).toBe(5);
    expect(row.getCell(col('C类')).value).toBe(5);
    expect(row.getCell(col('探访次数')).value).toBe(5);
    expect(row.getCell(col('应探访人数')).value).toBe(5);
    expect(row.getCell(col('已按标准探访人数')).value).toBe(5);
    expect(row.getCell(col('探访率')).value).toBe(1);
    const villages = book.getWorksheet('村（社区）')!;
    const codes = villages.getColumn(1).values.slice(5) as string[];
    expect(codes).toContain(REGIONS.villageA1);
    const a1 = villages.getRow(5 + codes.indexOf(REGIONS.villageA1));
    expect(a1.getCell(col('在册老年人数')).value).toBe(4);
    expect(villages.getRow(villages.rowCount).getCell(1).value).toBe('合计');
    expect(villages.getRow(villages.rowCount).getCell(col('在册老年人数')).value).toBe(5);
  });

  it('withholds counts of 1 to 4 (and their complements) for integrators, and refuses without a token or outside the jurisdiction', async () => {
    const res = await download(integrator, `/reports/${REGIONS.townA}/2026-10.xlsx`);
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as never);
    const villages = book.getWorksheet('村（社区）')!;
    const header = (villages.getRow(4).values as unknown[]).slice(1);
    const codes = villages.getColumn(1).values.slice(5) as string[];
    // Withheld cells read "*", explained under the title (the API's null): 4 elders here.
    expect(villages.getRow(5 + codes.indexOf(REGIONS.villageA1)).getCell(header.indexOf('在册老年人数') + 1).value).toBe('*');
    expect(String(villages.getCell('A2').value)).toContain('“*”为保护个人信息隐去的数字');

    expect((await download(null, `/reports/${REGIONS.townA}/2026-10.xlsx`)).status).toBe(401);
    expect((await download(town, `/reports/${REGIONS.townB}/2026-10.xlsx`)).status).toBe(403);
    expect((await download(town, `/reports/${REGIONS.townA}/2026-13.xlsx`)).status).toBe(400);
    expect((await download(village, `/reports/${REGIONS.villageA1}/2026-10.xlsx`)).status).toBe(403);
  });
});
