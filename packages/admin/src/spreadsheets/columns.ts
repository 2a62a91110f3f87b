import { EMPTY, type Cell, type Grid } from './read';
import { halfWidth, type ParseContext, type ValueParser } from './values';

// A column spec per import kind (Chinese header in the official form's order, synonyms, required or not, a value
// parser), header recognition by synonyms, the mapping of unknown columns, and rows turned into API records with a
// problem list per row and cell.

export interface ColumnSpec {
  /** Where the value goes in the API record: "name", "disability.category", "emergencyContacts.0.phone". */
  key: string;
  /** The official Chinese header, as the template writes it. */
  header: string;
  /** Other headers clerks use; the key itself is always accepted too (integrators' CSVs use field names). */
  synonyms?: readonly string[];
  /** Required (inside its group: only when some column of the group is filled). */
  required?: boolean;
  /** Columns filled together, e.g. "emergencyContacts.0": an empty group is skipped. */
  group?: string;
  parse: ValueParser;
  /** Allowed values, for the template's drop-down list and its instructions. */
  allowed?: readonly string[];
  example?: string;
  /** A line for the 填写说明 sheet. */
  note?: string;
  /** Shown and kept in the result file, never sent (e.g. 姓名 in a visits ledger: the ID number identifies). */
  displayOnly?: boolean;
}

export interface SheetSpec {
  /** Names the template file and its data sheet. */
  title: string;
  columns: readonly ColumnSpec[];
  /** Extra lines for the 填写说明 sheet (decisions about what the flat sheet does not carry). */
  notes?: readonly string[];
  /** The column whose value must be unique in the file (a duplicate is a problem on the later row). */
  uniqueKey?: string;
  /** Completes a record (derived fields); may add problems. */
  finish?: (record: Record<string, unknown>, problem: (key: string, message: string) => void) => void;
}

export interface Problem {
  /** The row number as in the sheet. */
  line: number;
  /** The column header as written in the sheet (or the template's header when the column is missing). */
  column: string;
  /** The spec key, or "" for a whole-row problem. */
  key: string;
  message: string;
}

/** How a header is compared: full-width to half-width, no spaces, no "（必填）"/"*" marks, case-insensitive. */
export function normHeader(h: string): string {
  return halfWidth(h)
    .replace(/\s+/g, '')
    .replace(/\((必填|选填|可选|非必填|必须填写)\)/g, '')
    .replace(/[*＊※:：]/g, '')
    .toLowerCase();
}

function namesOf(c: ColumnSpec): string[] {
  return [c.header, c.key, ...(c.synonyms ?? [])].map(normHeader);
}

export interface HeaderMatch {
  /** Index into grid.rows of the header row (offices put a title row above it). */
  headerRow: number;
  headers: string[];
  /** For each sheet column: the spec key it feeds, or null (unknown or ignored). */
  keys: (string | null)[];
  /** Sheet columns not recognised (index and header), for the mapping step. */
  unknown: { index: number; header: string }[];
}

/** The header row is the one among the first 10 that names the most known columns. */
export function matchHeaders(grid: Grid, spec: SheetSpec): HeaderMatch {
  const lookup = new Map<string, string>();
  for (const c of spec.columns) for (const n of namesOf(c)) if (!lookup.has(n)) lookup.set(n, c.key);
  let best = { row: 0, score: -1 };
  grid.rows.slice(0, 10).forEach((r, i) => {
    const score = new Set(r.cells.map((c) => lookup.get(normHeader(c.text))).filter(Boolean)).size;
    if (score > best.score) best = { row: i, score };
  });
  const headers = (grid.rows[best.row]?.cells ?? []).map((c) => c.text.trim());
  const seen = new Set<string>();
  const keys = headers.map((h) => {
    const k = lookup.get(normHeader(h)) ?? null;
    if (!k || seen.has(k)) return null;
    seen.add(k);
    return k;
  });
  const unknown = headers.map((header, index) => ({ index, header })).filter((u) => u.header !== '' && keys[u.index] === null);
  return { headerRow: best.row, headers, keys, unknown };
}

/** The user's choices for unknown columns: a spec key or null (ignore). */
export type Mapping = Record<number, string | null>;

