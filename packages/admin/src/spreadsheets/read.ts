// Reading the spreadsheets offices actually keep: an .xlsx (exceljs, loaded on demand in its own chunk) or a CSV
// (UTF-8, or GBK as Excel in Chinese Windows saves it). Every cell becomes text the value parsers read, with a flag
// when Excel already destroyed the value (an 18-digit ID number stored as a number keeps only 15 significant digits).

export interface Cell {
  /** The text a person sees, e.g. "2024-05-01" for a date cell, "13800138000" for a number. */
  text: string;
  /** How the spreadsheet stored it: a number or a date cell may need reading back (serial dates, lost digits). */
  kind: 'text' | 'number' | 'date' | 'empty';
  /** A number cell too big to be exact (more than 15 significant digits): its last digits are gone. */
  lossy?: boolean;
}

/** All non-empty rows of the first sheet, with their row number as in the sheet (1-based). */
export interface Grid {
  rows: { line: number; cells: Cell[] }[];
}

export const EMPTY: Cell = { text: '', kind: 'empty' };
const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; a UTF-8 BOM is dropped. */
export function parseCsvRows(text: string): string[][] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      out.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    out.push(row);
  }
  return out;
}

export function parseCsv(text: string): Grid {
  const rows = parseCsvRows(text)
    .map((cells, i) => ({ line: i + 1, cells: cells.map((t): Cell => (t.trim() === '' ? EMPTY : { text: t, kind: 'text' })) }))
    .filter((r) => r.cells.some((c) => c.kind !== 'empty'));
  return { rows };
}

/** Integers as digits, never 1.2E+17; other numbers as JavaScript writes them (no exponent for the usual sizes). */
export function numberText(v: number): { text: string; lossy: boolean } {
  if (Number.isInteger(v)) {
    const lossy = Math.abs(v) > 999_999_999_999_999; // more than 15 digits: Excel keeps 15 significant digits
    return { text: BigInt(v).toString(), lossy };
  }
  return { text: String(v), lossy: false };
}

function cellOf(v: unknown): Cell {
  if (v == null || v === '') return EMPTY;
  // A date cell: Excel dates have no zone; exceljs gives them as UTC midnight.
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return EMPTY;
    return { text: `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`, kind: 'date' };
  }
  if (typeof v === 'number') {
    const { text, lossy } = numberText(v);
    return lossy ? { text, kind: 'number', lossy } : { text, kind: 'number' };
  }
  if (typeof v === 'boolean') return { text: v ? '是' : '否', kind: 'text' };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('richText' in o && Array.isArray(o.richText)) return { text: (o.richText as { text: string }[]).map((r) => r.text).join(''), kind: 'text' };
    if ('result' in o) return cellOf(o.result); // a formula: its cached value
    if ('text' in o) return cellOf(o.text); // a hyperlink
    if ('error' in o) return EMPTY;
  }
  const s = String(v);
  return s.trim() === '' ? EMPTY : { text: s, kind: 'text' };
}

export async function parseXlsx(data: ArrayBuffer): Promise<Grid> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data);
  // The first sheet that has data: a template's 填写说明 sheet comes after the data sheet, but be lenient.
  const sheet = workbook.worksheets.find((s) => s.actualRowCount > 0 && s.name !== '填写说明') ?? workbook.worksheets[0];
  if (!sheet) return { rows: [] };
  const rows: Grid['rows'] = [];
  const width = sheet.columnCount;
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: Cell[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellOf(row.getCell(c).value));
    if (cells.some((x) => x.kind !== 'empty')) rows.push({ line, cells });
  });
  return { rows };
}

/** CSV bytes: UTF-8 unless they are not valid UTF-8, then GBK (what Excel in Chinese Windows writes as "CSV"). */
export function decodeCsv(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

export async function readGrid(file: File): Promise<Grid> {
  const bytes = await file.arrayBuffer();
  if (/\.xlsx$/i.test(file.name)) return parseXlsx(bytes);
  if (/\.xls$/i.test(file.name)) throw new Error('不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 后再上传');
  return parseCsv(decodeCsv(bytes));
}

/** SHA-256 of the file's bytes (hex): the base of idempotency keys, so the same file gives the same keys. */
export async function contentHash(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A short stable hash (FNV-1a, 32 bits, hex) of a string: tells chunks of records apart in an idempotency key. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * One idempotency key per chunk, the same for the same file and chunk: a retry after a network failure replays the
 * stored answer instead of writing twice. Built from the file's content hash and the chunk index, plus a short hash of
 * the chunk's records, so re-mapping a column (other records from the same file) gets new keys instead of a CONFLICT.
 * At most 100 characters.
 */
export function chunkKey(prefix: string, fileHash: string, index: number, records: unknown[]): string {
  return `${prefix.slice(0, 30)}:${fileHash.slice(0, 40)}:${index + 1}:${shortHash(JSON.stringify(records))}`;
}
