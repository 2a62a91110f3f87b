// The formatters moved to src/format/ (shared by every module); the names this folder used stay exported here so
// its imports keep working. New code imports from src/format.
import { chinaDateTime } from '../../format/time';

export { chinaToday, currentMonth, previousMonth } from '../../format/time';
export { count, countOf, percent, total } from '../../format/numbers';

/** A moment as YYYY-MM-DD HH:mm, China time (chinaDateTime of src/format/time.ts). */
export function chinaTime(iso: string | null | undefined): string {
  return chinaDateTime(iso);
}
