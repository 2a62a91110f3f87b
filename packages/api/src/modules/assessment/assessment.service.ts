import { Scope } from '@tanfang/schema';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, FieldErrors } from '../../graphql/errors.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { PeriodKind, type PeriodInput } from '../compliance/compliance.types.js';
import { LEVEL_CODE_LENGTH, Region } from '../regions/region.entity.js';
import { RegionService } from '../regions/region.service.js';
import { usableRollupState } from '../reports/reports.rollup.js';
import { parsePeriod } from '../reports/reports.service.js';
import { SUPPRESS_BELOW } from '../reports/reports.suppression.js';
import { ElderClassEnum } from '../standards/standards.enums.js';
import { DEFAULT_DUE_DAY, dueDate, SUBMITTING_LEVELS, submissionPeriod } from '../reports/reports.submission.js';
import { pgArray } from '../../shared/sql.js';
import { verificationRates } from '../visits/spot-checks.queries.js';
import { liveAssessmentFigures, readAssessmentRollup } from './assessment.figures.js';
import { buildAssessmentWorkbook } from './assessment.xlsx.js';
import {
  ASSESSMENT_WEIGHTING,
  ReportTimeliness,
  type AssessmentClassRateType,
  type AssessmentRowType,
  type AssessmentTargetInput,
  type AssessmentTargetType,
  type AssessmentType,
} from './assessment.types.js';

/** Code length of each region level: a child of a level-n region has the next length. */
/** Code lengths per level (the regions module's). */
const CODE_LENGTH: readonly number[] = LEVEL_CODE_LENGTH;
const CLASSES = [ElderClassEnum.A, ElderClassEnum.B, ElderClassEnum.C];
/** Plan 002 (Kaiping): every elder visited to standard every month, whatever the class. */
const DEFAULT_TARGET = 1;
/** The parts of the score and their weights (ASSESSMENT_WEIGHTING says it in words). */
const WEIGHTS = { visits: 0.4, acknowledgement: 0.15, satisfaction: 0.15, reports: 0.15, verification: 0.15 } as const;

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
/** A mean of whole minutes from a sum and its count (rollups keep both, so sums up the tree stay exact). */
const mean = (total: string | null, count: number): number | null => (total === null || count === 0 ? null : Math.round(Number(total) / count));

/** The raw figures of one town, before scoring and withholding. */
interface TownFigures {
  classes: Map<string, { num: number; den: number }>;
  raised: number;
  judged: number;
  onTime: number;
  ackMinutes: number | null;
  referrals: number;
  answered: number;
  responseMinutes: number | null;
  outcomeMinutes: number | null;
  satisfactionN: number;
  satisfactionAvg: number | null;
  report: ReportTimeliness | null;
  reportDueOn: string | null;
  checked: number;
  verificationRate: number | null;
}

const empty = (): TownFigures => ({
  classes: new Map(), raised: 0, judged: 0, onTime: 0, ackMinutes: null, referrals: 0, answered: 0,
  responseMinutes: null, outcomeMinutes: null, satisfactionN: 0, satisfactionAvg: null, report: null, reportDueOn: null,
  checked: 0, verificationRate: null,
});

/**
 * 考核: each town (region one level down) of a region for a period, scored and ranked. The raw figures are one
 * statement whatever the number of towns: for a running month (this or last) the towns' rows of the assessment
 * rollups the background refresh keeps beside the report's, else computed live over the region with the same rule
 * (assessment.figures.ts); 报送 and 抽查 are one statement each over the towns (their rows are few: one per town, the
 * spot-check sample).
 */
export class AssessmentService {
  constructor(private readonly ctx: RequestContext) {}

