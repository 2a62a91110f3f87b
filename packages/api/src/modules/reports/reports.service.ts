import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '@tanfang/schema';
import { badInput, conflict } from '../../graphql/errors.js';
import { pgArray, toDate } from '../../shared/sql.js';
import type { Actor } from '../auth/actor.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { buildWorkbook } from './reports.xlsx.js';
import { readRollups } from './reports.rollup.js';
import { protectTable, SUPPRESS_BELOW, TOTAL, type Withholding } from './reports.suppression.js';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { LEVEL_CODE_LENGTH, Region } from '../regions/region.entity.js';
import { RegionService } from '../regions/region.service.js';
import { complianceSql } from '../standards/compliance.sql.js';
import type { CountByType, ReportAmendmentType, ReportFiguresType, ReportType } from './reports.types.js';
import { VISITED_IN_PERIOD } from '../visits/visits.queries.js';

/** Heavy figures (elders, visits, rates, alerts) are what rollups keep; light ones (visitors, teams, candidates) are always live. */
export type FigureParts = 'all' | 'heavy' | 'light';

/** Code length of each region level: a child of a level-n region has the next length. */
/** Code lengths per level (the regions module's). */
const CODE_LENGTH: readonly number[] = LEVEL_CODE_LENGTH;

// The one period parser lives in shared/period.ts (labels and PeriodInput alike); re-exported for the report's users.
export { parsePeriod, periodOfInput, type Period } from '../../shared/period.js';
import { parsePeriod, type Period } from '../../shared/period.js';
import { periodOfArgs, type PeriodChoice } from '../../graphql/period.js';

type Row = { child: string | null; key: string | null; n: string };


/**
 * The visit rate's rule, one row per elder of `scope` (a condition on alias `e`): `per_elder(elder_id, region_code,
 * ok, late)`. The denominator is every row; the numerator the rows with `ok` (every requirement judged in the period
 * met, or its window still open at the period's end, and none overdue); the overdue figure the rows with `late`.
 * One rule for the report's figures and for the elder list that drills into them (elders/elder.drill.ts), so a
 * list's length is the figure it was opened from. Parameters: `perElderRateParams`.
 */
export function perElderRateSql(scope: string): string {
  return `${complianceSql(scope, { judgeFrom: true })},
       per_elder as (
         select elder_id, min(region_code) as region_code,
                bool_and(not overdue and (met or w_end > ?::date)) as ok, bool_or(overdue) as late
           from compliance group by elder_id
       )`;
}

/** The parameters of `perElderRateSql`: the day judged, the period's first day, the scope's, the period's last day. */
export function perElderRateParams(period: Period, asOf: string, scopeParams: unknown[]): unknown[] {
  return [asOf, period.from, ...scopeParams, period.to];
}

/** The day a period's figures are judged on: its last day once it has ended, else today. */
export function asOfPeriod(period: Period, day: string): string {
  return period.to < day ? period.to : day;
}
type Rolled = Awaited<ReturnType<typeof readRollups>>;

/**
 * The statistics table (情况统计表) of a region and its children for a period, computed live and set-based: every
 * figure is one statement grouped by child region with a grand total (GROUPING SETS), so a report costs the same
 * number of statements for a village as for a city. Integrators get the same figures with counts of 1 to 4 withheld.
 */
export class ReportsService {
  constructor(private readonly ctx: RequestContext) {}

