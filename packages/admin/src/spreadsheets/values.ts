import { idNumberProblem, normalizePhone, phoneValid } from '../modules/elders/idNumber';
import type { Cell } from './read';
import type { VillageIndex } from './regions';

// Value parsers for what clerks type: 是/否/√/×, enum values by their Chinese labels, dates in every usual way,
// ID and phone numbers Excel may have mangled. Each returns a value or a message in Chinese a person can act on.

export type Parsed = { value: unknown } | { error: string };
export interface ParseContext {
  /** Villages of the caller's jurisdiction, for region columns (loaded before parsing when such a column is present). */
  villages?: VillageIndex;
  /** Today in China (YYYY-MM-DD), for "not in the future". */
  today: string;
}
export type ValueParser = (cell: Cell, ctx: ParseContext) => Parsed;

const pad = (n: number) => String(n).padStart(2, '0');

/** Full-width letters, digits and punctuation to half-width; spaces of every kind removed at the ends. */
export function halfWidth(s: string): string {
  return s.normalize('NFKC').replace(/[\u3000\u00a0]/g, ' ').trim();
}

export const text: ValueParser = (cell) => ({ value: cell.text.trim() });

export function maxText(max: number): ValueParser {
  return (cell) => {
    const v = cell.text.trim();
    return v.length > max ? { error: `不能超过 ${max} 个字（现为 ${v.length} 个）` } : { value: v };
  };
}

const YES = new Set(['是', '有', '√', '✓', '✔', 'y', 'yes', 'true', '1', '对', '在', '安全', '已签字', '已签']);
const NO = new Set(['否', '无', '没有', '×', '✗', '✘', 'x', 'n', 'no', 'false', '0', '不是', '不在', '不安全', '未签字', '未签']);

export const bool: ValueParser = (cell) => {
  const v = halfWidth(cell.text).toLowerCase();
  if (YES.has(v)) return { value: true };
  if (NO.has(v)) return { value: false };
  return { error: `“${cell.text.trim()}”应填“是”或“否”` };
};

/** Dates as 2024年5月1日, 2024/5/1, 2024-05-01, 2024.5.1, 20240501, a date cell, or an Excel serial number. */
export function toIsoDate(cell: Cell): string | null {
  const v = halfWidth(cell.text).replace(/\s+/g, '');
  if (cell.kind === 'number' && /^\d{5}(\.\d+)?$/.test(v)) {
    // Excel's serial day (1900 system, with its fictitious 1900-02-29): day 25569 is 1970-01-01.
    const serial = Math.floor(Number(v));
    if (serial < 20000 || serial > 80000) return null;
    return new Date((serial - 25569) * 86_400_000).toISOString().slice(0, 10);
  }
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s].*)?$/.exec(v);
  if (!m) m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return null;
  const iso = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

export function date(opts: { notFuture?: boolean } = {}): ValueParser {
  return (cell, ctx) => {
    const iso = toIsoDate(cell);
    if (!iso) return { error: `“${cell.text.trim()}”不是有效日期，可写作 2024年5月1日、2024-05-01 或 2024/5/1` };
    if (opts.notFuture && iso > ctx.today) return { error: `日期 ${iso} 晚于今天` };
    return { value: iso };
  };
}

export function int(opts: { min?: number; max?: number; unit?: string } = {}): ValueParser {
  return (cell) => {
    const v = halfWidth(cell.text).replace(new RegExp(`${opts.unit ?? '$^'}$`), '');
    const n = /^-?\d+$/.test(v) ? Number(v) : CHINESE_NUMERALS[v];
    if (n === undefined || !Number.isInteger(n)) return { error: `“${cell.text.trim()}”不是整数` };
    if (opts.min !== undefined && n < opts.min) return { error: `不能小于 ${opts.min}` };
    if (opts.max !== undefined && n > opts.max) return { error: `不能大于 ${opts.max}` };
    return { value: n };
  };
}

export function decimal(opts: { min?: number } = {}): ValueParser {
  return (cell) => {
    const v = halfWidth(cell.text).replace(/,/g, '').replace(/元$/, '');
    if (!/^-?\d+(\.\d+)?$/.test(v)) return { error: `“${cell.text.trim()}”不是数字` };
    const n = Number(v);
    if (opts.min !== undefined && n < opts.min) return { error: `不能小于 ${opts.min}` };
    return { value: n };
  };
}

const CHINESE_NUMERALS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** 残疾等级: 一级 / 二级 / 1级 / 1 / 壹级 → 1..4. */
export const grade: ValueParser = (cell) => {
  const v = halfWidth(cell.text).replace(/^残疾/, '').replace(/[级等]$/, '').replace('壹', '一').replace('贰', '二').replace('叁', '三').replace('肆', '四');
  const n = /^\d+$/.test(v) ? Number(v) : CHINESE_NUMERALS[v];
  if (n === undefined || n < 1 || n > 4) return { error: `“${cell.text.trim()}”不是残疾等级，应为一级至四级（或 1 至 4）` };
  return { value: n };
};

