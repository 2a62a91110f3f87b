import { columnsOf, type KindField, type RecordKindSpec } from './recordKinds';

// Spreadsheets are read in the browser: a CSV by hand (UTF-8, header row), an .xlsx with exceljs loaded on demand
// (its own chunk). Columns are matched by header names equal to the GraphQL field names.

export type Cell = string;
export interface Sheet {
  headers: string[];
  rows: Cell[][];
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; a UTF-8 BOM is dropped. */
export function parseCsv(text: string): Sheet {
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
  const nonEmpty = out.filter((r) => r.some((c) => c.trim() !== ''));
  const [headers = [], ...rows] = nonEmpty;
  return { headers: headers.map((h) => h.trim()), rows };
}

const pad = (n: number) => String(n).padStart(2, '0');

export async function parseXlsx(data: ArrayBuffer): Promise<Sheet> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { headers: [], rows: [] };
  const out: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) {
      const v = row.getCell(c).value as unknown;
      let s: string;
      if (v == null) s = '';
      // A date cell: Excel dates have no zone; exceljs gives them as UTC midnight.
      else if (v instanceof Date) s = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
      else if (typeof v === 'object' && 'text' in (v as object)) s = String((v as { text: unknown }).text);
      else if (typeof v === 'object' && 'result' in (v as object)) s = String((v as { result: unknown }).result ?? '');
      else if (typeof v === 'object' && 'richText' in (v as object)) s = (v as { richText: { text: string }[] }).richText.map((r) => r.text).join('');
      else s = String(v);
      cells.push(s);
    }
    out.push(cells);
  });
  const nonEmpty = out.filter((r) => r.some((c) => c.trim() !== ''));
  const [headers = [], ...rows] = nonEmpty;
  return { headers: headers.map((h) => h.trim()), rows };
}

export async function readSheet(file: File): Promise<Sheet> {
  if (/\.xlsx$/i.test(file.name)) return parseXlsx(await file.arrayBuffer());
  return parseCsv(new TextDecoder('utf-8').decode(await file.arrayBuffer()));
}

export interface LocalError {
  field: string;
  /** i18n key under agencyData.local, with params. */
  key: string;
  params?: Record<string, string>;
}

export interface PreparedRow {
  /** 1-based spreadsheet row number (the header is row 1). */
  line: number;
  externalId: string;
  record: Record<string, unknown> | null;
  errors: LocalError[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function realDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Spreadsheets write dates many ways: accept 2026/1/5 and 2026.01.05 as 2026-01-05. */
function normaliseDate(s: string): string {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  return m ? `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}` : s;
}

function convert(field: KindField, raw: string, errors: LocalError[]): unknown {
  const v = raw.trim();
  if (v === '') {
    if (field.required) errors.push({ field: field.name, key: 'required' });
    return undefined;
  }
  if (field.type === 'int') {
    if (!/^-?\d+$/.test(v)) errors.push({ field: field.name, key: 'notInt', params: { value: v } });
    return Number(v);
  }
  if (field.type === 'date') {
    const d = normaliseDate(v);
    if (!realDate(d)) errors.push({ field: field.name, key: 'notDate', params: { value: v } });
    return d;
  }
  if (Array.isArray(field.type)) {
    const u = v.toUpperCase();
    if (!field.type.includes(u)) errors.push({ field: field.name, key: 'notEnum', params: { value: v, allowed: field.type.join(' / ') } });
    return u;
  }
  return v;
}

/**
 * Rows become records of the kind's GraphQL input. A value the GraphQL types would refuse (a wrong date, a word
 * for a number, an unknown code) would fail the whole request, so such a row is kept back and reported here; every
 * other check is the API's, answered per row.
 */
export function prepare(sheet: Sheet, spec: RecordKindSpec): { rows: PreparedRow[]; missingColumns: string[]; unknownColumns: string[] } {
  const columns = columnsOf(spec);
  const index = new Map(sheet.headers.map((h, i) => [h, i]));
  const missingColumns = columns.filter((c) => c.required && !index.has(c.name)).map((c) => c.name);
  const unknownColumns = sheet.headers.filter((h) => h && !columns.some((c) => c.name === h));
  const rows = sheet.rows.map((cells, i): PreparedRow => {
    const errors: LocalError[] = [];
    const record: Record<string, unknown> = {};
    for (const c of columns) {
      const at = index.get(c.name);
      const value = convert(c, at === undefined ? '' : (cells[at] ?? ''), errors);
      if (value !== undefined) record[c.name] = value;
    }
    return { line: i + 2, externalId: String(record.externalId ?? ''), record: errors.length ? null : record, errors };
  });
  return { rows, missingColumns, unknownColumns };
}

/** A CSV with the kind's headers (UTF-8 with a BOM so Excel opens the Chinese right). */
export function templateCsv(spec: RecordKindSpec): string {
  return `\ufeff${columnsOf(spec)
    .map((c) => c.name)
    .join(',')}\r\n`;
}

/** A short stable hash (FNV-1a, 32 bits, hex) of a string: enough to tell files apart in an idempotency key. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * One key per chunk, the same for the same file and chunk: a retry replays (the API answers the stored result)
 * instead of sending twice. The hash covers the kind and the chunk's records, so an edited file gets new keys.
 */
export function chunkKey(fileName: string, kind: string, index: number, records: unknown[]): string {
  const base = fileName.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 50);
  return `${base}#${index + 1}-${shortHash(`${kind}\n${JSON.stringify(records)}`)}`;
}
