import type { EntityManager } from '@mikro-orm/postgresql';
import { chinaDate, type RequestContext } from '../../graphql/context.js';
import { Loaders } from '../../shared/loaders.js';
import { pgArray } from '../../shared/sql.js';
import { parsePeriod, perElderRateParams, perElderRateSql, ReportsService, type Period, type RawFigures } from './reports.service.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { LEVEL_CODE_LENGTH, VILLAGE_LEVEL } from '../regions/region.entity.js';
import { dropAssessmentVillages, refreshAssessmentTown, refreshAssessmentVillage, sumAssessmentAncestors } from '../assessment/assessment.figures.js';

/** Rollups judged on an earlier day than asked are still used for this long into a new day (a full refresh is running). */
export const ROLLUP_DAY_GRACE_MS = 30 * 60_000;

/** The tables a full refresh rewrites, analyzed after it (as the compliance snapshot's: SNAPSHOT_TABLES). */
export const ROLLUP_TABLES = ['report_rollup', 'report_rollup_elder', 'report_rollup_verdict_count', 'assessment_rollup'] as const;

export interface RefreshResult {
  period: string;
  asOf: string;
  villages: number;
  full: boolean;
  ms: number;
}

/**
 * Brings the village rollups of a running period up to date: every village on a new day (requirements turn overdue
 * with the calendar), otherwise only the villages the change log names since the last refresh, plus those whose
 * assignments changed. Heavy figures only (elders, visits, rates, alerts); a full refresh one town at a time (a few
 * statements grouped by village), an incremental one a village at a time, always in short statements, so a
 * refresh runs beside requests and never holds a long transaction. Two refreshers at once (two API instances) only
 * repeat work: every write is an idempotent upsert.
 */