/** The part of a label before a parenthesis: "空巢（仅老年夫妇居住）" → "空巢". */
const core = (label: string) => label.replace(/[（(].*$/, '').trim();
const norm = (s: string) => halfWidth(s).replace(/\s+/g, '').toUpperCase();

/**
 * An enumeration by its code (integrators' CSVs), its Chinese label, the label without its explanation, a synonym,
 * or a unique label that starts with or contains what was typed ("肢体" → 肢体残疾).
 */
export function enumOf<T extends string>(labels: Record<T, string>, synonyms: Partial<Record<T, readonly string[]>> = {}): ValueParser & { allowed: string[] } {
  const exact = new Map<string, T>();
  for (const code of Object.keys(labels) as T[]) {
    exact.set(norm(code), code);
    exact.set(norm(labels[code]), code);
    exact.set(norm(core(labels[code])), code);
    for (const s of synonyms[code] ?? []) exact.set(norm(s), code);
  }
  const parser: ValueParser = (cell) => {
    const v = norm(cell.text);
    const hit = exact.get(v);
    if (hit) return { value: hit };
    if (v.length >= 2) {
      const codes = Object.keys(labels) as T[];
      const starts = codes.filter((c) => norm(labels[c]).startsWith(v));
      if (starts.length === 1) return { value: starts[0] };
      const contains = codes.filter((c) => norm(labels[c]).includes(v));
      if (contains.length === 1) return { value: contains[0] };
    }
    return { error: `“${cell.text.trim()}”不是可选值（可选：${Object.values<string>(labels).map(core).join('、')}）` };
  };
  return Object.assign(parser, { allowed: Object.values<string>(labels).map(core) });
}

/** A list of enum values in one cell: "独居、低保" / "独居,低保" / "独居；低保". */
export function enumList(one: ValueParser): ValueParser {
  return (cell, ctx) => {
    const parts = halfWidth(cell.text).split(/[、,;；/\s]+/).filter(Boolean);
    const out: unknown[] = [];
    for (const p of parts) {
      const r = one({ text: p, kind: 'text' }, ctx);
      if ('error' in r) return r;
      if (!out.includes(r.value)) out.push(r.value);
    }
    return { value: out };
  };
}

/** 公民身份号码: never a number Excel rounded; the check digit is verified here so a typo is found before sending. */
export function idNumber(opts: { check?: boolean } = { check: true }): ValueParser {
  return (cell) => {
    if (cell.lossy) return { error: `身份证号被 Excel 存成了数字（${cell.text}），末几位已丢失：请把该列设为“文本”格式后重新填写` };
    const v = halfWidth(cell.text).replace(/\s+/g, '').toUpperCase();
    if (!opts.check) return { value: v };
    const problem = idNumberProblem(v);
    if (problem === 'FORMAT') return { error: `“${cell.text.trim()}”不是18位身份证号` };
    if (problem === 'BIRTH_DATE') return { error: '身份证号中的出生日期无效' };
    if (problem === 'CHECK_DIGIT') return { error: '身份证号校验位错误，请核对号码' };
    return { value: v };
  };
}

/**
 * Phone numbers: mobiles (11 digits) and landlines with area code. A landline whose leading 0 Excel dropped
 * (a number cell 7502212345) gets it back: no Chinese number starts with 2-9 and has 10 or 11 digits.
 */
export const phone: ValueParser = (cell) => {
  let v = normalizePhone(halfWidth(cell.text));
  if (cell.kind === 'number' && /^[2-9]\d{9,10}$/.test(v)) v = `0${v}`;
  if (!phoneValid(v)) return { error: `“${cell.text.trim()}”不是有效的电话号码（手机11位，固话带区号如 0750-2212345）` };
  return { value: v };
};

/** Parsers that need the jurisdiction's villages loaded first carry this mark. */
export type RegionParser = ValueParser & { regions: true };
export const needsRegions = (p: ValueParser): p is RegionParser => 'regions' in p;

/** A village by its 12-digit code or its name (村/社区, or 镇街+村), inside the caller's jurisdiction. */
export const village: RegionParser = Object.assign<ValueParser, { regions: true }>(
  (cell, ctx) => {
    if (!ctx.villages) return { error: '无法识别村（社区）：辖区列表未加载' };
    return ctx.villages.resolve(halfWidth(cell.text).replace(/\s+/g, ''));
  },
  { regions: true },
);

/** A village by name inside the jurisdiction, or any 12-digit code (a move may lead outside it: the API decides). */
export const villageOrCode: RegionParser = Object.assign<ValueParser, { regions: true }>(
  (cell, ctx) => {
    const v = halfWidth(cell.text).replace(/\s+/g, '');
    if (/^\d{12}$/.test(v)) return { value: v };
    return village(cell, ctx);
  },
  { regions: true },
);
