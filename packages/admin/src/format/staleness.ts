import { chinaDate, chinaDateTime } from './time';

/**
 * When figures were not computed today (China time), the moment they were, in parts for the "统计截至 12月4日 23:10"
 * marker; null when they are today's. A city's or town's report, visit rate and assessment answer from the last
 * background refresh while the new day's is running (issue 17), so a page must say which moment its figures show
 * instead of passing them off as today's.
 */
export function staleSince(
  computedAt: string | null | undefined,
  now: Date = new Date(),
): { month: number; day: number; time: string } | null {
  if (!computedAt) return null;
  if (chinaDate(computedAt) === chinaDate(now)) return null;
  const wall = chinaDateTime(computedAt); // YYYY-MM-DD HH:mm, China time
  return { month: Number(wall.slice(5, 7)), day: Number(wall.slice(8, 10)), time: wall.slice(11, 16) };
}
