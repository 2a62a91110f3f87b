import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray, toDate } from '../../shared/sql.js';
import { chinaDate, requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, FieldErrors, notFound } from '../../graphql/errors.js';
import { Scope } from '@tanfang/schema';
import { groupByKeys } from '../../shared/loaders.js';
import type { Elder } from '../elders/elder.entity.js';
import type { ElderClassEnum } from '../standards/standards.enums.js';
import type { ClassChangeType, ClassificationType } from './classification.types.js';
import { isRealDate } from '../elders/id-number.js';
import { isUuid } from '../../shared/ids.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { classifyArchive, RULE_VERSION, type ClassReason, type ElderClass } from './classification.rules.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { executeBound } from '../../shared/bound-sql.js';

/** Health words in a household member's record that make the household one "where one is dependent". */
// A negation right before the word ("无残疾", "非失能", "不失智") means the opposite: free text is read with care.
const DEPENDENT_HEALTH = `(m.health ~ '(失能|失智|残疾|瘫痪)' and m.health !~ '(无|非|不|未)(失能|失智|残疾|瘫痪)')`;
/**
 * A household member who is not the elder: the household table lists people by their relation to the householder
 * (户主, 配偶, ...), and the elder may be any row or none, so the elder's own row is recognised by the ID number (or,
 * without one, the name), never by its position.
 */
const OTHER_MEMBER = `(case when m.id_number is not null then m.id_number <> e.id_number else m.name <> e.name end)`;

interface FactsRow {
  id: string;
  county_code: string;
  birth_date: string;
  incapacity_source: string | null;
  family_planning_source: string | null;
  disability_source: string | null;
  circumstances: string[];
  disability_grade: number | null;
  household_dependent: boolean;
  computed_class: ElderClass | null;
  class_at_80: ElderClass | null;
  turns_80_on: string | null;
  class_rule_version: string | null;
  class_reasons: ClassReason[];
}

/**
 * Recomputes the class of the given elders from their archives, set-based: one read, one update of the elders whose
 * result changed, one insert into the history. Call it in the transaction that changed an input, so a class is
 * never stale; agency syncs call it with a whole batch.
 */
export async function reclassify(em: EntityManager, elderIds: readonly string[], at: Date, actorId: string | null): Promise<number> {
  if (elderIds.length === 0) return 0;
  const rows = await em.execute<FactsRow[]>(
    `select e.id, e.county_code, to_char(e.birth_date, 'YYYY-MM-DD') as birth_date, e.circumstances, e.disability_grade, e.incapacity_source, e.disability_source,
            e.family_planning_source,
            exists (select 1 from household_member m where m.elder_id = e.id and ${OTHER_MEMBER} and ${DEPENDENT_HEALTH}) as household_dependent,
            e.computed_class, e.class_at_80, to_char(e.turns_80_on, 'YYYY-MM-DD') as turns_80_on, e.class_rule_version, e.class_reasons
       from elder e where e.id = any(?::uuid[])`,
    [pgArray(elderIds)],
  );
  const day = chinaDate(at);
  const changed = [];
  for (const row of rows) {
    const result = classifyArchive(
      {
        birthDate: row.birth_date, circumstances: row.circumstances, disabilityGrade: row.disability_grade, householdDependent: row.household_dependent,
        incapacitySource: row.incapacity_source, disabilitySource: row.disability_source, familyPlanningSource: row.family_planning_source,
      },
      day,
    );
    const same =
      row.computed_class === result.class &&
      row.class_at_80 === (result.at80?.class ?? null) &&
      row.turns_80_on === result.turns80On &&
      row.class_rule_version === RULE_VERSION &&
      JSON.stringify(row.class_reasons) === JSON.stringify(result.reasons);
    if (same) continue;
    changed.push({
      id: row.id,
      county_code: row.county_code,
      class: result.class,
      reasons: result.reasons,
      class_at_80: result.at80?.class ?? null,
      reasons_at_80: result.at80?.reasons ?? null,
      turns_80_on: result.turns80On,
    });
  }
  if (changed.length === 0) return 0;
  const payload = JSON.stringify(changed);
  // Bound, not formatted into the text by the ORM: the payload of a 5,000-archive import or sync is megabytes (bound-sql.ts).
  await executeBound(
    em,
    `update elder e set computed_class = c.class, class_reasons = c.reasons, class_at_80 = c.class_at_80,
            class_reasons_at_80 = c.reasons_at_80, turns_80_on = c.turns_80_on, class_rule_version = ?, class_computed_at = ?
       from jsonb_to_recordset(?::jsonb) as c(id uuid, class char(1), reasons jsonb, class_at_80 char(1), reasons_at_80 jsonb, turns_80_on date)
      where e.id = c.id`,
    [RULE_VERSION, at, payload],
  );
  await executeBound(
    em,
    `insert into class_history (elder_id, county_code, at, source, class, reasons, class_at_80, turns_80_on, rule_version, actor_id)
     select c.id, c.county_code, ?, 'RULES', c.class, c.reasons, c.class_at_80, c.turns_80_on, ?, ?
       from jsonb_to_recordset(?::jsonb) as c(id uuid, county_code text, class char(1), reasons jsonb, class_at_80 char(1), turns_80_on date)`,
    [at, RULE_VERSION, actorId, payload],
  );
  return changed.length;
}

