import type { EntityManager } from '@mikro-orm/postgresql';
import type { Period } from '../../shared/period.js';
import { pgArray } from '../../shared/sql.js';

/** 核实率 figures of one region (see the SpotCheckRate type's description). */
export interface VerificationRate {
  regionCode: string;
  regionName: string;
  drawn: number;
  checked: number;
  confirmed: number;
  notConfirmed: number;
  unreachable: number;
  pending: number;
  /** confirmed ÷ checked, 4 decimals; null when nothing was checked. */
  rate: number | null;
}

/** Which regions to answer for: the given codes, or every child of `parent` (one level down). */
export type RateRegions = { regionCodes: string[] } | { parent: string };

/**
 * The verification rate (核实率) of spot checks per region, one set-based statement for any number of regions: every
 * current (not superseded) draw whose period lies inside `period` counts, each visit once with its latest result
 * (a visit drawn by both the county and its town is one check), grouped by the region whose subtree holds the visit's
 * village. Checked = confirmed + not confirmed; unreachable elders are counted apart and in neither, so a town cannot
 * raise its rate by failing to reach people. Regions with nothing drawn get a row of zeros (rate null).
 *
 * For callers outside this module (the assessment): it applies no jurisdiction, so pass regions the caller may see.
 */
export async function verificationRates(em: EntityManager, regions: RateRegions, period: Pick<Period, 'from' | 'to'>): Promise<VerificationRate[]> {
  const byParent = 'parent' in regions;
  const rows = await em.execute<{ code: string; name: string; drawn: number; confirmed: number; not_confirmed: number; unreachable: number }[]>(
    `with target as (
       select code, full_name as name from region where ${byParent ? 'parent_code = ?' : 'code = any(?::text[])'}
     ),
     checks as (
       select distinct on (s.visit_id) s.region_code, s.result
         from spot_check s join spot_check_draw d on d.id = s.draw_id
        where d.superseded_at is null and d.period_from >= ?::date and d.period_to <= ?::date
          and exists (select 1 from target t where starts_with(s.region_code, t.code))
        order by s.visit_id, s.checked_at desc nulls last
     )
     select t.code, t.name, count(c.region_code)::int as drawn,
            count(*) filter (where c.result = 'CONFIRMED')::int as confirmed,
            count(*) filter (where c.result = 'NOT_CONFIRMED')::int as not_confirmed,
            count(*) filter (where c.result = 'UNREACHABLE')::int as unreachable
       from target t left join checks c on starts_with(c.region_code, t.code)
      group by t.code, t.name
      order by t.code`,
    [byParent ? regions.parent : pgArray(regions.regionCodes), period.from, period.to],
  );
  return rows.map((r) => {
    const checked = r.confirmed + r.not_confirmed;
    return {
      regionCode: r.code,
      regionName: r.name,
      drawn: r.drawn,
      checked,
      confirmed: r.confirmed,
      notConfirmed: r.not_confirmed,
      unreachable: r.unreachable,
      pending: r.drawn - checked - r.unreachable,
      rate: checked === 0 ? null : Math.round((r.confirmed / checked) * 10_000) / 10_000,
    };
  });
}
