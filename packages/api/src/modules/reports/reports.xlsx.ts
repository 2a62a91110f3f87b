import ExcelJS from 'exceljs';
import type { Period, RawFigures } from './reports.service.js';

const LEVEL_NAMES: Record<number, string> = { 1: '省', 2: '市', 3: '县（市、区）', 4: '乡镇（街道）', 5: '村（社区）' };

/** Columns of the statistics table (情况统计表), in order: header, and how to read the value from raw figures. */
export const COLUMNS: { header: string; value: (f: RawFigures) => number | null }[] = [
  { header: '在册老年人数', value: (f) => sum(f.eldersByClass) },
  { header: 'A类', value: (f) => get(f.eldersByClass, 'A') },
  { header: 'B类', value: (f) => get(f.eldersByClass, 'B') },
  { header: 'C类', value: (f) => get(f.eldersByClass, 'C') },
  { header: '独居', value: (f) => get(f.eldersByCircumstance, 'LIVING_ALONE') },
  { header: '空巢', value: (f) => get(f.eldersByCircumstance, 'EMPTY_NEST') },
  { header: '留守', value: (f) => get(f.eldersByCircumstance, 'LEFT_BEHIND') },
  { header: '失能', value: (f) => get(f.eldersByCircumstance, 'INCAPACITATED') },
  { header: '失智', value: (f) => get(f.eldersByCircumstance, 'DEMENTIA') },
  { header: '重残', value: (f) => get(f.eldersByCircumstance, 'SEVERELY_DISABLED') },
  { header: '计划生育特殊家庭', value: (f) => get(f.eldersByCircumstance, 'FAMILY_PLANNING_SPECIAL') },
  { header: '低保', value: (f) => get(f.eldersByCircumstance, 'MINIMUM_ALLOWANCE') },
  { header: '特困', value: (f) => get(f.eldersByCircumstance, 'EXTREME_POVERTY') },
  { header: '高龄', value: (f) => get(f.eldersByCircumstance, 'AGED_80_PLUS') },
  { header: '已落实结对联系人', value: (f) => get(f.eldersWithContact, 'n') },
  { header: '探访人员', value: (f) => sum(f.visitorsByKind) },
  { header: '探访次数', value: (f) => sum(f.visitsByMethod) },
  { header: '上门入户', value: (f) => get(f.visitsByMethod, 'HOME') },
  { header: '电话问候', value: (f) => get(f.visitsByMethod, 'PHONE') },
  { header: '互联网音（视）频', value: (f) => get(f.visitsByMethod, 'VIDEO') },
  { header: '远程监测', value: (f) => get(f.visitsByMethod, 'REMOTE') },
  { header: '其他方式', value: (f) => get(f.visitsByMethod, 'OTHER') },
  { header: '应探访人数', value: (f) => get(f.rate, 'denominator') },
  { header: '已按标准探访人数', value: (f) => get(f.rate, 'numerator') },
  { header: '探访率', value: () => null },
  { header: '逾期未探访人数', value: (f) => get(f.rate, 'overdue') },
  { header: '新增预警', value: (f) => sum(f.alertsOpenedByKind) },
  { header: '办结预警', value: (f) => get(f.misc, 'alertsResolved') },
  { header: '拒绝探访', value: (f) => get(f.misc, 'refusals') },
  { header: '部门数据发现', value: (f) => get(f.misc, 'candidatesFound') },
  { header: '纳入档案', value: (f) => get(f.misc, 'candidatesEnrolled') },
];

function get(m: Record<string, number> | undefined, key: string): number {
  return m?.[key] ?? 0;
}

function sum(m: Record<string, number> | undefined): number {
  return Object.values(m ?? {}).reduce((a, b) => a + b, 0);
}

export interface WorkbookInput {
  title: string;
  period: Period;
  asOf: string;
  closed: string;
  suppress: boolean;
  levels: number[];
  rows: { code: string; name: string; level: number; figures: RawFigures }[];
}

/**
 * One sheet per level (the region itself, then each level below down to villages), each with the table's Chinese
 * headers, a row per region and, below the top sheet, a 合计 row. Integrators' small counts (1-4) read "<5".
 */
export async function buildWorkbook(input: WorkbookInput): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Tanfang 探访';
  book.created = new Date(`${input.asOf}T00:00:00Z`);
  for (const level of input.levels) {
    const sheet = book.addWorksheet(LEVEL_NAMES[level] ?? `第${level}级`, { views: [{ state: 'frozen', ySplit: 4, xSplit: 2 }] });
    const rows = input.rows.filter((r) => r.level === level).sort((a, b) => a.code.localeCompare(b.code));
    sheet.addRow([input.title]);
    sheet.addRow([`统计时段：${input.period.label}（${input.period.from} 至 ${input.period.to}），统计截止：${input.asOf}，${input.closed}`]);
    sheet.addRow([]);
    const header = sheet.addRow(['区划代码', '地区', ...COLUMNS.map((c) => c.header)]);
    header.font = { bold: true };
    sheet.getRow(1).font = { bold: true, size: 14 };
    const cell = (v: number | null) => (v === null ? null : input.suppress && v > 0 && v < 5 ? '<5' : v);
    const line = (code: string, name: string, f: RawFigures) => {
      const values = COLUMNS.map((c) => c.value(f));
      const den = get(f.rate, 'denominator');
      const num = get(f.rate, 'numerator');
      const rateIndex = COLUMNS.findIndex((c) => c.header === '探访率');
      const shown: (number | string | null)[] = values.map(cell);
      shown[rateIndex] = den === 0 || (input.suppress && (den < 5 || num < 5) && num > 0) ? null : Math.round((num / den) * 10_000) / 10_000;
      const row = sheet.addRow([code, name, ...shown]);
      row.getCell(rateIndex + 3).numFmt = '0.00%';
    };
    for (const r of rows) line(r.code, r.name, r.figures);
    if (rows.length > 1) {
      const total: RawFigures = {};
      for (const r of rows) {
        for (const [figure, keys] of Object.entries(r.figures)) {
          total[figure] ??= {};
          for (const [k, v] of Object.entries(keys)) total[figure]![k] = (total[figure]![k] ?? 0) + v;
        }
      }
      line('合计', '', total);
    }
    sheet.getColumn(1).width = 16;
    sheet.getColumn(2).width = 18;
    for (let i = 3; i <= COLUMNS.length + 2; i++) sheet.getColumn(i).width = 10;
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