/** Every elder whose stored result is missing or from an older rule version: run on start. */
export async function reclassifyOutdated(em: EntityManager, at: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await em.execute<{ id: string }[]>(
      `select id from elder where class_rule_version is distinct from ? or computed_class is null limit 5000`,
      [RULE_VERSION],
    );
    if (ids.length === 0) return total;
    total += await reclassify(em, ids.map((r) => r.id), at, null);
  }
}

interface OverrideRow {
  revoked_on: string | null;
  elder_id: string;
  class: string;
  reason: string;
  starts_on: string;
  expires_on: string;
}

export interface OverrideInput {
  elderId: string;
  class: ElderClass;
  reason: string;
  expiresOn: string;
}

export class ClassificationService {
  constructor(private readonly ctx: RequestContext) {}

  /** The class in force on a date, with the rules' result and reasons. Overrides of a page load in one statement. */
  async forElder(elder: Elder, asOf: string): Promise<ClassificationType | null> {
    requireScope(this.ctx, Scope.ElderRead);
    if (!elder.computedClass) return null;
    const overrides = await this.ctx.loaders
      .get<string, OverrideRow[]>('classification.overrides', async (ids) => {
        const rows = await this.ctx.em.execute<OverrideRow[]>(
          `select elder_id, class, reason, to_char(starts_on, 'YYYY-MM-DD') as starts_on, to_char(expires_on, 'YYYY-MM-DD') as expires_on,
                  to_char((revoked_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as revoked_on
             from class_override where elder_id = any(?::uuid[]) order by created_at desc`,
          [pgArray(ids)],
        );
        return groupByKeys(ids, rows, (r) => r.elder_id);
      })
      .load(elder.id);
    // The same rule as elder_class_on: a revoked override still held before the day it was revoked.
    const override = overrides.find((o) => o.starts_on <= asOf && o.expires_on > asOf && (!o.revoked_on || asOf < o.revoked_on)) ?? null;
    const at80 = elder.turns80On && asOf >= elder.turns80On;
    const computed = (at80 ? elder.classAt80 : elder.computedClass) ?? elder.computedClass;
    const reasons = (at80 ? elder.classReasonsAt80 : elder.classReasons) ?? elder.classReasons;
    const computedReasons = reasons.map((r) => ({ code: r.code, text: this.ctx.meta.lang === 'en' ? r.textEn : r.text }));
    return {
      class: (override?.class ?? computed) as ElderClassEnum,
      computedClass: computed as ElderClassEnum,
      // An override is explained by its own reason, never by the clauses it overrules (they stay in computedReasons).
      reasons: override ? [{ code: 'OVERRIDE', text: override.reason }] : computedReasons,
      computedReasons,
      ruleVersion: elder.classRuleVersion ?? RULE_VERSION,
      computedAt: elder.classComputedAt ?? null,
      override: override ? { class: override.class as ElderClassEnum, reason: override.reason, startsOn: override.starts_on, expiresOn: override.expires_on } : null,
      changesOn: !at80 && elder.turns80On && elder.classAt80 !== elder.computedClass ? elder.turns80On : null,
    };
  }

  async history(elder: Elder): Promise<ClassChangeType[]> {
    requireScope(this.ctx, Scope.ElderRead);
    const rows = await this.ctx.em.execute<{ at: Date; source: string; class: string; reasons: ClassReason[]; class_at_80: string | null; turns_80_on: string | null; expires_on: string | null; rule_version: string | null }[]>(
      `select at, source, class, reasons, class_at_80, to_char(turns_80_on, 'YYYY-MM-DD') as turns_80_on,
              to_char(expires_on, 'YYYY-MM-DD') as expires_on, rule_version
         from class_history where elder_id = ? order by id desc limit 200`,
      [elder.id],
    );
    return rows.map((r) => ({
      at: toDate(r.at),
      source: r.source,
      class: r.class as ElderClassEnum,
      reasons: r.reasons.map((x) => ({ code: x.code, text: this.ctx.meta.lang === 'en' ? x.textEn : x.text })),
      classAt80: r.class_at_80 as ElderClassEnum | null,
      turns80On: r.turns_80_on,
      expiresOn: r.expires_on,
      ruleVersion: r.rule_version,
    }));
  }