  async report(regionCode: string | null | undefined, periodRaw: string | PeriodChoice): Promise<ReportType> {
    const actor = requireScope(this.ctx, Scope.ReportRead);
    const { region, period, asOf } = await this.scope(actor, regionCode, periodRaw);
    const childLength = CODE_LENGTH[region.level + 1] ?? 0;
    const suppress = actor.role === 'INTEGRATOR';
    const children = childLength ? await this.ctx.em.find(Region, { parentCode: region.code }, { orderBy: { code: 'asc' } }) : [];
    const close = await this.closeCovering(region.code, period.label);
    let raw: Map<string, RawFigures>;
    let rolled: Awaited<ReturnType<typeof readRollups>> = null;
    let withholding: Withholding | null = null;
    if (suppress) {
      // Integrators: the figures of the whole table, so that the complements withheld are the same in every answer
      // (this region's, its parent's, the spreadsheet's) and no two answers together undo them.
      ({ raw, rolled } = await this.table(region.code, period, asOf, close));
      withholding = protectTable(raw);
    } else if (close) {
      // A closed period answers from its frozen figures: later changes to the registry do not rewrite it.
      const rows = await this.ctx.em.execute<{ region_code: string; figures: RawFigures | string }[]>(
        `select region_code, figures from report_snapshot where close_id = ? and version = ? and (region_code = ? or region_code = any(?::text[]))`,
        [close.id, close.version, region.code, pgArray(children.map((c) => c.code))],
      );
      raw = new Map(rows.map((r) => [r.region_code, typeof r.figures === 'string' ? (JSON.parse(r.figures) as RawFigures) : r.figures]));
    } else if ((rolled = await readRollups(this.ctx.em, period.label, asOf, region.code, childLength, this.ctx.now()))) {
      // Village rollups for the heavy figures, live for the light ones (visitors, teams, candidates).
      const lightFigures = await this.figures(region.code, childLength, period, asOf, 'light');
      raw = new Map();
      for (const code of [region.code, ...children.map((c) => c.code)]) {
        const heavyPart = rolled.figures.get(code === region.code ? 'ALL' : code) ?? {};
        const lightPart = plain(lightFigures.get(code === region.code ? 'ALL' : code) ?? new Map());
        raw.set(code, mergeRaw(heavyPart, lightPart));
      }
    } else {
      // Children are keyed by a code of the child level only: a town-level visitor's row (code shorter than a
      // village's) belongs to the town's total, not to a child, and must not be mistaken for the total itself.
      const live = await this.figures(region.code, childLength, period, asOf);
      raw = new Map(
        [...live.entries()]
          .filter(([code]) => code === 'ALL' || code.length === childLength)
          .map(([code, f]) => [code === 'ALL' ? region.code : code, plain(f)]),
      );
    }
    // Amendments carry raw figures, staff names and free text: integrators get the versions with small counts
    // withheld and no names or reasons.
    const amendments = close ? await this.amendments(close.id) : [];
    if (close && suppress) {
      // Each version of a closed period is a table of its own: its amendment shows the closed region's row with the
      // pattern of that version's whole table (the one integrators saw while it was current).
      const patterns = await this.versionPatterns(close.id, close.version, withholding!);
      for (const a of amendments) {
        a.reason = '（已隐去）';
        a.amendedBy = '';
        a.before = withhold(a.before, patterns.get(a.version - 1), close.region_code);
        a.after = withhold(a.after, patterns.get(a.version), close.region_code);
      }
    }
    return {
      region,
      period: period.label,
      from: period.from,
      to: period.to,
      asOf: rolled?.asOf ?? asOf,
      computedAt: close ? toDate(close.closed_at) : rolled ? rolled.refreshedAt : this.ctx.now(),
      suppressed: suppress,
      closed: !!close,
      closedAt: close ? toDate(close.closed_at) : null,
      version: close?.version ?? null,
      amendments,
      figures: shape(raw.get(region.code) ?? {}, withholding, region.code),
      children: children.map((c) => ({ region: c, figures: shape(raw.get(c.code) ?? {}, withholding, c.code) })),
    };
  }

  /** The region and period of a call, checked after the caller's scope (a period's shape is no business of someone without it). */
  private async scope(actor: Actor, regionCode: string | null | undefined, periodRaw: string | PeriodChoice) {
    const period = typeof periodRaw === 'string' ? parsePeriod(periodRaw) : periodOfArgs(periodRaw.label, periodRaw.input);
    const day = today(this.ctx);
    if (period.from > day) throw badInput('该时段尚未开始', 'The period has not started yet', 'period');
    const asOf = asOfPeriod(period, day);
    const regions = new RegionService(this.ctx);
    const region = regionCode ? await regions.requireRegionInJurisdiction(actor, regionCode) : await regions.get(actor.regionCode);
    return { region, period, asOf, day };
  }

