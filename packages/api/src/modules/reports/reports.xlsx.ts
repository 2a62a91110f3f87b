import ExcelJS from 'exceljs';
import type { Period, RawFigures } from './reports.service.js';
import { TOTAL, valueOf, type Withholding } from './reports.suppression.js';

const LEVEL_NAMES: Record<number, string> = { 1: '省', 2: '市', 3: '县（市、区）', 4: '乡镇（街道）', 5: '村（社区）' };

/**
 * Columns of the statistics table (情况统计表), in order: header, and the cell of the raw figures it reads (figure and
 * key; `total` is a sum of a figure's keys, see reports.suppression.ts), so a withheld cell is the same one as in the API.
 */
export const COLUMNS: { header: string; figure: string; key: string }[] = [
  { header: '在册老年人数', figure: TOTAL, key: 'elders' },
  { header: 'A类', figure: 'eldersByClass', key: 'A' },
  { header: 'B类', figure: 'eldersByClass', key: 'B' },
  { header: 'C类', figure: 'eldersByClass', key: 'C' },
  { header: '独居', figure: 'eldersByCircumstance', key: 'LIVING_ALONE' },
  { header: '空巢', figure: 'eldersByCircumstance', key: 'EMPTY_NEST' },
  { header: '留守', figure: 'eldersByCircumstance', key: 'LEFT_BEHIND' },
  { header: '失能', figure: 'eldersByCircumstance', key: 'INCAPACITATED' },
  { header: '失智', figure: 'eldersByCircumstance', key: 'DEMENTIA' },
  { header: '重残', figure: 'eldersByCircumstance', key: 'SEVERELY_DISABLED' },
  { header: '计划生育特殊家庭', figure: 'eldersByCircumstance', key: 'FAMILY_PLANNING_SPECIAL' },
  { header: '低保', figure: 'eldersByCircumstance', key: 'MINIMUM_ALLOWANCE' },
  { header: '特困', figure: 'eldersByCircumstance', key: 'EXTREME_POVERTY' },
  { header: '高龄', figure: 'eldersByCircumstance', key: 'AGED_80_PLUS' },
  { header: '已落实结对联系人', figure: 'eldersWithContact', key: 'n' },
  { header: '探访人员', figure: TOTAL, key: 'visitors' },
  { header: '探访次数', figure: TOTAL, key: 'visits' },
  { header: '上门入户', figure: 'visitsByMethod', key: 'HOME' },
  { header: '电话问候', figure: 'visitsByMethod', key: 'PHONE' },
  { header: '互联网音（视）频', figure: 'visitsByMethod', key: 'VIDEO' },
  { header: '远程监测', figure: 'visitsByMethod', key: 'REMOTE' },
  { header: '其他方式', figure: 'visitsByMethod', key: 'OTHER' },
  { header: '应探访人数', figure: 'rate', key: 'denominator' },
  { header: '已按标准探访人数', figure: 'rate', key: 'numerator' },
  { header: '探访率', figure: 'rate', key: 'rate' },
  { header: '逾期未探访人数', figure: 'rate', key: 'overdue' },
  { header: '新增预警', figure: TOTAL, key: 'alerts' },
  { header: '办结预警', figure: 'misc', key: 'alertsResolved' },
  { header: '拒绝探访', figure: 'misc', key: 'refusals' },
  { header: '部门数据发现', figure: 'misc', key: 'candidatesFound' },
  { header: '纳入档案', figure: 'misc', key: 'candidatesEnrolled' },
];

/** What a withheld cell reads in the sheet (integrators); the note under the title explains it. */
export const WITHHELD = '*';
const WITHHELD_NOTE = '“*”为保护个人信息隐去的数字：1至4的计数，以及可借合计或上下级相减推出它们的数字';

export interface WorkbookInput {
  title: string;
  period: Period;
  asOf: string;
  closed: string;
  /** Integrators: the pattern of withheld cells of the whole table; null shows every count. */
  withholding: Withholding | null;
  levels: number[];
  rows: { code: string; name: string; level: number; figures: RawFigures }[];
}

/**
 * One sheet per level (the region itself, then each level below down to villages), each with the table's Chinese
 * headers, a row per region and, below the top sheet, a 合计 row. Cells withheld for integrators read "*".
 */
export async function buildWorkbook(input: WorkbookInput): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Tanfang 探访';
  book.created = new Date(`${input.asOf}T00:00:00Z`);
  for (const level of input.levels) {
    const sheet = book.addWorksheet(LEVEL_NAMES[level] ?? `第${level}级`, { views: [{ state: 'frozen', ySplit: 4, xSplit: 2 }] });
    const rows = input.rows.filter((r) => r.level === level).sort((a, b) => a.code.localeCompare(b.code));
    sheet.addRow([input.title]);
    sheet.addRow([`统计时段：${input.period.label}（${input.period.from} 至 ${input.period.to}），统计截止：${input.asOf}，${input.closed}${input.withholding ? `；${WITHHELD_NOTE}` : ''}`]);
    sheet.addRow([]);
    const header = sheet.addRow(['区划代码', '地区', ...COLUMNS.map((c) => c.header)]);
    header.font = { bold: true };
    sheet.getRow(1).font = { bold: true, size: 14 };
    const rateIndex = COLUMNS.findIndex((c) => c.key === 'rate');
    /** A row's cells; `hidden` says whether the cell (figure, key) is withheld. */
    const line = (code: string, name: string, f: RawFigures, hidden: (figure: string, key: string) => boolean) => {
      const shown: (number | string | null)[] = COLUMNS.map((c) => (hidden(c.figure, c.key) ? WITHHELD : valueOf(f, c.figure, c.key)));
      const den = valueOf(f, 'rate', 'denominator');
      const num = valueOf(f, 'rate', 'numerator');
      // The rate gives the numerator back from the denominator (and the other way round): withheld with either.
      shown[rateIndex] = den === 0 ? null : hidden('rate', 'numerator') || hidden('rate', 'denominator') ? WITHHELD : Math.round((num / den) * 10_000) / 10_000;
      const row = sheet.addRow([code, name, ...shown]);
      row.getCell(rateIndex + 3).numFmt = '0.00%';
    };
    const withholding = input.withholding;
    for (const r of rows) line(r.code, r.name, r.figures, (figure, key) => !!withholding?.withheld(r.code, figure, key));
    if (rows.length > 1) {
      const total: RawFigures = {};
      for (const r of rows) {
        for (const [figure, keys] of Object.entries(r.figures)) {
          total[figure] ??= {};
          for (const [k, v] of Object.entries(keys)) total[figure]![k] = (total[figure]![k] ?? 0) + v;
        }
      }
      // For integrators a 合计 is shown only where it equals the top region's own shown cell: anything else (a sum
      // missing what sits at a town itself) would be a new figure to subtract with.
      const top = input.rows.find((r) => r.level === input.levels[0]);
      line('合计', '', total, (figure, key) =>
        !!withholding && (!top || withholding.withheld(top.code, figure, key) || valueOf(top.figures, figure, key) !== valueOf(total, figure, key)));
    }
    sheet.getColumn(1).width = 16;
    sheet.getColumn(2).width = 18;
    for (let i = 3; i <= COLUMNS.length + 2; i++) sheet.getColumn(i).width = 10;
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
