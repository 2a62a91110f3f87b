import { randomUUID } from 'node:crypto';
import { Scope } from '@tanfang/schema';
import { pgArray, toDate } from '../../shared/sql.js';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, FieldErrors, notFound } from '../../graphql/errors.js';
import { isUuid } from '../../shared/ids.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { RegionService } from '../regions/region.service.js';
import { describeRequirement, type ActivityEnum, type CampaignReasonEnum, type ElderClassEnum, type WindowKindEnum } from './standards.enums.js';
import { insertRequirements, requirementRow, type WindowKind } from './standards.reference.js';
import type { ExtremePovertyKind } from '../elders/elder.enums.js';
import type { CampaignType, CreateCampaignInput, CreateVisitStandardInput, VisitRequirementInput, VisitStandardType } from './standards.types.js';
import { inSubtree, isAncestorOrSelf } from '../../shared/jurisdiction.js';

interface StandardRow {
  id: string;
  code: string;
  name: string;
  description: string | null;
  source: string | null;
  region_code: string | null;
  template: boolean;
  baseline: boolean;
  effective_from: string;
  retired_at: Date | null;
}

interface RequirementRow {
  id: string;
  standard_id: string;
  class: string | null;
  circumstance: string | null;
  extreme_poverty_kind: string | null;
  activity: string;
  min_count: number;
  window_kind: string;
  window_days: number | null;
  home_only: boolean;
}

interface CampaignRow {
  id: string;
  name: string;
  region_code: string;
  classes: string[];
  reason_kind: string;
  reason: string;
  starts_on: string;
  ends_on: string;
  min_count: number;
  window_kind: string;
  window_days: number | null;
  home_only: boolean;
  cancelled_at: Date | null;
}

const MAX_REQUIREMENTS = 20;
const CAMPAIGN_WINDOWS = new Set(['DAY', 'WEEK', 'HALF_MONTH', 'MONTH', 'DAYS', 'PERIOD']);

export class StandardsService {
  constructor(private readonly ctx: RequestContext) {}

  /**
   * Standards that apply in the caller's jurisdiction (on its root, an ancestor, or inside it) and every template.
   * Three statements whatever the number of standards.
   */
  async list(includeTemplates: boolean, includeRetired: boolean): Promise<VisitStandardType[]> {
    const actor = requireScope(this.ctx, Scope.StandardRead);
    const rows = await this.ctx.em.execute<StandardRow[]>(
      `select id, code, name, description, source, region_code, template, baseline,
              to_char(effective_from, 'YYYY-MM-DD') as effective_from, retired_at
         from visit_standard
        where (template and ?) or (not template and (${isAncestorOrSelf('region_code')} or ${inSubtree('region_code')})
              and (? or retired_at is null))
        order by template, baseline desc, region_code, created_at`,
      [includeTemplates, actor.regionCode, actor.regionCode, includeRetired],
    );
    return this.withRequirements(rows);
  }

