import { badInput } from '../graphql/errors.js';

/**
 * The one period shape. A report, a visit rate, a drill list, a spot check and a ledger all speak of "a period": a
 * calendar week (ISO, Monday first), month, quarter, half year or year. It is written two ways by clients — the label
 * (`2026-11`, `2026-W47`, `2026-Q4`, `2026-H2`, `2026`) and `PeriodInput { kind, date }` (the period of `kind` that
 * contains `date`) — and both end here, in the same `Period`, so an operation answers alike whichever was sent.
 * The windows are the visit standards' (visit_window_start/end in SQL): the same weeks and half years everywhere.
 */
export type PeriodKindName = 'WEEK' | 'MONTH' | 'QUARTER' | 'HALF_YEAR' | 'YEAR';

export interface Period {
  /** The canonical label, also the key rollups and closes are stored under. */
  label: string;
  kind: PeriodKindName;
  /** First and last day, ISO dates (China's calendar days). */
  from: string;
  to: string;
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(2, '0');

const badLabel = (field: string) =>
  badInput(
    '时段格式应为 2026-10（月）、2026-W43（周）、2026-Q4（季度）、2026-H1（半年）或 2026（年）',
    'period must look like 2026-10, 2026-W43, 2026-Q4, 2026-H1 or 2026',
    field,
  );

/** The Monday of ISO week `w` of ISO year `y`. */
function isoWeekMonday(y: number, w: number): Date {
  const jan4 = new Date(Date.UTC(y, 0, 4));
  return new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000 + (w - 1) * 7 * 86_400_000);
}

function isoWeeksIn(y: number): number {
  return new Date(Date.UTC(y, 11, 28)).getUTCDay() === 4 || new Date(Date.UTC(y, 0, 1)).getUTCDay() === 4 ? 53 : 52;
}

/** 2026-10 (month), 2026-W43 (ISO week), 2026-Q4, 2026-H1 (half year), 2026. */
export function parsePeriod(raw: string, field = 'period'): Period {
  const label = raw.trim();
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    return { label, kind: 'MONTH', from: iso(new Date(Date.UTC(y, mo - 1, 1))), to: iso(new Date(Date.UTC(y, mo, 0))) };
  }
  m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    const w = Number(m[2]);
    if (w < 1 || w > isoWeeksIn(y)) throw badLabel(field);
    const monday = isoWeekMonday(y, w);
    return { label, kind: 'WEEK', from: iso(monday), to: iso(new Date(monday.getTime() + 6 * 86_400_000)) };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(label);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { label, kind: 'QUARTER', from: iso(new Date(Date.UTC(y, (q - 1) * 3, 1))), to: iso(new Date(Date.UTC(y, q * 3, 0))) };
  }
  m = /^(\d{4})-H([12])$/.exec(label);
  if (m) {
    const y = m[1]!;
    return m[2] === '1' ? { label, kind: 'HALF_YEAR', from: `${y}-01-01`, to: `${y}-06-30` } : { label, kind: 'HALF_YEAR', from: `${y}-07-01`, to: `${y}-12-31` };
  }
  m = /^(\d{4})$/.exec(label);
  if (m) return { label, kind: 'YEAR', from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  throw badLabel(field);
}

/** The label of the period of `kind` containing the ISO date `date` (its ISO week's year for a week). */
export function periodLabel(kind: PeriodKindName, date: string, field = 'period'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || iso(d) !== date) throw badInput('日期格式应为 2026-11-15', 'date must look like 2026-11-15', `${field}.date`);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth() + 1;
  switch (kind) {
    case 'MONTH':
      return `${y}-${pad(mo)}`;
    case 'QUARTER':
      return `${y}-Q${Math.ceil(mo / 3)}`;
    case 'HALF_YEAR':
      return `${y}-H${mo > 6 ? 2 : 1}`;
    case 'YEAR':
      return String(y);
    case 'WEEK': {
      // The ISO week's year is the year of its Thursday.
      const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000);
      const wy = thursday.getUTCFullYear();
      const week = Math.round((thursday.getTime() - isoWeekMonday(wy, 1).getTime()) / (7 * 86_400_000)) + 1;
      return `${wy}-W${pad(week)}`;
    }
  }
}

/** `PeriodInput { kind, date }` as the same Period its label names. */
export function periodOfInput(input: { kind: PeriodKindName | string; date: string }, field = 'period'): Period {
  return parsePeriod(periodLabel(input.kind as PeriodKindName, input.date, field), field);
}
