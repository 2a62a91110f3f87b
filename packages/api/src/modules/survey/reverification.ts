import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_REVERIFY_MONTHS } from '../../config/env.js';
import type { RequestContext } from '../../graphql/context.js';
import { notFound } from '../../graphql/errors.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import type { Actor } from '../auth/actor.js';

/**
 * 动态管理: which archives are due for re-verification. Written once, as SQL, and used by the list, the dashboard count
 * and the survey round's task list, so the three never disagree.
 *
 * An active archive is due when
 * - nobody confirmed it for the configured period (`last_verified_on` on or before today minus N months), or
 * - its temporary difficulty (阶段性临时困难) is past its end date and nobody confirmed the archive since that date
 *   (a survey result or an edit after the end settles it: the worker then ends or extends the difficulty).
 *
 * Both conditions read `elder_verification_idx` / `elder_temporary_until_idx` (region, date) of active archives.
 * Parameters, in order: the cutoff date, today.
 */
export function dueCondition(alias = 'e'): string {
  return `${alias}.status = 'ACTIVE' and (${alias}.last_verified_on <= ?::date
          or (${alias}.temporary_difficulty_until < ?::date and ${alias}.last_verified_on <= ${alias}.temporary_difficulty_until
              and 'TEMPORARY_DIFFICULTY' = any(${alias}.circumstances)))`;
}

/** Today minus the configured months (a month-end is kept: 2026-03-31 minus one month is 2026-02-28). */
export function cutoffOf(today: string, months: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function reverifyMonthsOf(ctx: Pick<RequestContext, 'reverifyMonths'>): number {
  return ctx.reverifyMonths ?? DEFAULT_REVERIFY_MONTHS;
}

/**
 * A region named by the caller, inside their jurisdiction: outside it (or unknown) is NOT_FOUND, like a missing one.
 * `levels` limits the region levels accepted (code lengths); the default is any.
 */
export async function regionInJurisdiction(em: EntityManager, actor: Actor, code: string | null | undefined, lengths?: number[]): Promise<{ code: string; name: string; fullName: string }> {
  const wanted = code?.trim() || actor.regionCode;
  if (!/^\d{2,12}$/.test(wanted) || !wanted.startsWith(actor.regionCode) || (lengths && !lengths.includes(wanted.length))) {
    throw notFound('行政区划', 'region');
  }
  const [row] = await em.execute<{ code: string; name: string; full_name: string }[]>(
    `select code, name, full_name from region where code = ? and ${inSubtree('code')}`,
    [wanted, actor.regionCode],
  );
  if (!row) throw notFound('行政区划', 'region');
  return { code: row.code, name: row.name, fullName: row.full_name };
}
