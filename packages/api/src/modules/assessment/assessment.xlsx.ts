import ExcelJS from 'exceljs';
import { WITHHELD } from '../reports/reports.xlsx.js';
import type { AssessmentRowType, AssessmentType } from './assessment.types.js';

/** Columns of the 考核 sheet, in order: the Chinese header and the cell of a row (null: empty; undefined: withheld). */
const TIMELINESS: Record<string, string> = { ON_TIME: '按时', LATE: '逾期', NOT_YET_DUE: '未到期限' };

const COLUMNS: { header: string; value: (r: AssessmentRowType) => number | string | null; percent?: boolean }[] = [
  { header: '排名', value: (r) => r.rank },
  { header: '得分', value: (r) => r.score },
  { header: '应探访人数', value: (r) => r.eldersToVisit },
  { header: '探访率', value: (r) => r.visitRate, percent: true },
  ...(['A', 'B', 'C'] as const).flatMap((cls) => [
    { header: `${cls}类应探访`, value: (r: AssessmentRowType) => r.classRates.find((c) => c.class === cls)?.denominator ?? null },
    { header: `${cls}类已按标准探访`, value: (r: AssessmentRowType) => r.classRates.find((c) => c.class === cls)?.numerator ?? null },
    { header: `${cls}类探访率`, value: (r: AssessmentRowType) => r.classRates.find((c) => c.class === cls)?.rate ?? null, percent: true },
  ]),
  { header: '新增预警', value: (r) => r.alertsRaised },
  { header: '按时确认率', value: (r) => r.acknowledgedOnTimeRate, percent: true },
  { header: '平均确认用时（分钟）', value: (r) => r.averageAcknowledgeMinutes },
  { header: '转介数', value: (r) => r.referrals },
  { header: '已答复转介', value: (r) => r.referralsAnswered },
  { header: '平均转介答复用时（分钟）', value: (r) => r.averageReferralResponseMinutes },
  { header: '平均转介处置用时（分钟）', value: (r) => r.averageReferralOutcomeMinutes },
  { header: '满意度评价数', value: (r) => r.satisfactionResponses },
  { header: '满意度均分（1-4）', value: (r) => r.satisfactionAverage },
  { header: '抽查核实数', value: (r) => r.spotChecksChecked },
  { header: '核实率', value: (r) => r.verificationRate, percent: true },
  { header: '报送', value: (r) => (r.reportTimeliness ? TIMELINESS[r.reportTimeliness]! : null) },
  { header: '报送期限', value: (r) => r.reportDueOn },
];

/**
 * The assessment (考核) as one sheet: title, period and targets, the weighting in words, a row per town best first.
 * For integrators a withheld figure reads "*" (as in the statistics table), never a number.
 */
export async function buildAssessmentWorkbook(a: AssessmentType): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Tanfang 探访';
  book.created = new Date(`${a.asOf}T00:00:00Z`);
  const sheet = book.addWorksheet('考核', { views: [{ state: 'frozen', ySplit: 5, xSplit: 2 }] });
  sheet.addRow([`${a.region.fullName}特殊困难老年人探访关爱服务考核排名`]).font = { bold: true, size: 14 };
  sheet.addRow([
    `考核时段：${a.from} 至 ${a.to}，探访率统计截止：${a.asOf}；目标探访率：${a.targets.map((t) => `${t.class}类 ${Math.round(t.rate * 100)}%`).join('，')}` +
      (a.suppressed ? `；“${WITHHELD}”为保护个人信息隐去的1至4的计数及由其算出的比率、均值` : ''),
  ]);
  sheet.addRow([`计分方法：${a.weighting}`]);
  sheet.addRow([]);
  const header = sheet.addRow(['区划代码', '地区', ...COLUMNS.map((c) => c.header)]);
  header.font = { bold: true };
  for (const r of a.rows) {
    // A null the API answers for a withheld figure is "*"; a figure that has no value (no alert raised) stays empty.
    const row = sheet.addRow([r.region.code, r.region.name, ...COLUMNS.map((c) => {
      const v = c.value(r);
      return v === null && a.suppressed && withheld(r, c.header) ? WITHHELD : v;
    })]);
    COLUMNS.forEach((c, i) => {
      if (c.percent) row.getCell(i + 3).numFmt = '0.00%';
    });
  }
  sheet.getColumn(1).width = 16;
  sheet.getColumn(2).width = 18;
  for (let i = 3; i <= COLUMNS.length + 2; i++) sheet.getColumn(i).width = 12;
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** Whether an empty cell of an integrator's row is withheld rather than without value: its count is there but hidden. */
function withheld(r: AssessmentRowType, header: string): boolean {
  if (header === '排名' || header === '得分' || header.startsWith('报送')) return false;
  if (header.includes('预警') || header.includes('确认')) return r.alertsRaised === null;
  if (header.includes('转介')) return r.referrals === null || r.referralsAnswered === null;
  if (header.includes('满意度')) return r.satisfactionResponses === null;
  if (header.includes('核实')) return r.spotChecksChecked === null || (r.verificationRate === null && r.spotChecksChecked > 0);
  if (header.includes('类')) {
    const c = r.classRates.find((x) => header.startsWith(x.class));
    return !!c && (c.denominator === null || c.numerator === null);
  }
  return r.eldersToVisit === null || r.visitRate === null;
}