  async create(input: CreateVisitStandardInput): Promise<VisitStandardType> {
    const actor = requireScope(this.ctx, Scope.StandardWrite);
    const errors = new FieldErrors();
    const name = input.name.trim();
    if (name.length < 2 || name.length > 100) errors.add('name', '请填写标准名称（2至100字）', 'Name the standard (2-100 characters)');
    const day = today(this.ctx);
    const effectiveFrom = input.effectiveFrom ?? day;
    if (effectiveFrom < day) {
      errors.add('effectiveFrom', '生效日期不能早于今天：提高标准不能让过去的探访变成逾期', 'effectiveFrom cannot be in the past: a raise must not make past windows overdue');
    }
    this.checkRequirements(input.requirements, errors, 'requirements', false);
    errors.throwIfAny();
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, input.regionCode);
    // Unique without a round trip: two raises for one region in the same millisecond must not collide.
    const code = `R-${region.code}-${randomUUID().slice(0, 8).toUpperCase()}`;
    const id = await this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into visit_standard (code, name, description, region_code, template, baseline, effective_from, created_by, created_at)
         values (?, ?, ?, ?, false, false, ?, ?, ?) returning id`,
        [code, name, input.description?.trim() || null, region.code, effectiveFrom, actor.userId, this.ctx.now()],
      );
      await insertRequirements(
        em,
        input.requirements.map((r, i) =>
          requirementRow(row!.id, i, { ...r, window: r.window as WindowKind, class: r.class ?? null, circumstance: r.circumstance ?? null, extremePovertyKind: r.extremePovertyKind ?? null, windowDays: r.windowDays ?? null }),
        ),
      );
      await writeAudit(this.ctx, [{ action: AuditAction.StandardCreate, regionCode: region.code, detail: { standardId: row!.id, name } }], em);
      return row!.id;
    });
    return this.one(id);
  }

  /** Adopting a template copies its requirements as a raise for a region subtree. */
  async adopt(templateId: string, regionCode: string, effectiveFromRaw: string | null | undefined): Promise<VisitStandardType> {
    requireScope(this.ctx, Scope.StandardWrite);
    const template = isUuid(templateId) ? (await this.withRequirements(
      await this.ctx.em.execute<StandardRow[]>(
        `select id, code, name, description, source, region_code, template, baseline, to_char(effective_from, 'YYYY-MM-DD') as effective_from, retired_at
           from visit_standard where id = ? and template`,
        [templateId],
      ),
    ))[0] : undefined;
    if (!template) throw notFound('探访标准模板', 'standard template');
    return this.create({
      name: template.name,
      regionCode,
      description: `${template.description ?? ''}（采用模板 ${template.code}）`,
      effectiveFrom: effectiveFromRaw ?? null,
      requirements: template.requirements.map((r) => ({
        class: r.class, circumstance: r.circumstance, extremePovertyKind: r.extremePovertyKind, activity: r.activity, minCount: r.minCount, window: r.window,
        windowDays: r.windowDays, homeOnly: r.homeOnly,
      })),
    });
  }

  /** Retiring a raise returns its subtree to the standards above it. The baseline cannot be retired. */
  async retire(id: string, reasonRaw: string): Promise<VisitStandardType> {
    const actor = requireScope(this.ctx, Scope.StandardWrite);
    const reason = reasonRaw.trim();
    if (reason.length < 2) throw badInput('请填写停用理由', 'Give a reason', 'reason');
    const [row] = isUuid(id)
      ? await this.ctx.em.execute<{ region_code: string | null; baseline: boolean; template: boolean }[]>(
          `select region_code, baseline, template from visit_standard where id = ? and retired_at is null`,
          [id],
        )
      : [];
    if (!row || row.template || !row.region_code?.startsWith(actor.regionCode)) throw notFound('探访标准', 'visit standard');
    if (row.baseline) throw badInput('基准标准不能停用：各地只能在其上提高标准', 'The baseline cannot be retired: regions can only raise it', 'id');
    await this.ctx.em.transactional(async (em) => {
      await em.execute(`update visit_standard set retired_at = ? where id = ?`, [this.ctx.now(), id], 'run');
      await writeAudit(this.ctx, [{ action: AuditAction.StandardRetire, regionCode: row.region_code, detail: { standardId: id, reason } }], em);
    });
    return this.one(id);
  }

  async campaigns(activeOn: string | null | undefined): Promise<CampaignType[]> {
    const actor = requireScope(this.ctx, Scope.StandardRead);
    const rows = await this.ctx.em.execute<CampaignRow[]>(
      `select id, name, region_code, classes, reason_kind, reason, to_char(starts_on, 'YYYY-MM-DD') as starts_on,
              to_char(ends_on, 'YYYY-MM-DD') as ends_on, min_count, window_kind, window_days, home_only, cancelled_at
         from campaign
        where (${isAncestorOrSelf('region_code')} or ${inSubtree('region_code')})
          and (?::date is null or (cancelled_at is null and ?::date between starts_on and ends_on))
        order by starts_on desc, name`,
      [actor.regionCode, actor.regionCode, activeOn ?? null, activeOn ?? null],
    );
    return rows.map(toCampaign);
  }

  async createCampaign(input: CreateCampaignInput): Promise<CampaignType> {
    const actor = requireScope(this.ctx, Scope.StandardWrite);
    const errors = new FieldErrors();
    const name = input.name.trim();
    const reason = input.reason.trim();
    if (name.length < 2 || name.length > 100) errors.add('name', '请填写活动名称（2至100字）', 'Name the campaign (2-100 characters)');
    if (reason.length < 2 || reason.length > 500) errors.add('reason', '请说明开展叠加探访的原因（2至500字）', 'Give the reason (2-500 characters)');
    if (input.endsOn < input.startsOn) errors.add('endsOn', '结束日期不能早于开始日期', 'endsOn must not be before startsOn');
    if (input.endsOn < today(this.ctx)) errors.add('endsOn', '结束日期已过', 'endsOn is in the past');
    if (daysBetween(input.startsOn, input.endsOn) > 366) errors.add('endsOn', '叠加探访最长一年', 'A campaign lasts at most a year');
    if (!CAMPAIGN_WINDOWS.has(input.window)) {
      errors.add('window', '叠加探访的周期只能是每天、每周、每半月、每月、每N天或整个活动期间', 'A campaign window is DAY, WEEK, HALF_MONTH, MONTH, DAYS or PERIOD');
    }
    this.checkRequirements([{ ...input, activity: 'VISIT' as ActivityEnum }], errors, '', true);
    errors.throwIfAny();
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, input.regionCode);
    const id = await this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into campaign (name, region_code, classes, reason_kind, reason, starts_on, ends_on, min_count, window_kind, window_days,
                               home_only, created_by, created_at)
         values (?, ?, ?::char(1)[], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [name, region.code, pgArray([...new Set(input.classes)]), input.reasonKind, reason, input.startsOn, input.endsOn,
          input.minCount, input.window, input.window === 'DAYS' ? input.windowDays : null, input.homeOnly, actor.userId, this.ctx.now()],
      );
      await writeAudit(this.ctx, [{ action: AuditAction.CampaignCreate, regionCode: region.code, detail: { campaignId: row!.id, name } }], em);
      return row!.id;
    });
    return (await this.campaignsById([id]))[0]!;
  }

  async cancelCampaign(id: string, reasonRaw: string): Promise<CampaignType> {
    const actor = requireScope(this.ctx, Scope.StandardWrite);
    const reason = reasonRaw.trim();
    if (reason.length < 2) throw badInput('请填写取消理由', 'Give a reason', 'reason');
    const [row] = isUuid(id)
      ? await this.ctx.em.execute<{ region_code: string }[]>(`select region_code from campaign where id = ? and cancelled_at is null`, [id])
      : [];
    if (!row || !row.region_code.startsWith(actor.regionCode)) throw notFound('叠加探访活动', 'campaign');
    await this.ctx.em.transactional(async (em) => {
      await em.execute(`update campaign set cancelled_at = ? where id = ?`, [this.ctx.now(), id], 'run');
      await writeAudit(this.ctx, [{ action: AuditAction.CampaignCancel, regionCode: row.region_code, detail: { campaignId: id, reason } }], em);
    });
    return (await this.campaignsById([id]))[0]!;
  }

  private async campaignsById(ids: string[]): Promise<CampaignType[]> {
    const rows = await this.ctx.em.execute<CampaignRow[]>(
      `select id, name, region_code, classes, reason_kind, reason, to_char(starts_on, 'YYYY-MM-DD') as starts_on,
              to_char(ends_on, 'YYYY-MM-DD') as ends_on, min_count, window_kind, window_days, home_only, cancelled_at
         from campaign where id = any(?::uuid[])`,
      [pgArray(ids)],
    );
    return rows.map(toCampaign);
  }

  private checkRequirements(list: VisitRequirementInput[], errors: FieldErrors, path: string, campaign: boolean): void {
    if (!campaign && (list.length === 0 || list.length > MAX_REQUIREMENTS)) {
      errors.add(path, `请填写1至${MAX_REQUIREMENTS}条探访要求`, `Give 1 to ${MAX_REQUIREMENTS} requirements`);
    }
    list.forEach((r, i) => {
      const at = (field: string) => (path ? `${path}.${i}.${field}` : field);
      if (!Number.isInteger(r.minCount) || r.minCount < 1 || r.minCount > 31) {
        errors.add(at('minCount'), '最少次数应为1至31次', 'minCount must be 1 to 31');
      }
      if (r.window === 'DAYS') {
        if (!r.windowDays || r.windowDays < 1 || r.windowDays > 366) errors.add(at('windowDays'), '按天计的周期需填写1至366天', 'A DAYS window needs windowDays 1 to 366');
      } else if (r.windowDays != null) {
        errors.add(at('windowDays'), '只有按天计的周期（DAYS）才填写天数', 'windowDays is only for DAYS windows');
      }
      if (!campaign && r.window === 'PERIOD') errors.add(at('window'), '“活动期间”只用于叠加探访', 'PERIOD is only for campaigns');
      if (r.activity !== 'VISIT' && r.homeOnly) errors.add(at('homeOnly'), '只有探访才区分上门入户', 'homeOnly applies to visits only');
      if (r.extremePovertyKind && r.circumstance !== 'EXTREME_POVERTY') {
        errors.add(at('extremePovertyKind'), '特困供养方式只用于“特困供养”这一情形的要求', 'extremePovertyKind goes only with circumstance EXTREME_POVERTY');
      }
    });
  }

  private async one(id: string): Promise<VisitStandardType> {
    const rows = await this.ctx.em.execute<StandardRow[]>(
      `select id, code, name, description, source, region_code, template, baseline, to_char(effective_from, 'YYYY-MM-DD') as effective_from, retired_at
         from visit_standard where id = ?`,
      [id],
    );
    return (await this.withRequirements(rows))[0]!;
  }

  private async withRequirements(rows: StandardRow[]): Promise<VisitStandardType[]> {
    if (rows.length === 0) return [];
    const reqs = await this.ctx.em.execute<RequirementRow[]>(
      `select id, standard_id, class, circumstance, extreme_poverty_kind, activity, min_count, window_kind, window_days, home_only
         from visit_requirement where standard_id = any(?::uuid[]) order by standard_id, position`,
      [pgArray(rows.map((r) => r.id))],
    );
    return rows.map((s) => ({
      id: s.id,
      code: s.code,
      name: s.name,
      description: s.description,
      source: s.source,
      regionCode: s.region_code,
      template: s.template,
      baseline: s.baseline,
      effectiveFrom: s.effective_from,
      retiredAt: toDate(s.retired_at),
      requirements: reqs
        .filter((r) => r.standard_id === s.id)
        .map((r) => {
          const base = { activity: r.activity, minCount: r.min_count, window: r.window_kind, windowDays: r.window_days, homeOnly: r.home_only };
          return {
            id: r.id,
            class: r.class as ElderClassEnum | null,
            circumstance: r.circumstance as never,
            extremePovertyKind: r.extreme_poverty_kind as ExtremePovertyKind | null,
            activity: r.activity as ActivityEnum,
            minCount: r.min_count,
            window: r.window_kind as WindowKindEnum,
            windowDays: r.window_days,
            homeOnly: r.home_only,
            description: describeRequirement(base),
          };
        }),
    }));
  }
}

function toCampaign(c: CampaignRow): CampaignType {
  return {
    id: c.id,
    name: c.name,
    regionCode: c.region_code,
    classes: c.classes.map((x) => x.trim()) as ElderClassEnum[],
    reasonKind: c.reason_kind as CampaignReasonEnum,
    reason: c.reason,
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    minCount: c.min_count,
    window: c.window_kind as WindowKindEnum,
    windowDays: c.window_days,
    homeOnly: c.home_only,
    description: describeRequirement({ activity: 'VISIT', minCount: c.min_count, window: c.window_kind, windowDays: c.window_days, homeOnly: c.home_only }),
    cancelledAt: toDate(c.cancelled_at),
  };
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