export async function refreshRollups(root: EntityManager, periodLabel: string, now: Date, signal?: AbortSignal): Promise<RefreshResult | null> {
  const started = Date.now();
  const period = parsePeriod(periodLabel);
  const today = chinaDate(now);
  if (period.from > today) return null;
  const asOf = period.to < today ? period.to : today;
  const em = root.fork();
  {
    const [state] = await em.execute<{ as_of: string; last_seq: string; seen: string | null; refreshed_at: Date | string }[]>(
      `select to_char(as_of, 'YYYY-MM-DD') as as_of, last_seq, seen::text as seen, refreshed_at from report_rollup_state where period = ?`,
      [period.label],
    );
    // What this refresh covers: every row visible now (up to seq). Rows of transactions not committed in this
    // snapshot (seen) may carry a lower seq: the next refresh takes them too. One statement, one snapshot.
    const [{ seq, seen }] = (await em.execute<{ seq: string; seen: string }[]>(
      `select coalesce((select max(seq) from change_log), 0) as seq, pg_current_snapshot()::text as seen`,
    )) as [{ seq: string; seen: string }];
    const full = !state || state.as_of !== asOf;
    const villages = full
      ? (await em.execute<{ code: string }[]>(`select distinct region_code as code from elder`)).map((r) => r.code)
      : (await em.execute<{ code: string }[]>(
          `select distinct region_code as code from change_log
            where (seq > ? or (?::pg_snapshot is not null and xid >= pg_snapshot_xmin(?::pg_snapshot) and not pg_visible_in_snapshot(xid, ?::pg_snapshot)))
              and length(region_code) = 12
           union
           select distinct e.region_code from assignment a join elder e on e.id = a.elder_id
            where a.starts_at > ?::timestamptz or a.ends_at > ?::timestamptz`,
          [state.last_seq, state.seen, state.seen, state.seen, state.refreshed_at, state.refreshed_at],
        )).map((r) => r.code);
    const service = new ReportsService(contextFor(em, now));
    const at: RefreshAt = { period, asOf, now };
    if (full) {
      // Every village: town by town, the same statements as for one village but grouped by village (refreshTown).
      // Codes that are not villages (an elder registered on a town, should one exist) keep the per-code path.
      const towns = new Map<string, string[]>();
      const others: string[] = [];
      for (const code of villages) {
        if (code.length !== VILLAGE_LENGTH) {
          others.push(code);
          continue;
        }
        const town = code.slice(0, TOWN_LENGTH);
        const list = towns.get(town);
        if (list) list.push(code);
        else towns.set(town, [code]);
      }
      // A stopping worker's signal ends it between towns: the state keeps the last complete refresh, read as before.
      for (const [town, list] of towns) {
        signal?.throwIfAborted();
        await refreshTown(em, service, at, town, list);
      }
      await refreshVillages(em, service, at, others, signal);
    } else {
      // The villages the change log names: usually a handful, so one village at a time (a town-wide statement would
      // recompute its untouched villages too).
      await refreshVillages(em, service, at, villages, signal);
    }
    if (full) {
      // A village without elders any more has nothing to report.
      await em.execute(
        `delete from report_rollup where period = ? and length(region_code) = 12 and not (region_code = any(?::text[]))`,
        [period.label, pgArray(villages)],
        'run',
      );
      await em.execute(
        `delete from report_rollup_elder where period = ? and not (region_code = any(?::text[]))`,
        [period.label, pgArray(villages)],
        'run',
      );
      await dropAssessmentVillages(em, period.label, pgArray(villages));
    }
    // Also when none exist yet (rollups written before region sums were kept).
    const [summed] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from report_rollup where period = ? and length(region_code) < 12`, [period.label]);
    if (full || villages.length > 0 || !summed?.n) await sumAncestors(em, period.label, asOf, now);
    await em.execute(
      `insert into report_rollup_state (period, as_of, last_seq, seen, refreshed_at) values (?, ?, ?, ?::pg_snapshot, ?)
       on conflict (period) do update
         set as_of = excluded.as_of, last_seq = excluded.last_seq, seen = excluded.seen, refreshed_at = excluded.refreshed_at`,
      [period.label, asOf, seq, seen, now],
      'run',
    );
    // Fresh statistics for the rewritten rows (see refreshComplianceSnapshot).
    if (full) await em.execute(`analyze ${ROLLUP_TABLES.join(', ')}`, [], 'run');
    return { period: period.label, asOf, villages: villages.length, full, ms: Date.now() - started };
  }
}

const TOWN_LENGTH = LEVEL_CODE_LENGTH[4];
const VILLAGE_LENGTH = LEVEL_CODE_LENGTH[VILLAGE_LEVEL];

/** What a refresh judges: the period, the day its figures are judged on, the refresh's time. */
interface RefreshAt {
  period: Period;
  asOf: string;
  now: Date;
}

/**
 * The rows of each code in `codes`, one code at a time (the incremental path, and the rare code that is not a
 * village): its heavy figures (nine statements), its elders' verdicts and its assessment row (three more).
 */
export async function refreshVillages(em: EntityManager, service: ReportsService | null, at: RefreshAt, codes: string[], signal?: AbortSignal): Promise<void> {
  const { period, asOf, now } = at;
  const reports = service ?? new ReportsService(contextFor(em, now));
  for (const village of codes) {
    signal?.throwIfAborted();
    const figures = await reports.figures(village, 0, period, asOf, 'heavy');
    const all = figures.get('ALL') ?? new Map();
    await em.execute(
      `insert into report_rollup (period, region_code, as_of, figures, refreshed_at) values (?, ?, ?, ?::jsonb, ?)
       on conflict (period, region_code) do update set as_of = excluded.as_of, figures = excluded.figures, refreshed_at = excluded.refreshed_at`,
      [period.label, village, asOf, JSON.stringify(plainFigures(all)), now],
      'run',
    );
    // The people behind the village's rate figures (the drill from a count to its list reads these): the same
    // per-elder rule as the figures. An elder who moved is re-keyed by the upsert, so the old village's delete
    // (before or after) never removes them.
    await em.execute(`delete from report_rollup_elder where period = ? and region_code = ?`, [period.label, village], 'run');
    await em.execute(
      `${perElderRateSql(inSubtree('e.region_code'))}
       insert into report_rollup_elder (period, elder_id, region_code, ok, late)
       select ?, elder_id, region_code, ok, late from per_elder
       on conflict (period, elder_id) do update set region_code = excluded.region_code, ok = excluded.ok, late = excluded.late`,
      [...perElderRateParams(period, asOf, [village]), period.label],
      'run',
    );
    // The assessment's figures of the village (考核), its visit rates from the verdicts just written.
    await refreshAssessmentVillage(em, { label: period.label, from: period.from, to: period.to, asOf, now }, village);
  }
}

/**
 * The rows of every village of one town (a full refresh) in the statements `refreshVillages` runs for one village,
 * grouped by village: at a million elders (thousands of villages, ~12 statements each) that is tens of thousands of
 * statements fewer per refresh, and each plans and scans once per town instead of once per village.
 * The same rules and the same rows as `refreshVillages` for each village: the report's figures grouped by child
 * code (its GROUPING SETS give each village's counts; a village without any gets the empty figures), the verdicts
 * of the town's village elders, the assessment's rows from those verdicts. Per town, not city-wide: each statement
 * stays short beside requests. The town's writes are one transaction, so a reader never sees its verdicts half
 * replaced (deleted, not yet inserted).
 */
export async function refreshTown(em: EntityManager, service: ReportsService | null, at: RefreshAt, town: string, villages: string[]): Promise<void> {
  const { period, asOf, now } = at;
  const reports = service ?? new ReportsService(contextFor(em, now));
  const figures = await reports.figures(town, VILLAGE_LENGTH, period, asOf, 'heavy');
  const rows = villages.map((code) => ({ code, figures: plainFigures(figures.get(code) ?? new Map()) }));
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into report_rollup (period, region_code, as_of, figures, refreshed_at)
       select ?, r.code, ?, r.figures, ? from jsonb_to_recordset(?::jsonb) as r(code text, figures jsonb)
       on conflict (period, region_code) do update set as_of = excluded.as_of, figures = excluded.figures, refreshed_at = excluded.refreshed_at`,
      [period.label, asOf, now, JSON.stringify(rows)],
      'run',
    );
    await tx.execute(`delete from report_rollup_elder where period = ? and region_code = any(?::text[])`, [period.label, pgArray(villages)], 'run');
    await tx.execute(
      `${perElderRateSql('e.region_code = any(?::text[])')}
       insert into report_rollup_elder (period, elder_id, region_code, ok, late)
       select ?, elder_id, region_code, ok, late from per_elder
       on conflict (period, elder_id) do update set region_code = excluded.region_code, ok = excluded.ok, late = excluded.late`,
      [...perElderRateParams(period, asOf, [pgArray(villages)]), period.label],
      'run',
    );
    await refreshAssessmentTown(tx, { label: period.label, from: period.from, to: period.to, asOf, now }, town, villages);
  });
}