  /**
   * Every region's figures of the table a report belongs to: a closed period's frozen version (the whole subtree of
   * the close), else the live figures of the whole region tree above and below the region.
   */
  private async table(
    code: string,
    period: Period,
    asOf: string,
    close: { id: string; version: number } | null,
  ): Promise<{ raw: Map<string, RawFigures>; rolled: Rolled }> {
    if (close) return { raw: await this.snapshot(close.id, close.version), rolled: null };
    const [root] = await this.ctx.em.execute<{ code: string; level: number }[]>(
      `select code, level from region where starts_with(?, code) order by length(code) limit 1`,
      [code],
    );
    return this.tree(root ?? { code, level: 1 }, period, asOf);
  }

  /**
   * The same figures as `allLevels`, cheaper: the heavy figures (elders, visits, rates, alerts) all hang on an
   * elder, and elders live in villages, so they are computed once per village and summed up the tree (as the rollups
   * do); the light ones (visitors, teams, candidates) may sit on a town or above and are read per level.
   */
  private async tree(region: { code: string; level: number }, period: Period, asOf: string): Promise<{ raw: Map<string, RawFigures>; rolled: Rolled }> {
    const out = new Map<string, RawFigures>();
    // The heavy figures of every village from the background rollups while they are fresh (as the staff's report
    // reads them), else live: a whole city's table is never computed live on a request when it can be read.
    const rolled = await readRollups(this.ctx.em, period.label, asOf, region.code, CODE_LENGTH[5]!, this.ctx.now());
    const villages: [string, RawFigures][] = rolled
      ? [...rolled.figures.entries()].filter(([code]) => code !== 'ALL')
      : [...(await this.figures(region.code, CODE_LENGTH[5]!, period, asOf, 'heavy')).entries()].map(([code, f]) => [code, plain(f)]);
    for (const [code, f] of villages) {
      if (code.length !== CODE_LENGTH[5]) continue;
      for (const length of [...CODE_LENGTH.slice(region.level, 5), CODE_LENGTH[5]!]) {
        const target = out.get(code.slice(0, length)) ?? {};
        for (const [figure, keys] of Object.entries(f)) {
          const into = (target[figure] ??= {});
          for (const [key, n] of Object.entries(keys)) into[key] = (into[key] ?? 0) + n;
        }
        out.set(code.slice(0, length), target);
      }
    }
    for (let level = region.level; level <= 5; level++) {
      const light = await this.figures(region.code, level === region.level ? 0 : CODE_LENGTH[level]!, period, asOf, 'light');
      for (const [code, f] of light) {
        const at = level === region.level && code === 'ALL' ? region.code : code;
        if (at.length !== CODE_LENGTH[level]) continue;
        out.set(at, mergeRaw(out.get(at) ?? {}, plain(f)));
      }
    }
    return { raw: out, rolled };
  }

  private async snapshot(closeId: string, version: number): Promise<Map<string, RawFigures>> {
    const rows = await this.ctx.em.execute<{ region_code: string; figures: RawFigures | string }[]>(
      `select region_code, figures from report_snapshot where close_id = ? and version = ?`,
      [closeId, version],
    );
    return new Map(rows.map((r) => [r.region_code, typeof r.figures === 'string' ? (JSON.parse(r.figures) as RawFigures) : r.figures]));
  }

  /** The suppression pattern of every version of a closed period. */
  private async versionPatterns(closeId: string, current: number, currentPattern: Withholding): Promise<Map<number, Withholding>> {
    const rows = await this.ctx.em.execute<{ version: number }[]>(`select distinct version from report_snapshot where close_id = ? and version < ?`, [closeId, current]);
    const out = new Map<number, Withholding>([[current, currentPattern]]);
    for (const r of rows) out.set(r.version, protectTable(await this.snapshot(closeId, r.version)));
    return out;
  }

  /** The close of this period at the region or the nearest region above it. */
  private async closeCovering(code: string, period: string) {
    const [close] = await this.ctx.em.execute<{ id: string; region_code: string; version: number; closed_at: Date | string }[]>(
      `select id, region_code, version, closed_at from report_close where starts_with(?, region_code) and period = ?
        order by length(region_code) desc limit 1`,
      [code, period],
    );
    return close ?? null;
  }

