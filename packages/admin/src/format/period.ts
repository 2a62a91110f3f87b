import type { PeriodInput } from '../gql/graphql';

/**
 * The console keeps periods as their labels (in the address, in drill links: 2026-11, 2026-W47, 2026-Q4, 2026-H2,
 * 2026) and sends the API's one period shape, PeriodInput { kind, date }: any day inside the period names it.
 * Null for a label that is not a period (the caller sends nothing).
 */
export function periodInputOf(label: string | null | undefined): PeriodInput | null {
  const s = (label ?? '').trim();
  let m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(s);
  if (m) return { kind: 'MONTH', date: `${m[1]}-${m[2]}-01` };
  m = /^(\d{4})-W(\d{2})$/.exec(s);
  if (m) {
    // 4 January is always in ISO week 1, so week w holds the day 7·(w−1) days after it.
    const day = new Date(Date.UTC(Number(m[1]), 0, 4 + (Number(m[2]) - 1) * 7));
    return { kind: 'WEEK', date: day.toISOString().slice(0, 10) };
  }
  m = /^(\d{4})-Q([1-4])$/.exec(s);
  if (m) return { kind: 'QUARTER', date: `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01` };
  m = /^(\d{4})-H([12])$/.exec(s);
  if (m) return { kind: 'HALF_YEAR', date: `${m[1]}-${m[2] === '1' ? '01' : '07'}-01` };
  m = /^(\d{4})$/.exec(s);
  if (m) return { kind: 'YEAR', date: `${m[1]}-01-01` };
  return null;
}

/** A month the console picked (YYYY-MM, as the report and dashboard keep it) as a PeriodInput. */
export function monthInput(month: string): PeriodInput {
  return { kind: 'MONTH', date: `${month}-01` };
}
