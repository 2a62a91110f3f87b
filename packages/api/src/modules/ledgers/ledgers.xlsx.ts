import ExcelJS from 'exceljs';
import { chinaDateTime, findingsInWords, METHOD_WORDS, SATISFACTION_WORDS, TEAM_KIND_WORDS, visitorKindWord, type VisitFindings } from './ledgers.words.js';

export interface VisitLedgerRow extends VisitFindings {
  visited_at: Date | string;
  visited_on: string;
  seq: number;
  method: string;
  elder_name: string;
  /** Already masked by the service. */
  id_number: string;
  town_name: string | null;
  village_name: string;
  visitor_name: string | null;
  service_needs: string | null;
  care_suggestions: string | null;
  satisfaction: string | null;
  entered_by_name: string | null;
}

export interface ContactRow {
  town_name: string | null;
  village_name: string | null;
  region_code: string;
  name: string;
  kind: string;
  phone: string | null;
  team_name: string | null;
  primary_count: number;
  helper_count: number;
}

export interface MemberRow {
  team_id: string;
  team_name: string;
  team_kind: string;
  team_region: string;
  name: string | null;
  kind: string | null;
  phone: string | null;
}

export const VISIT_LEDGER_HEADERS = ['序号', '探访日期', '探访时间', '老年人姓名', '公民身份号码', '乡镇（街道）', '村（社区）', '第几次探访', '探访方式', '探访人员', '探访发现', '老年人服务需求', '实施关爱服务建议', '服务满意度', '信息录入人'];
export const CONTACT_HEADERS = ['序号', '乡镇（街道）', '村（社区）', '联系人姓名', '人员类别', '所属队伍', '联系电话', '结对老年人数', '协助探访老年人数'];
export const ROSTER_SUMMARY_HEADERS = ['队伍类别', '队伍数', '队员人数'];
export const ROSTER_HEADERS = ['序号', '队伍类别', '队伍名称', '所属地区', '队员姓名', '人员类别', '联系电话'];

/** A sheet in the shape of the official tables: title, a line saying what it covers, a bold header, frozen under it. */
function sheetOf(book: ExcelJS.Workbook, name: string, title: string, subtitle: string, headers: string[], widths: number[]) {
  const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 4 }], pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.addRow([title]).font = { bold: true, size: 14 };
  sheet.addRow([subtitle]);
  sheet.addRow([]);
  sheet.addRow(headers).font = { bold: true };
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
  return sheet;
}

function newBook(): ExcelJS.Workbook {
  const book = new ExcelJS.Workbook();
  book.creator = 'Tanfang 探访';
  return book;
}

/** 探访台账: one row per visit, every coded value in words, the elder's ID number masked. */
export async function buildVisitLedger(input: { title: string; from: string; to: string; rows: VisitLedgerRow[] }): Promise<Buffer> {
  const book = newBook();
  const sheet = sheetOf(book, '探访台账', input.title, `时段：${input.from} 至 ${input.to}（北京时间）；共 ${input.rows.length} 次探访；公民身份号码已隐去部分数字`, VISIT_LEDGER_HEADERS,
    [6, 12, 8, 10, 20, 14, 16, 8, 14, 10, 40, 30, 30, 10, 12]);
  input.rows.forEach((r, i) => {
    sheet.addRow([
      i + 1,
      r.visited_on,
      chinaDateTime(r.visited_at).slice(11),
      r.elder_name,
      r.id_number,
      r.town_name ?? '',
      r.village_name,
      r.seq,
      METHOD_WORDS[r.method] ?? r.method,
      r.visitor_name ?? '',
      findingsInWords(r),
      r.service_needs ?? '',
      r.care_suggestions ?? '',
      r.satisfaction ? (SATISFACTION_WORDS[r.satisfaction] ?? r.satisfaction) : '',
      r.entered_by_name ?? '',
    ]);
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** 联系人名单: per village, its contacts (结对联系人) and helpers with their phones. */
export async function buildContactList(input: { title: string; asOf: string; rows: ContactRow[] }): Promise<Buffer> {
  const book = newBook();
  const sheet = sheetOf(book, '联系人名单', input.title, `截至 ${input.asOf}；在岗探访人员 ${input.rows.length} 人`, CONTACT_HEADERS, [6, 16, 18, 10, 24, 18, 16, 12, 14]);
  input.rows.forEach((r, i) => {
    sheet.addRow([i + 1, r.town_name ?? '', r.village_name ?? '（乡镇（街道）统筹）', r.name, visitorKindWord(r.kind), r.team_name ?? '', r.phone ?? '', r.primary_count, r.helper_count]);
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** 组建队伍情况: a summary by kind of team, then every member of every team. */
export async function buildTeamRoster(input: { title: string; asOf: string; rows: MemberRow[] }): Promise<Buffer> {
  const book = newBook();
  const summary = sheetOf(book, '队伍汇总', input.title, `截至 ${input.asOf}`, ROSTER_SUMMARY_HEADERS, [18, 10, 10]);
  for (const kind of ['SURVEY', 'DAILY_CONTACT', 'VISITING']) {
    const rows = input.rows.filter((r) => r.team_kind === kind);
    summary.addRow([TEAM_KIND_WORDS[kind], new Set(rows.map((r) => r.team_id)).size, rows.filter((r) => r.name !== null).length]);
  }
  const members = sheetOf(book, '队伍成员', input.title, `截至 ${input.asOf}；队伍 ${new Set(input.rows.map((r) => r.team_id)).size} 支`, ROSTER_HEADERS, [6, 16, 20, 30, 10, 24, 16]);
  input.rows.forEach((r, i) => {
    members.addRow([i + 1, TEAM_KIND_WORDS[r.team_kind] ?? r.team_kind, r.team_name, r.team_region, r.name ?? '（暂无队员）', r.kind ? visitorKindWord(r.kind) : '', r.phone ?? '']);
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