export function applyMapping(match: HeaderMatch, mapping: Mapping): (string | null)[] {
  const keys = [...match.keys];
  for (const [i, k] of Object.entries(mapping)) {
    // A key already fed by a recognised column is not taken twice.
    keys[Number(i)] = k && !keys.some((x, j) => x === k && j !== Number(i)) ? k : null;
  }
  return keys;
}

/** Required columns (outside groups) that no sheet column feeds. */
export function missingColumns(spec: SheetSpec, keys: (string | null)[]): ColumnSpec[] {
  return spec.columns.filter((c) => c.required && !c.group && !keys.includes(c.key));
}

export interface PreparedRow {
  line: number;
  /** The row's cells as read, in sheet order (for the preview and the result file). */
  cells: Cell[];
  /** The API record, or null when a problem keeps the row back. */
  record: Record<string, unknown> | null;
  /** Values shown but not sent (displayOnly columns). */
  display: Record<string, string>;
  problems: Problem[];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let o: Record<string, unknown> = target;
  parts.forEach((p, i) => {
    if (i === parts.length - 1) o[p] = value;
    else {
      const nextIsIndex = /^\d+$/.test(parts[i + 1]!);
      o[p] ??= nextIsIndex ? [] : {};
      o = o[p] as Record<string, unknown>;
    }
  });
}

/** Arrays filled from numbered groups lose their holes (contact 2 without contact 1 becomes the first). */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x != null).map(compact);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compact(x)]));
  return v;
}

export function prepareRows(grid: Grid, match: HeaderMatch, keys: (string | null)[], spec: SheetSpec, ctx: ParseContext): PreparedRow[] {
  const byKey = new Map(spec.columns.map((c) => [c.key, c]));
  const indexOf = new Map<string, number>();
  keys.forEach((k, i) => k && indexOf.set(k, i));
  const headerOf = (key: string) => {
    const i = indexOf.get(key);
    return i === undefined ? (byKey.get(key)?.header ?? key) : match.headers[i] || byKey.get(key)!.header;
  };
  const firstSeen = new Map<string, number>();
  return grid.rows.slice(match.headerRow + 1).map((r) => {
    const problems: Problem[] = [];
    const problem = (key: string, message: string) => problems.push({ line: r.line, column: key ? headerOf(key) : '', key, message });
    const record: Record<string, unknown> = {};
    const display: Record<string, string> = {};
    const cellOf = (key: string) => {
      const i = indexOf.get(key);
      return i === undefined ? EMPTY : (r.cells[i] ?? EMPTY);
    };
    const filledGroups = new Set(spec.columns.filter((c) => c.group && cellOf(c.key).kind !== 'empty').map((c) => c.group!));
    for (const c of spec.columns) {
      const cell = cellOf(c.key);
      if (c.displayOnly) {
        display[c.key] = cell.text.trim();
        continue;
      }
      if (cell.kind === 'empty' || cell.text.trim() === '') {
        if (c.required && (!c.group || filledGroups.has(c.group))) problem(c.key, '不能为空');
        continue;
      }
      const parsed = c.parse(cell, ctx);
      if ('error' in parsed) problem(c.key, parsed.error);
      else if (parsed.value !== '' && parsed.value !== undefined) setPath(record, c.key, parsed.value);
    }
    const out = compact(record) as Record<string, unknown>;
    if (!problems.length) spec.finish?.(out, problem);
    if (spec.uniqueKey && typeof out[spec.uniqueKey] === 'string') {
      const v = out[spec.uniqueKey] as string;
      const first = firstSeen.get(v);
      if (first !== undefined) problem(spec.uniqueKey, `与第 ${first} 行重复`);
      else firstSeen.set(v, r.line);
    }
    return { line: r.line, cells: r.cells, record: problems.length ? null : out, display, problems };
  });
}

/** The sheet column header a server problem belongs to: "emergencyContacts.0.phone" → 联系人1电话. */
export function headerForField(spec: SheetSpec, match: HeaderMatch, keys: (string | null)[], field: string): string {
  let f = field;
  while (f) {
    const i = keys.indexOf(f);
    if (i >= 0) return match.headers[i] || f;
    const c = spec.columns.find((x) => x.key === f);
    if (c) return c.header;
    f = f.includes('.') ? f.slice(0, f.lastIndexOf('.')) : '';
  }
  return field;
}

/** Today in China (the day a clerk means), as YYYY-MM-DD. */
export function chinaToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