  async assessment(regionCode: string | null | undefined, period: PeriodInput, targetsIn: AssessmentTargetInput[] | null | undefined): Promise<AssessmentType> {
    const actor = requireScope(this.ctx, Scope.ReportRead);
    const targets = this.targets(targetsIn);
    const regions = new RegionService(this.ctx);
    const region = regionCode ? await regions.requireRegionInJurisdiction(actor, regionCode) : await regions.get(actor.regionCode);
    const { from, to, label } = await this.bounds(period);
    const day = today(this.ctx);
    if (from > day) throw badInput('该时段尚未开始', 'The period has not started yet', 'period');
    const asOf = to < day ? to : day;
    const childLength = CODE_LENGTH[region.level + 1] ?? 0;
    const children = childLength ? await this.ctx.em.find(Region, { parentCode: region.code }, { orderBy: { code: 'asc' } }) : [];
    const { figures, rolled } = childLength
      ? await this.figures(region.code, childLength, { from, to, asOf, label })
      : { figures: new Map<string, TownFigures>(), rolled: null };
    if (SUBMITTING_LEVELS.includes(region.level + 1)) await this.reports(children.map((c) => c.code), period, figures);
    if (childLength) {
      // 抽查回访: the spot checks' own rule (one statement for every child), not a copy of it.
      for (const v of await verificationRates(this.ctx.em, { parent: region.code }, { from, to })) {
        const f = figures.get(v.regionCode) ?? figures.set(v.regionCode, empty()).get(v.regionCode)!;
        Object.assign(f, { checked: v.checked, verificationRate: v.rate });
      }
    }
    const suppress = actor.role === 'INTEGRATOR';

    const rows = children.map((c) => this.row(c, figures.get(c.code) ?? empty(), targets));
    // Competition ranking over the rows with a score (1, 1, 3): computed on the full figures, before withholding.
    const scored = rows.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score!);
    for (const r of scored) r.rank = 1 + scored.filter((o) => o.score! > r.score!).length;
    rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.region.code.localeCompare(b.region.code));
    return {
      // Rolled figures are those of the refresh (the report's asOf and computedAt say the same in the same case).
      region, from, to, asOf: rolled?.asOf ?? asOf, computedAt: rolled?.refreshedAt ?? this.ctx.now(), suppressed: suppress, targets, weighting: ASSESSMENT_WEIGHTING,
      rows: suppress ? rows.map(withhold) : rows,
    };
  }

  /** The assessment as a spreadsheet (the same rows and withholding as the API's answer), audited. */
  async workbook(regionCode: string, period: PeriodInput, targets: AssessmentTargetInput[] | null): Promise<Buffer> {
    const result = await this.assessment(regionCode, period, targets);
    const file = await buildAssessmentWorkbook(result);
    await writeAudit(this.ctx, [{
      action: AuditAction.AssessmentExport,
      regionCode: result.region.code,
      detail: { from: result.from, to: result.to, rows: result.rows.length, suppressed: result.suppressed, targets: result.targets },
    }]);
    return file;
  }

  private targets(input: AssessmentTargetInput[] | null | undefined): AssessmentTargetType[] {
    const errors = new FieldErrors();
    const given = new Map<ElderClassEnum, number>();
    for (const t of input ?? []) {
      if (given.has(t.class)) errors.add('targets', `${t.class}类的目标重复`, `Class ${t.class} is given twice`);
      else if (!(t.rate > 0 && t.rate <= 1)) errors.add('targets', `${t.class}类的目标探访率应大于0且不超过100%`, `The target of class ${t.class} must be above 0 and at most 1`);
      given.set(t.class, t.rate);
    }
    errors.throwIfAny();
    return CLASSES.map((c) => ({ class: c, rate: given.get(c) ?? DEFAULT_TARGET }));
  }

  /** The period's first and last day: a month is the report's; other kinds are the visit standards' calendar windows. */
  private async bounds(period: PeriodInput): Promise<{ from: string; to: string; label: string | null }> {
    if (period.kind === PeriodKind.MONTH) {
      const month = parsePeriod(period.date.slice(0, 7));
      return { from: month.from, to: month.to, label: month.label };
    }
    const [row] = await this.ctx.em.execute<{ from: string; to: string }[]>(
      `select to_char(s, 'YYYY-MM-DD') as "from", to_char(visit_window_end(?, null, s), 'YYYY-MM-DD') as "to"
         from visit_window_start(?, null, ?::date) as s`,
      [period.kind, period.kind, period.date],
    );
    return { from: row!.from, to: row!.to, label: null };
  }

  /**
   * Every town's raw figures, one statement: from the assessment rollups while the report rollups of the month are
   * usable (the background refresh keeps both; figures as of that refresh, as the report's, also while the new day's
   * refresh has not yet run: the answer's asOf and computedAt then say so), else computed live with the same rule. Scoring, targets and withholding are applied to them afterwards, never stored.
   */
  private async figures(
    prefix: string,
    childLength: number,
    p: { from: string; to: string; asOf: string; label: string | null },
  ): Promise<{ figures: Map<string, TownFigures>; rolled: { asOf: string; refreshedAt: Date } | null }> {
    const em = this.ctx.em;
    const now = this.ctx.now();
    let rolled = p.label === null ? null : await usableRollupState(em, p.label, p.asOf, prefix, now);
    let raw = rolled ? await readAssessmentRollup(em, p.label!, prefix, childLength, now) : null;
    if (!raw) {
      rolled = null;
      raw = await liveAssessmentFigures(em, prefix, childLength, { ...p, now });
    }
    const out = new Map<string, TownFigures>();
    for (const [child, r] of raw) {
      out.set(child, {
        ...empty(),
        classes: new Map(r.classes),
        raised: r.raised,
        judged: r.acked + r.lateUnacked,
        onTime: r.onTime,
        ackMinutes: mean(r.ackMinutesSum, r.acked),
        referrals: r.referrals,
        answered: r.answered,
        responseMinutes: mean(r.responseMinutesSum, r.answered),
        outcomeMinutes: mean(r.outcomeMinutesSum, r.outcomes),
        satisfactionN: r.satisfactionN,
        satisfactionAvg: r.satisfactionN === 0 ? null : round(r.satisfactionSum / r.satisfactionN, 2),
      });
    }
    return { figures: out, rolled };
  }

  /**
   * 报送 timeliness of each region's statistics table of the period (months, quarters, years; regions that report
   * upward): its first version against the due day in force for it (report_due_day, inherited down the tree, else the
   * default). One statement for every region.
   */
  private async reports(codes: string[], input: PeriodInput, out: Map<string, TownFigures>): Promise<void> {
    if (codes.length === 0 || ![PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR].includes(input.kind)) return;
    const period = submissionPeriod(input);
    const rows = await this.ctx.em.execute<{ code: string; day: number | null; first_late: boolean | null }[]>(
      `select c.code,
              (select d.day from report_due_day d where starts_with(c.code, d.region_code) and d.kind = ?
                order by length(d.region_code) desc limit 1) as day,
              (select s.submitted_late from report_submission s where s.region_code = c.code and s.period = ?
                order by s.version limit 1) as first_late
         from unnest(?::text[]) as c(code)`,
      [period.kind, period.label, pgArray(codes)],
    );
    const day = today(this.ctx);
    for (const r of rows) {
      const dueOn = dueDate(period, r.day ?? DEFAULT_DUE_DAY[period.kind]);
      const state = r.first_late === null
        ? (day > dueOn ? ReportTimeliness.LATE : ReportTimeliness.NOT_YET_DUE)
        : r.first_late ? ReportTimeliness.LATE : ReportTimeliness.ON_TIME;
      const f = out.get(r.code) ?? out.set(r.code, empty()).get(r.code)!;
      Object.assign(f, { report: state, reportDueOn: dueOn });
    }
  }

  /** One town's row: its figures and score (ASSESSMENT_WEIGHTING). */
  private row(region: Region, f: TownFigures, targets: AssessmentTargetType[]): AssessmentRowType {
    const classRates: AssessmentClassRateType[] = targets.map((t) => {
      const c = f.classes.get(t.class) ?? { num: 0, den: 0 };
      const rate = c.den === 0 ? null : round(c.num / c.den, 4);
      return { class: t.class, target: t.rate, numerator: c.num, denominator: c.den, rate, achievement: rate === null ? null : round(Math.min(1, rate / t.rate), 4) };
    });
    let den = 0;
    let numerator = 0;
    for (const c of f.classes.values()) {
      den += c.den;
      numerator += c.num;
    }
    const parts: { weight: number; value: number }[] = [];
    const achieved = classRates.filter((c) => c.achievement !== null).map((c) => c.achievement!);
    if (achieved.length) parts.push({ weight: WEIGHTS.visits, value: achieved.reduce((a, b) => a + b, 0) / achieved.length });
    if (f.judged > 0) parts.push({ weight: WEIGHTS.acknowledgement, value: f.onTime / f.judged });
    if (f.satisfactionAvg !== null) parts.push({ weight: WEIGHTS.satisfaction, value: (f.satisfactionAvg - 1) / 3 });
    if (f.verificationRate !== null) parts.push({ weight: WEIGHTS.verification, value: f.verificationRate });
    if (f.report === ReportTimeliness.ON_TIME || f.report === ReportTimeliness.LATE) {
      parts.push({ weight: WEIGHTS.reports, value: f.report === ReportTimeliness.ON_TIME ? 1 : 0 });
    }
    const weight = parts.reduce((a, p) => a + p.weight, 0);
    return {
      region,
      eldersToVisit: den,
      visitRate: den === 0 ? null : round(numerator / den, 4),
      classRates,
      alertsRaised: f.raised,
      acknowledgedOnTimeRate: f.judged === 0 ? null : round(f.onTime / f.judged, 4),
      averageAcknowledgeMinutes: f.ackMinutes,
      referrals: f.referrals,
      referralsAnswered: f.answered,
      averageReferralResponseMinutes: f.responseMinutes,
      averageReferralOutcomeMinutes: f.outcomeMinutes,
      satisfactionResponses: f.satisfactionN,
      satisfactionAverage: f.satisfactionAvg,
      reportTimeliness: f.report,
      reportDueOn: f.reportDueOn,
      spotChecksChecked: f.checked,
      verificationRate: f.verificationRate,
      score: weight === 0 ? null : round((100 * parts.reduce((a, p) => a + p.weight * p.value, 0)) / weight, 1),
      rank: null,
    };
  }
}