function plainFigures(all: Map<string, Map<string, number>>): RawFigures {
  return Object.fromEntries([...all.entries()].map(([f, keys]) => [f, Object.fromEntries(keys)]));
}

/**
 * Towns, counties, the city and the province summed from the village rows (one statement, a few hundred rows), so a
 * report reads its own row and one row per child instead of expanding every village's figures: a city report then
 * costs the same at a million elders as at a thousand. Replaced as a whole in one transaction.
 */
async function sumAncestors(em: EntityManager, periodLabel: string, asOf: string, now: Date): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute(`delete from report_rollup where period = ? and length(region_code) < 12`, [periodLabel], 'run');
    await tx.execute(
      `insert into report_rollup (period, region_code, as_of, figures, refreshed_at)
       select ?, code, ?, jsonb_object_agg(figure, keys), ?
         from (select code, figure, jsonb_object_agg(key, n) as keys
                 from (select left(r.region_code, l.len) as code, f.key as figure, k.key, sum(k.value::bigint) as n
                         from report_rollup r
                         cross join (values (2), (4), (6), (9)) as l(len)
                         cross join lateral jsonb_each(r.figures) f
                         cross join lateral jsonb_each_text(f.value) k
                        where r.period = ? and length(r.region_code) = 12
                        group by 1, 2, 3) sums
                group by code, figure) per_figure
        group by code`,
      [periodLabel, asOf, now, periodLabel],
      'run',
    );
    await sumAssessmentAncestors(tx, periodLabel, asOf, now);
  });
}

/**
 * The heavy figures of a region and its children summed from the village rollups, with the day they were judged on
 * and the time they were computed, or null when they may not answer (see `usable`: a period never rolled up, an
 * older period not judged on `asOf`, a village's stale rows). A report never waits for a city-wide recomputation:
 * while the new day's refresh runs, a region above a village answers from the last one, and says so.
 */