  private async amendments(closeId: string): Promise<ReportAmendmentType[]> {
    const rows = await this.ctx.em.execute<{ version: number; reason: string; username: string | null; amended_at: Date | string; before: unknown; after: unknown }[]>(
      `select a.version, a.reason, u.username, a.amended_at, a.before, a.after
         from report_amendment a left join app_user u on u.id = a.amended_by where a.close_id = ? order by a.version`,
      [closeId],
    );
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    return rows.map((r) => ({ version: r.version, reason: r.reason, amendedBy: r.username ?? '', amendedAt: toDate(r.amended_at), before: parse(r.before), after: parse(r.after) }));
  }

  /**
   * Close a period that has ended: the figures of the region and of every region below it, and the eligibility list
   * (who was in the denominator, who counted in the numerator), are frozen as version 1.
   */
  async close(regionCode: string, periodRaw: string | PeriodChoice): Promise<ReportType> {
    const actor = requireScope(this.ctx, Scope.ReportClose);
    const { region, period, day } = await this.scope(actor, regionCode, periodRaw);
    if (period.to >= day) throw badInput('时段尚未结束，不能关账', 'The period has not ended yet: it cannot be closed', 'period');
    const existing = await this.closeCovering(region.code, period.label);
    if (existing) {
      throw conflict(`该时段已由 ${existing.region_code} 关账；更正请使用修订`, `This period is already closed (at ${existing.region_code}): amend it instead`, { closedAt: existing.region_code });
    }
    await this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into report_close (region_code, period, period_from, period_to, closed_at, closed_by) values (?, ?, ?, ?, ?, ?) returning id`,
        [region.code, period.label, period.from, period.to, this.ctx.now(), actor.userId],
      );
      await this.freeze(em, row!.id, 1, region, period);
      await writeAudit(this.ctx, [{ action: AuditAction.ReportClose, regionCode: region.code, detail: { period: period.label, closeId: row!.id } }], em);
    });
    return this.report(region.code, period.label);
  }

  /** Correct a closed period: the figures are recomputed from today's data as a new version, with who, why, before and after. */
  async amend(regionCode: string, periodRaw: string | PeriodChoice, reasonRaw: string): Promise<ReportType> {
    const actor = requireScope(this.ctx, Scope.ReportClose);
    const reason = reasonRaw.trim();
    if (reason.length < 4 || reason.length > 1000) throw badInput('请写明修订原因（4至1000字）', 'Give the reason for the amendment (4-1000 characters)', 'reason');
    const { region, period } = await this.scope(actor, regionCode, periodRaw);
    const [close] = await this.ctx.em.execute<{ id: string; version: number }[]>(
      `select id, version from report_close where region_code = ? and period = ?`,
      [region.code, period.label],
    );
    if (!close) throw badInput('该地区的此时段尚未关账（修订须在关账的地区进行）', 'This period is not closed at this region (amend where it was closed)', 'regionCode');
    await this.ctx.em.transactional(async (em) => {
      const locked = await em.execute<{ version: number }[]>(`select version from report_close where id = ? for update`, [close.id]);
      const version = locked[0]!.version + 1;
      const [before] = await em.execute<{ figures: unknown }[]>(
        `select figures from report_snapshot where close_id = ? and version = ? and region_code = ?`,
        [close.id, version - 1, region.code],
      );
      const after = await this.freeze(em, close.id, version, region, period);
      await em.execute(`update report_close set version = ? where id = ?`, [version, close.id], 'run');
      await em.execute(
        `insert into report_amendment (close_id, version, reason, amended_by, amended_at, before, after) values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)`,
        [close.id, version, reason, actor.userId, this.ctx.now(), JSON.stringify(typeof before?.figures === 'string' ? JSON.parse(before.figures) : before?.figures ?? {}), JSON.stringify(after)],
        'run',
      );
      await writeAudit(this.ctx, [{ action: AuditAction.ReportAmend, regionCode: region.code, detail: { period: period.label, version, reason } }], em);
    });
    return this.report(region.code, period.label);
  }

  /** Computes and stores the figures of the region and every region below it, and the eligibility list. Returns the region's. */
  private async freeze(em: EntityManager, closeId: string, version: number, region: Region, period: Period): Promise<RawFigures> {
    const all = await this.allLevels(region, period, period.to);
    await em.execute(
      `insert into report_snapshot (close_id, version, region_code, figures)
       select ?, ?, s.region_code, s.figures from jsonb_to_recordset(?::jsonb) as s(region_code text, figures jsonb)`,
      [closeId, version, JSON.stringify([...all.entries()].map(([region_code, figures]) => ({ region_code, figures })))],
      'run',
    );
    await em.execute(
      `${complianceSql('starts_with(e.region_code, ?)', { judgeFrom: true })}
       insert into report_eligibility (close_id, version, elder_id, region_code, counted)
       select ?, ?, elder_id, min(region_code), bool_and(not overdue and (met or w_end > ?::date)) from compliance group by elder_id`,
      [period.to, period.from, region.code, closeId, version, period.to],
      'run',
    );
    return all.get(region.code) ?? {};
  }

  /** Figures of a region and of every region at every level below it: one `figures` pass per level. */
  async allLevels(region: { code: string; level: number }, period: Period, asOf: string): Promise<Map<string, RawFigures>> {
    const out = new Map<string, RawFigures>();
    for (let level = region.level; level <= 5; level++) {
      const figures = await this.figures(region.code, level === region.level ? 0 : CODE_LENGTH[level]!, period, asOf);
      for (const [code, f] of figures) {
        if (level === region.level && code === 'ALL') out.set(region.code, plain(f));
        else if (level > region.level && code.length === CODE_LENGTH[level]) out.set(code, plain(f));
      }
    }
    return out;
  }

  /** The official statistics table as a workbook: Chinese headers, one sheet per level from the region down to villages. */
  async workbook(regionCode: string, periodRaw: string): Promise<Buffer> {
    const actor = requireScope(this.ctx, Scope.ReportRead);
    const { region, period, asOf } = await this.scope(actor, regionCode, periodRaw);
    const close = await this.closeCovering(region.code, period.label);
    let all: Map<string, RawFigures>;
    let withholding: Withholding | null = null;
    if (actor.role === 'INTEGRATOR') {
      // The same table and pattern as the API's answers for integrators, so the sheet and the API withhold alike.
      const { raw: table } = await this.table(region.code, period, asOf, close);
      withholding = protectTable(table);
      all = new Map([...table.entries()].filter(([code]) => code.startsWith(region.code)));
    } else if (close) {
      const rows = await this.ctx.em.execute<{ region_code: string; figures: RawFigures | string }[]>(
        `select region_code, figures from report_snapshot where close_id = ? and version = ? and starts_with(region_code, ?)`,
        [close.id, close.version, region.code],
      );
      all = new Map(rows.map((r) => [r.region_code, typeof r.figures === 'string' ? (JSON.parse(r.figures) as RawFigures) : r.figures]));
    } else {
      all = await this.allLevels(region, period, asOf);
    }
    const names = new Map(
      (await this.ctx.em.execute<{ code: string; name: string; level: number }[]>(
        `select code, name, level from region where starts_with(code, ?) order by code`,
        [region.code],
      )).map((r) => [r.code, r]),
    );
    return buildWorkbook({
      title: `${region.fullName}特殊困难老年人探访关爱服务情况统计表`,
      period, asOf, closed: close ? `已关账（第 ${close.version} 版）` : '未关账（实时数据）',
      withholding,
      levels: [...new Set([...all.keys()].map((c) => names.get(c)?.level ?? 0))].filter(Boolean).sort(),
      rows: [...all.entries()].map(([code, figures]) => ({ code, name: names.get(code)?.name ?? code, level: names.get(code)?.level ?? 0, figures })),
    });
  }

  /** Raw figures: child code (or 'ALL', or 'UNPLACED' for candidates without a village) → figure → key → count. Ten statements. */
  async figures(prefix: string, childLength: number, period: Period, asOf: string, parts: FigureParts = 'all'): Promise<Map<string, Map<string, Map<string, number>>>> {
    const heavy = parts !== 'light';
    const light = parts !== 'heavy';
    const em = this.ctx.em;
    const child = (col: string) => (childLength ? `left(${col}, ${childLength})` : `'ALL'`);
    const out = new Map<string, Map<string, Map<string, number>>>();
    const put = (figure: string, rows: Row[]) => {
      for (const r of rows) {
        const c = r.child ?? 'ALL';
        if (!out.has(c)) out.set(c, new Map());
        const f = out.get(c)!;
        if (!f.has(figure)) f.set(figure, new Map());
        f.get(figure)!.set(r.key ?? '', Number(r.n));
      }
    };
    // Every figure: rows (child, key) from an inner select, counted per child and in total (GROUPING SETS).
    const grouped = (inner: string, params: unknown[]) =>
      em.execute<Row[]>(
        `select case when grouping(x.child) = 1 then 'ALL' else coalesce(x.child, 'UNPLACED') end as child, x.key, count(*) as n
           from (${inner}) x group by grouping sets ((x.child, x.key), (x.key))`,
        params,
      );
    // The same for inner rows already counted (child, key, n): summed per child and in total.
    const summed = (inner: string, params: unknown[]) =>
      em.execute<Row[]>(
        `select case when grouping(x.child) = 1 then 'ALL' else x.child end as child, x.key, sum(x.n) as n
           from (${inner}) x group by grouping sets ((x.child, x.key), (x.key))`,
        params,
      );
    const inRegistry = `starts_with(e.region_code, ?) and (e.registered_at at time zone 'Asia/Shanghai')::date <= ?::date and (e.status = 'ACTIVE' or e.status_date > ?::date)`;

    if (heavy) {
    put('eldersByClass', await grouped(
      `select ${child('e.region_code')} as child, elder_class_on(e.id, e.computed_class, e.class_at_80, e.turns_80_on, ?::date)::text as key
         from elder e where ${inRegistry}`,
      [asOf, prefix, asOf, asOf],
    ));
    put('eldersByCircumstance', await grouped(
      `select ${child('e.region_code')} as child, c as key
         from elder e cross join lateral unnest(e.circumstances
              || case when e.birth_date <= (?::date - interval '80 years')::date then '{AGED_80_PLUS}'::text[] else '{}' end
              || case when e.disability_grade <= 2 then '{SEVERELY_DISABLED}'::text[] else '{}' end) as c
        where ${inRegistry}`,
      [asOf, prefix, asOf, asOf],
    ));
    put('eldersWithContact', await grouped(
      `select ${child('e.region_code')} as child, 'n' as key from elder e
        where ${inRegistry} and exists (select 1 from assignment a where a.elder_id = e.id and a.role = 'PRIMARY'
              and a.starts_at < (?::date + 1)::timestamp at time zone 'Asia/Shanghai'
              and (a.ends_at is null or a.ends_at >= (?::date + 1)::timestamp at time zone 'Asia/Shanghai'))`,
      [prefix, asOf, asOf, asOf, asOf],
    ));
    put('visitsByMethod', await grouped(
      `select ${child('e.region_code')} as child, v.method as key
         from visit v join elder e on e.id = v.elder_id
        where starts_with(e.region_code, ?) and v.visited_on between ?::date and ?::date and ${VISITED_IN_PERIOD}`,
      [prefix, period.from, period.to, period.from, period.to],
    ));
    // Visit rate and overdue: the same derived compliance as visitRate/overdueElders, one row per elder and figure.
    put('rate', await em.execute<Row[]>(
      `${perElderRateSql('starts_with(e.region_code, ?)')},
       x as (
         select ${child('region_code')} as child, k.key
           from per_elder cross join (values ('numerator'), ('denominator'), ('overdue')) as k(key)
          where case k.key when 'numerator' then ok when 'overdue' then late else true end
       )
       select case when grouping(x.child) = 1 then 'ALL' else x.child end as child, x.key, count(*) as n
         from x group by grouping sets ((x.child, x.key), (x.key))`,
      perElderRateParams(period, asOf, [prefix]),
    ));
    // Proof of visit (issue 14): visits of the period with a kept GPS location, with both signatures (or the elder's
    // reason for not signing), and flagged for the town's check, in total and per flag. One row per visit and key.
    put('visitProof', await grouped(
      `select ${child('e.region_code')} as child, k.key
         from visit v join elder e on e.id = v.elder_id
         cross join lateral (
           select 'withLocation' where v.latitude is not null
           union all
           select 'signed' where v.visitor_signed and (v.elder_signed
             or exists (select 1 from visit_proof p where p.visit_id = v.id and p.elder_unable_reason is not null))
           union all
           select 'flagged' where v.flags <> '{}'
           union all
           select f from unnest(v.flags) as f) k(key)
        where starts_with(e.region_code, ?) and v.visited_on between ?::date and ?::date and ${VISITED_IN_PERIOD}`,
      [prefix, period.from, period.to, period.from, period.to],
    ));
    put('alertsOpenedByKind', await grouped(
      `select ${child('e.region_code')} as child, coalesce(a.rule_code, 'MANUAL') as key
         from alert a join elder e on e.id = a.elder_id
        where starts_with(e.region_code, ?) and (a.raised_at at time zone 'Asia/Shanghai')::date between ?::date and ?::date`,
      [prefix, period.from, period.to],
    ));
    put('alertsOpenedByAgency', await grouped(
      `select ${child('e.region_code')} as child, coalesce(a.referred_to, 'NONE') as key
         from alert a join elder e on e.id = a.elder_id
        where starts_with(e.region_code, ?) and (a.raised_at at time zone 'Asia/Shanghai')::date between ?::date and ?::date`,
      [prefix, period.from, period.to],
    ));
    }
    if (heavy) {
      put('misc', await grouped(
        `select ${child('e.region_code')} as child, 'alertsResolved' as key from alert a join elder e on e.id = a.elder_id
          where starts_with(e.region_code, ?) and (a.resolved_at at time zone 'Asia/Shanghai')::date between ?::date and ?::date
         union all
         select ${child('e.region_code')}, 'refusals' from elder e
          where ${inRegistry}
            and exists (select 1 from elder_refusal r where r.elder_id = e.id and r.refused_on <= ?::date and (r.withdrawn_on is null or r.withdrawn_on > ?::date))`,
        [prefix, period.from, period.to, prefix, asOf, asOf, asOf, asOf],
      ));
    }
    if (light) {
    // Calendar days are compared as instants (the day's bounds in Beijing, computed once per statement), not by
    // converting every row's timestamp to a date.
    // Today's visitors are those marked active (nobody joins later than today or leaves on a later day): read from
    // the per-place counts the visitor table's triggers keep, not from the 13,480 visitors of a city at a million
    // elders (most of the report's cost). A past day's are counted from the visitors, per place and kind first.
    const current = asOf === today(this.ctx);
    put('visitorsByKind', await (current
      ? summed(
        `select ${child('c.region_code')} as child, c.kind as key, c.n from visitor_region_count c
          where starts_with(c.region_code, ?) and c.active and c.n > 0`,
        [prefix],
      )
      : summed(
        `select ${child('v.region_code')} as child, v.kind as key, count(*) as n from visitor v
          where starts_with(v.region_code, ?) and v.created_at < ${dayEnd('?')} and (v.left_on is null or v.left_on > ?::date)
          group by v.region_code, v.kind`,
        [prefix, asOf, asOf],
      )));
    put('teamsByKind', await grouped(
      `select ${child('t.region_code')} as child, t.kind as key from team t
        where starts_with(t.region_code, ?) and t.created_at < ${dayEnd('?')}`,
      [prefix, asOf],
    ));
      const candidateChild = childLength ? `case when length(c.region_code) >= ${childLength} then left(c.region_code, ${childLength}) end` : `'ALL'`;
      put('misc', await grouped(
        `select ${candidateChild} as child, 'candidatesFound' as key from candidate c
          where starts_with(c.region_code, ?) and c.first_seen_at >= ${dayStart('?')} and c.first_seen_at < ${dayEnd('?')}
         union all
         select ${candidateChild}, 'candidatesEnrolled' from candidate c
          where starts_with(c.region_code, ?) and c.status = 'ENROLLED' and c.decided_at >= ${dayStart('?')} and c.decided_at < ${dayEnd('?')}`,
        [prefix, period.from, period.to, prefix, period.from, period.to],
      ));
    }
    return out;
  }
}

/** The first instant of a Beijing calendar day given as a SQL date expression (a parameter marker or a literal). */
const dayStart = (date: string) => `(${date}::date)::timestamp at time zone 'Asia/Shanghai'`;
/** The first instant after that day: `at < dayEnd(d)` is `(at in Beijing)::date <= d`. */
const dayEnd = (date: string) => `(${date}::date + 1)::timestamp at time zone 'Asia/Shanghai'`;

/** Keys of the visitProof figure that are totals; the others are flags (visitsByFlag). */
const PROOF_TOTAL_KEYS = new Set(['withLocation', 'signed', 'flagged']);

/** Raw figures of one region as stored in a snapshot: figure → key → count. */
export type RawFigures = Record<string, Record<string, number>>;

function mergeRaw(a: RawFigures, b: RawFigures): RawFigures {
  const out: RawFigures = { ...a };
  for (const [figure, keys] of Object.entries(b)) out[figure] = { ...(out[figure] ?? {}), ...keys };
  return out;
}

function plain(f: Map<string, Map<string, number>>): RawFigures {
  return Object.fromEntries([...f.entries()].map(([figure, keys]) => [figure, Object.fromEntries(keys)]));
}

/** Raw figures of the region `code` with the cells its table's pattern withholds replaced by null (integrators). */
function withhold(raw: unknown, pattern: Withholding | undefined, code: string): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const hide = (figure: string, key: string, v: number) => (pattern ? pattern.withheld(code, figure, key) : v > 0 && v < SUPPRESS_BELOW);
  return Object.fromEntries(
    Object.entries(raw as RawFigures).map(([figure, keys]) => [
      figure,
      Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, hide(figure, k, v) ? null : v])),
    ]),
  );
}

/** Figures for the API; for integrators (a withholding pattern) the withheld cells are null. */
export function shape(f: RawFigures, withholding: Withholding | null, code: string): ReportFiguresType {
  const hidden = (figure: string, key: string) => withholding?.withheld(code, figure, key) ?? false;
  const n = (v: number | undefined, figure: string, key: string): number | null => (hidden(figure, key) ? null : v ?? 0);
  const list = (figure: string): CountByType[] =>
    Object.entries(f[figure] ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => ({ key, count: n(count, figure, key) }));
  const sum = (figure: string) => Object.values(f[figure] ?? {}).reduce((a, b) => a + b, 0);
  const one = (figure: string, key: string) => f[figure]?.[key];
  const numerator = one('rate', 'numerator') ?? 0;
  const denominator = one('rate', 'denominator') ?? 0;
  const shownNumerator = n(numerator, 'rate', 'numerator');
  const shownDenominator = n(denominator, 'rate', 'denominator');
  return {
    elders: n(sum('eldersByClass'), TOTAL, 'elders'),
    eldersByClass: list('eldersByClass'),
    eldersByCircumstance: list('eldersByCircumstance'),
    eldersWithContact: n(one('eldersWithContact', 'n'), 'eldersWithContact', 'n'),
    visitorsByKind: list('visitorsByKind'),
    teamsByKind: list('teamsByKind'),
    visits: n(sum('visitsByMethod'), TOTAL, 'visits'),
    visitsByMethod: list('visitsByMethod'),
    visitRate: {
      numerator: shownNumerator,
      denominator: shownDenominator,
      rate: denominator === 0 || shownNumerator === null || shownDenominator === null ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
    },
    overdueElders: n(one('rate', 'overdue'), 'rate', 'overdue'),
    visitsWithLocation: n(one('visitProof', 'withLocation'), 'visitProof', 'withLocation'),
    visitsSigned: n(one('visitProof', 'signed'), 'visitProof', 'signed'),
    visitsFlagged: n(one('visitProof', 'flagged'), 'visitProof', 'flagged'),
    visitsByFlag: list('visitProof').filter((c) => !PROOF_TOTAL_KEYS.has(c.key)),
    alertsOpenedByKind: list('alertsOpenedByKind'),
    alertsOpenedByAgency: list('alertsOpenedByAgency'),
    alertsResolved: n(one('misc', 'alertsResolved'), 'misc', 'alertsResolved'),
    refusals: n(one('misc', 'refusals'), 'misc', 'refusals'),
    candidatesFound: n(one('misc', 'candidatesFound'), 'misc', 'candidatesFound'),
    candidatesEnrolled: n(one('misc', 'candidatesEnrolled'), 'misc', 'candidatesEnrolled'),
  };
}