  /** An admin's override, with a reason and an expiry; the rules' result stays visible beside it. */
  async override(input: OverrideInput): Promise<string> {
    const actor = requireScope(this.ctx, Scope.ClassOverride);
    const day = today(this.ctx);
    const errors = new FieldErrors();
    const reason = input.reason.trim();
    if (reason.length < 2 || reason.length > 500) errors.add('reason', '请填写调整分类的理由（2至500字）', 'Give a reason for the override (2-500 characters)');
    if (!isRealDate(input.expiresOn)) errors.add('expiresOn', '到期日期格式应为 YYYY-MM-DD', 'expiresOn must be a date, YYYY-MM-DD');
    else if (input.expiresOn <= day) errors.add('expiresOn', '到期日期应晚于今天', 'expiresOn must be after today');
    else if (input.expiresOn > addYears(day, 2)) errors.add('expiresOn', '调整分类最长两年，到期后请重新评估', 'An override lasts at most two years; review it then');
    errors.throwIfAny();
    return this.ctx.em.transactional(async (em) => {
      const elder = await this.lockElder(em, input.elderId, actor.regionCode);
      await em.execute(
        `update class_override set revoked_at = ?, revoked_by = ? where elder_id = ? and revoked_at is null`,
        [this.ctx.now(), actor.userId, elder.id],
        'run',
      );
      const [row] = await em.execute<{ id: string }[]>(
        `insert into class_override (elder_id, county_code, class, reason, starts_on, expires_on, created_by, created_at)
         values (?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [elder.id, elder.county_code, input.class, reason, day, input.expiresOn, actor.userId, this.ctx.now()],
      );
      await em.execute(
        `insert into class_history (elder_id, county_code, at, source, class, reasons, override_id, expires_on, actor_id)
         values (?, ?, ?, 'OVERRIDE', ?, ?::jsonb, ?, ?, ?)`,
        [elder.id, elder.county_code, this.ctx.now(), input.class, JSON.stringify([{ code: 'OVERRIDE', text: reason, textEn: reason }]), row!.id, input.expiresOn, actor.userId],
        'run',
      );
      await writeAudit(this.ctx, [{ action: AuditAction.ClassOverride, elderId: elder.id, regionCode: elder.region_code, detail: { class: input.class, reason, expiresOn: input.expiresOn } }], em);
      return elder.id;
    });
  }

  async revokeOverride(elderId: string, reasonRaw: string): Promise<string> {
    const actor = requireScope(this.ctx, Scope.ClassOverride);
    const reason = reasonRaw.trim();
    if (reason.length < 2) throw badInput('请填写撤销理由', 'Give a reason for revoking the override', 'reason');
    return this.ctx.em.transactional(async (em) => {
      const elder = await this.lockElder(em, elderId, actor.regionCode);
      const revoked = await em.execute<{ id: string; class: string }[]>(
        `update class_override set revoked_at = ?, revoked_by = ? where elder_id = ? and revoked_at is null and expires_on > ? returning id, class`,
        [this.ctx.now(), actor.userId, elder.id, today(this.ctx)],
      );
      if (revoked.length === 0) throw badInput('该老年人没有生效中的分类调整', 'This elder has no override in force', 'elderId');
      await em.execute(
        `insert into class_history (elder_id, county_code, at, source, class, reasons, override_id, actor_id)
         values (?, ?, ?, 'OVERRIDE_REVOKED', ?, ?::jsonb, ?, ?)`,
        [elder.id, elder.county_code, this.ctx.now(), revoked[0]!.class, JSON.stringify([{ code: 'REVOKED', text: reason, textEn: reason }]), revoked[0]!.id, actor.userId],
        'run',
      );
      await writeAudit(this.ctx, [{ action: AuditAction.ClassOverrideRevoke, elderId: elder.id, regionCode: elder.region_code, detail: { reason } }], em);
      return elder.id;
    });
  }

  private async lockElder(em: EntityManager, id: string, regionCode: string) {
    if (!isUuid(id)) throw notFound('老年人档案', 'elder');
    const [elder] = await em.execute<{ id: string; county_code: string; region_code: string }[]>(
      `select id, county_code, region_code from elder where id = ? and ${inSubtree('region_code')} for update`,
      [id, regionCode],
    );
    if (!elder) throw notFound('老年人档案', 'elder');
    return elder;
  }
}

function addYears(day: string, years: number): string {
  return `${Number(day.slice(0, 4)) + years}${day.slice(4)}`;
}