export async function readRollups(
  em: EntityManager,
  periodLabel: string,
  asOf: string,
  prefix: string,
  childLength: number,
  now: Date,
): Promise<{ figures: Map<string, RawFigures>; asOf: string; refreshedAt: Date } | null> {
  const [state] = await em.execute<{ as_of: string; refreshed_at: Date | string }[]>(
    `select to_char(as_of, 'YYYY-MM-DD') as as_of, refreshed_at from report_rollup_state where period = ?`,
    [periodLabel],
  );
  if (!state || !usable(state, periodLabel, asOf, prefix, now)) return null;
  const refreshedAt = new Date(state.refreshed_at);
  // The region's own row (ALL) and its children's rows, already summed by the refresh (sumAncestors).
  const rows = await em.execute<{ child: string; figure: string; key: string; n: string }[]>(
    `select case when r.region_code = ? then 'ALL' else r.region_code end as child, f.key as figure, k.key, k.value as n
       from report_rollup r cross join lateral jsonb_each(r.figures) f cross join lateral jsonb_each_text(f.value) k
      where r.period = ? and (r.region_code = ?${childLength ? ` or (${inSubtree('r.region_code')} and length(r.region_code) = ${childLength})` : ''})`,
    childLength ? [prefix, periodLabel, prefix, prefix] : [prefix, periodLabel, prefix],
  );
  const out = new Map<string, RawFigures>();
  for (const r of rows) {
    const figures = out.get(r.child) ?? {};
    (figures[r.figure] ??= {})[r.key] = Number(r.n);
    out.set(r.child, figures);
  }
  return { figures: out, asOf: state.as_of, refreshedAt };
}

/**
 * Whether rollups of `periodLabel` in this state answer a question about region `prefix` judged on `asOf`:
 * - judged on `asOf`: always;
 * - a running period (this month or last, rolledPeriods) judged on an earlier day, for a region above a village:
 *   yes, stale and marked (the answer's asOf and computedAt are the rollups'), because computing a city or a town
 *   live takes a minute at a million elders, longer than anyone waits on a page, and the new day's full refresh is
 *   on its way (issue 17). A village is small: it is computed live, exact for today;
 * - otherwise (an older period, a village): in the half hour after midnight, the day before (a full refresh is
 *   running), else not: live.
 * A period never rolled up has no state and is computed live until its first refresh (the job does that first).
 */
function usable(state: { as_of: string; refreshed_at: Date | string }, periodLabel: string, asOf: string, prefix: string, now: Date): boolean {
  if (state.as_of === asOf) return true;
  if (state.as_of < asOf && prefix.length < VILLAGE_LENGTH && rolledPeriods(now).includes(periodLabel)) return true;
  const refreshedAt = new Date(state.refreshed_at);
  return state.as_of < asOf && now.getTime() - refreshedAt.getTime() < ROLLUP_DAY_GRACE_MS + 86_400_000 && state.as_of === previousDay(asOf);
}

/** The rollups' day and refresh time when a report of region `prefix` for this period judged on `asOf` answers from them, else null. */
export async function usableRollupState(
  em: EntityManager,
  periodLabel: string,
  asOf: string,
  prefix: string,
  now: Date,
): Promise<{ asOf: string; refreshedAt: Date } | null> {
  const [state] = await em.execute<{ as_of: string; refreshed_at: Date | string }[]>(
    `select to_char(as_of, 'YYYY-MM-DD') as as_of, refreshed_at from report_rollup_state where period = ?`,
    [periodLabel],
  );
  return state && usable(state, periodLabel, asOf, prefix, now) ? { asOf: state.as_of, refreshedAt: new Date(state.refreshed_at) } : null;
}

/**
 * The running periods in the order the background job refreshes them: a period never rolled up first (until its
 * first refresh every city or town question about it is computed live: the first minutes of a new month, a first
 * deploy), then the others. One statement.
 */
export async function rolledPeriodsInOrder(em: EntityManager, now: Date): Promise<{ unrolled: string[]; rolled: string[] }> {
  const periods = rolledPeriods(now);
  const rows = await em.execute<{ period: string }[]>(`select period from report_rollup_state where period = any(?::text[])`, [pgArray(periods)]);
  const known = new Set(rows.map((r) => r.period));
  return { unrolled: periods.filter((p) => !known.has(p)), rolled: periods.filter((p) => known.has(p)) };
}

function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The refresher runs outside any request: a context with no actor (it reads everything, writes only rollups). */
function contextFor(em: EntityManager, now: Date): RequestContext {
  return {
    em,
    actor: null,
    meta: { requestId: 'rollup-refresh', ip: null, lang: 'zh', token: null },
    now: () => now,
    loaders: new Loaders(),
    sessionHours: 0,
  };
}

/** The periods a running system keeps rolled up: this month and last month (late visits still arrive for it). */
export function rolledPeriods(now: Date): string[] {
  const today = chinaDate(now);
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const last = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  return [today.slice(0, 7), last];
}
