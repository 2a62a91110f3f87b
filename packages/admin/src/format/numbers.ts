// Counts and rates as the report pages, the dashboard and the lists show them. Moved here from reports/format.ts,
// which nine modules imported: a formatter belongs to the console, not to one feature folder.

/** A count; null means withheld (for integrators: 1 to 4, or a figure they could be worked out from) and shows as "*". */
export function count(n: number | null | undefined, withheld = '*'): string {
  return n === null || n === undefined ? withheld : String(n);
}

/** A rate 0..1 as a percentage with one decimal; null shows as a dash. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** The sum of counts by key; with withheld entries, a lower bound ("≥n": each withheld count is at least 1). */
export function total(list: readonly { count?: number | null }[], withheld = '*'): string {
  let sum = 0;
  let hidden = 0;
  for (const c of list) {
    if (c.count === null || c.count === undefined) hidden++;
    else sum += c.count;
  }
  if (hidden === 0) return String(sum);
  return sum === 0 && hidden === 1 ? withheld : `≥${sum + hidden}`;
}

/** The count of one key of a counts-by-key list (0 when absent). */
export function countOf(list: readonly { key: string; count?: number | null }[], key: string): number | null {
  const found = list.find((c) => c.key === key);
  return found ? (found.count ?? null) : 0;
}
