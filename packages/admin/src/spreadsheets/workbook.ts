import type { Cell } from './read';
import type { SheetSpec } from './columns';

// Writing workbooks in the browser with exceljs (loaded on demand): the template offices fill in, and the result
// file (their rows as sent, plus a 结果 column saying what happened to each).

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TEMPLATE_ROWS = 5000;

/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
const sheetName = (s: string) => s.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);

/** Column letters: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Columns whose values are numbers that are not quantities: Excel must keep them as text. */
const TEXT_COLUMN = /idNumber|phone|Phone|certificateNumber|regionCode|externalId/;

/**
 * The template: Chinese headers in the form's order (required ones in red), a frozen header row, drop-down lists for
 * enumerations (values on a hidden 选项 sheet, so long lists such as villages fit), ID and phone columns formatted as
 * text, and a 填写说明 sheet listing each column, whether required, allowed values and an example.
 */
export async function templateWorkbook(spec: SheetSpec, extraAllowed: Record<string, readonly string[]> = {}): Promise<Blob> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const data = wb.addWorksheet(sheetName(spec.title), { views: [{ state: 'frozen', ySplit: 1 }] });
  const notes = wb.addWorksheet('填写说明');
  const options = wb.addWorksheet('选项', { state: 'hidden' });
  const columns = spec.columns;
  data.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: Math.max(10, Math.min(40, c.header.length * 2 + 4, (c.example?.length ?? 0) + 6)),
    style: TEXT_COLUMN.test(c.key) ? { numFmt: '@' } : {},
  }));
  const head = data.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  columns.forEach((c, i) => {
    if (c.required) head.getCell(i + 1).font = { bold: true, color: { argb: 'FFC00000' } };
  });
  // exceljs 4 has range validations at run time (worksheet.dataValidations) but not in its type declarations:
  // one range rule instead of 5,000 cell rules.
  const validations = (data as unknown as { dataValidations: { add(range: string, rule: import('exceljs').DataValidation): void } }).dataValidations;
  let optionColumn = 0;
  columns.forEach((c, i) => {
    const allowed = extraAllowed[c.key] ?? c.allowed;
    if (!allowed?.length) return;
    optionColumn++;
    const letter = columnLetter(optionColumn);
    allowed.forEach((v, j) => (options.getCell(`${letter}${j + 1}`).value = v));
    const target = columnLetter(i + 1);
    validations.add(`${target}2:${target}${TEMPLATE_ROWS + 1}`, {
      type: 'list',
      allowBlank: true,
      formulae: [`选项!$${letter}$1:$${letter}$${allowed.length}`],
      showErrorMessage: false, // a value outside the list is still read (synonyms, codes); the check says why it is wrong
    });
  });

  notes.columns = [
    { header: '列名', key: 'header', width: 22 },
    { header: '是否必填', key: 'required', width: 10 },
    { header: '可填的值', key: 'allowed', width: 48 },
    { header: '示例', key: 'example', width: 24 },
    { header: '说明', key: 'note', width: 60 },
  ];
  notes.getRow(1).font = { bold: true };
  notes.views = [{ state: 'frozen', ySplit: 1 }];
  for (const c of columns) {
    const allowed = extraAllowed[c.key] ?? c.allowed;
    notes.addRow({
      header: c.header,
      required: c.required ? (c.group ? '同组填写时必填' : '必填') : '选填',
      allowed: allowed?.length ? (allowed.length > 40 ? `${allowed.slice(0, 40).join('、')} 等（见下拉列表）` : allowed.join('、')) : '',
      example: c.example ?? '',
      note: [c.note, c.synonyms?.length ? `也可用列名：${c.synonyms.join('、')}` : ''].filter(Boolean).join('；'),
    });
  }
  notes.eachRow((row) => (row.alignment = { wrapText: true, vertical: 'top' }));
  if (spec.notes?.length) {
    notes.addRow([]);
    for (const line of spec.notes) notes.addRow([line]);
  }
  return new Blob([await wb.xlsx.writeBuffer()], { type: XLSX_TYPE });
}

export interface ResultRow {
  line: number;
  cells: Cell[];
  result: string;
  /** Marks the row in colour: ok (written or already there), problem (not imported). */
  tone: 'ok' | 'same' | 'problem';
}

/** The rows as read, every value as text (ID numbers stay whole), with the 结果 column last. */
export async function resultWorkbook(title: string, headers: readonly string[], rows: readonly ResultRow[]): Promise<Blob> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(sheetName(title), { views: [{ state: 'frozen', ySplit: 1 }] });
  const width = Math.max(headers.length, ...rows.map((r) => r.cells.length));
  const head = [...headers, ...Array.from({ length: width - headers.length }, () => '')];
  sheet.addRow(['原行号', ...head, '结果']).font = { bold: true };
  for (const r of rows) {
    const row = sheet.addRow([r.line, ...Array.from({ length: width }, (_, i) => r.cells[i]?.text ?? ''), r.result]);
    const result = row.getCell(width + 2);
    result.font = { color: { argb: r.tone === 'problem' ? 'FFC00000' : r.tone === 'ok' ? 'FF2E7D32' : 'FF606266' } };
  }
  sheet.getColumn(width + 2).width = 60;
  for (let i = 2; i <= width + 1; i++) sheet.getColumn(i).numFmt = '@';
  return new Blob([await wb.xlsx.writeBuffer()], { type: XLSX_TYPE });
}

export function saveBlob(blob: Blob, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