/** A count integrators may not see: 1 to 4 (reports.suppression.ts's threshold). */
const small = (n: number | null) => n !== null && n > 0 && n < SUPPRESS_BELOW;

/**
 * Integrators' version of a row: counts of 1 to 4 withheld, and with them the rates and averages made of so few
 * (and a numerator whose complement, the elders not visited, is 1 to 4). The score and rank stay: they are the
 * published result of the assessment and mix several parts.
 */
function withhold(r: AssessmentRowType): AssessmentRowType {
  const classRates = r.classRates.map((c) => {
    const hideDen = small(c.denominator);
    const hideNum = hideDen || small(c.numerator) || small((c.denominator ?? 0) - (c.numerator ?? 0));
    return {
      ...c,
      denominator: hideDen ? null : c.denominator,
      numerator: hideNum ? null : c.numerator,
      rate: hideNum ? null : c.rate,
      achievement: hideNum ? null : c.achievement,
    };
  });
  const hideAlerts = small(r.alertsRaised);
  const hideReferrals = small(r.referrals) || small(r.referralsAnswered) || small((r.referrals ?? 0) - (r.referralsAnswered ?? 0));
  const hideSatisfaction = small(r.satisfactionResponses);
  const notConfirmed = r.spotChecksChecked !== null && r.verificationRate !== null ? r.spotChecksChecked - Math.round(r.verificationRate * r.spotChecksChecked) : null;
  const hideVerification = small(r.spotChecksChecked) || small(notConfirmed) || small((r.spotChecksChecked ?? 0) - (notConfirmed ?? 0));
  const notVisited = r.eldersToVisit !== null && r.visitRate !== null ? r.eldersToVisit - Math.round(r.visitRate * r.eldersToVisit) : null;
  const hideVisits = small(r.eldersToVisit);
  const hideVisitRate = hideVisits || small(notVisited) || small(r.eldersToVisit! - (notVisited ?? 0));
  return {
    ...r,
    eldersToVisit: hideVisits ? null : r.eldersToVisit,
    visitRate: hideVisitRate ? null : r.visitRate,
    classRates,
    alertsRaised: hideAlerts ? null : r.alertsRaised,
    acknowledgedOnTimeRate: hideAlerts ? null : r.acknowledgedOnTimeRate,
    averageAcknowledgeMinutes: hideAlerts ? null : r.averageAcknowledgeMinutes,
    referrals: small(r.referrals) ? null : r.referrals,
    referralsAnswered: hideReferrals ? null : r.referralsAnswered,
    averageReferralResponseMinutes: hideReferrals ? null : r.averageReferralResponseMinutes,
    averageReferralOutcomeMinutes: hideReferrals ? null : r.averageReferralOutcomeMinutes,
    spotChecksChecked: small(r.spotChecksChecked) ? null : r.spotChecksChecked,
    verificationRate: hideVerification ? null : r.verificationRate,
    satisfactionResponses: hideSatisfaction ? null : r.satisfactionResponses,
    satisfactionAverage: hideSatisfaction ? null : r.satisfactionAverage,
  };
}
