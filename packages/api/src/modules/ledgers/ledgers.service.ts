import { Scope } from '@tanfang/schema';
import { chinaDate, requireScope, type RequestContext } from '../../graphql/context.js';
import { AppError, badInput, notFound } from '../../graphql/errors.js';
import { isUuid } from '../../shared/ids.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { maskCertificateNumber, maskIdNumber, maskPhone } from '../../shared/masking.js';
import { pgArray, toDate } from '../../shared/sql.js';
import { AuditAction, writeAudit, writeReadAudit, type AuditEntry } from '../audit/audit.service.js';
import { isRealDate } from '../elders/id-number.js';
import { requiredText } from '../elders/elder.validation.js';
import { RegionService } from '../regions/region.service.js';
import { VISITED_IN_PERIOD } from '../visits/visits.queries.js';
import type { Actor } from '../auth/actor.js';
import type { Circumstance } from '../elders/elder.enums.js';
import type { RegistrationFormType, VisitRecordFormType } from './ledgers.types.js';
import { buildContactList, buildTeamRoster, buildVisitLedger, type ContactRow, type MemberRow, type VisitLedgerRow } from './ledgers.xlsx.js';

/**
 * Forms one print may hold: about one paper tray, and a print job a browser lays out at once. A village's batch can
 * be larger (a community of the generated million-elder city has 742 elders): it is printed in parts of this size
 * (`part`). At 500 a part took 100-140 ms to serve at 1M, over the console's 100 ms.
 */
export const PRINT_LIMIT = 200;
/** Rows of one visit ledger sheet: a county's month is a few thousand visits; beyond this, choose a smaller area or period. */
export const LEDGER_ROW_LIMIT = 20_000;
/** The longest period of one visit print or ledger: a year (the longest visit standard's window). */
const MAX_PERIOD_DAYS = 366;

/** The three names above an elder's village, for the 家庭住址 line: joined once per statement, no lookups per row. */
const PLACE_JOIN = `join region pv on pv.code = e.region_code
  left join region pt on pt.code = left(e.region_code, 9)
  left join region pc on pc.code = left(e.region_code, 6)`;
const PLACE_COLUMNS = `pc.name as county_name, pt.name as town_name, pv.name as village_name`;

interface PlaceRow {
  county_name: string | null;
  town_name: string | null;
  village_name: string;
  region_code: string;
}

function placeOf(r: PlaceRow) {
  return { county: r.county_name ?? '', town: r.town_name ?? '', village: r.village_name, villageCode: r.region_code };
}

/** Child rows by their parent, in their order: one pass, so a batch costs the same per form whatever its size. */
function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const list = map.get(key(r));
    if (list) list.push(r);
    else map.set(key(r), [r]);
  }
  return map;
}

const num = (v: string | number | null): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * 台账: the official forms printed (基本信息登记表 per elder, 探访关爱服务记录表 per visit) and the person-level lists
 * towns send upward (探访台账, 联系人名单, 组建队伍情况) as spreadsheets.
 *
 * Every read is set-based (a batch of 500 forms is five statements, whatever its size) and audited like any read of
 * an archive: one ELDER_READ row per elder served, naming the ledger; a printed registration form with full identity
 * also writes IDENTITY_REVEAL rows with the stated purpose, like the elder page's reveal. Lists of visitors and teams
 * (no elder in them) write one LEDGER_EXPORT row.
 */
export class LedgerService {
  constructor(private readonly ctx: RequestContext) {}

  /** 基本信息登记表 of one elder (`elderId`) or of every active elder of a village (`villageCode`). */
  async registrationForms(args: { elderId?: string | null; villageCode?: string | null; revealPurpose?: string | null; part?: number | null }): Promise<RegistrationFormType[]> {
    const actor = requireScope(this.ctx, Scope.ElderRead);
    let purpose: string | null = null;
    if (args.revealPurpose !== null && args.revealPurpose !== undefined) {
      // The printed form is an official record: full identity on paper is a reveal, with its scope and its reason.
      requireScope(this.ctx, Scope.ElderRevealIdentity);
      purpose = requiredText('revealPurpose', args.revealPurpose, 2, 200, ['查看目的', 'The purpose']);
    }
    const where = await this.target(args.elderId, args.villageCode, actor);
    const part = partOf(args.part, !!args.elderId);
    const em = this.ctx.em;
    const page = await em.execute<(PlaceRow & Record<string, any>)[]>(
      `select e.id, e.name, e.gender, e.birth_date::text as birth_date, e.id_number, e.phone, e.address_detail, e.region_code,
              e.lives_at_registered_residence, e.circumstances, e.incapacity_level, e.disability_certificate_number, e.disability_grade,
              e.family_planning_kind, e.water_safe, e.electricity_safe, e.housing_safe, e.household_monthly_income,
              e.monthly_benefits, e.benefits_note, e.accepts_visits, ${PLACE_COLUMNS}
         from elder e ${PLACE_JOIN}
        where ${inSubtree('e.region_code')} and ${where.sql}
        order by e.name, e.id
        limit ${PRINT_LIMIT + 1} offset ?`,
      [actor.regionCode, ...where.params, (part - 1) * PRINT_LIMIT],
    );
    if (args.elderId && page.length === 0) throw notFound('老年人档案', 'elder archive');
    const elders = await partOfBatch(page, args.part, part, { zh: '份登记表', en: 'registration forms', scope: '本村（社区）', field: 'villageCode' }, async () =>
      (await em.execute<{ n: string }[]>(`select count(*) as n from elder e where ${inSubtree('e.region_code')} and ${where.sql}`, [actor.regionCode, ...where.params]))[0]!.n);
    const ids = pgArray(elders.map((e) => e.id as string));
    const [contacts, members, help] = await Promise.all([
      em.execute<{ elder_id: string; name: string; relation: string | null; phone: string | null }[]>(
        `select elder_id, name, relation, phone from elder_contact where elder_id = any(?::uuid[]) order by elder_id, position`, [ids]),
      em.execute<{ elder_id: string; name: string; gender: string | null; id_number: string | null; relation: string; health: string | null; assistance: string }[]>(
        `select elder_id, name, gender, id_number, relation, health, assistance from household_member where elder_id = any(?::uuid[]) order by elder_id, position`, [ids]),
      em.execute<{ elder_id: string; unit_type: string; unit_name: string | null; measures: string }[]>(
        `select elder_id, unit_type, unit_name, measures from help_record where elder_id = any(?::uuid[]) order by elder_id, position`, [ids]),
    ]);
    const reveal = purpose !== null;
    const byContact = groupBy(contacts, (r) => r.elder_id);
    const byMember = groupBy(members, (r) => r.elder_id);
    const byHelp = groupBy(help, (r) => r.elder_id);
    const forms = elders.map((e): RegistrationFormType => {
      const circumstances = (Array.isArray(e.circumstances) ? e.circumstances : []) as Circumstance[];
      const has = (c: string) => circumstances.includes(c as Circumstance);
      return {
        elderId: e.id,
        name: e.name,
        gender: e.gender,
        birthDate: e.birth_date,
        idNumber: reveal ? e.id_number : maskIdNumber(e.id_number)!,
        identityRevealed: reveal,
        phone: reveal ? e.phone : maskPhone(e.phone),
        place: placeOf(e),
        addressDetail: e.address_detail,
        livesAtRegisteredResidence: e.lives_at_registered_residence,
        circumstances,
        disabled: has('DISABLED') || e.disability_grade !== null,
        disabilityCertificateNumber: reveal ? e.disability_certificate_number : maskCertificateNumber(e.disability_certificate_number),
        livingAloneOrEmptyNest: has('LIVING_ALONE') || has('EMPTY_NEST'),
        leftBehind: has('LEFT_BEHIND'),
        incapacitated: has('INCAPACITATED') || e.incapacity_level !== null,
        familyPlanningSpecial: has('FAMILY_PLANNING_SPECIAL') || e.family_planning_kind !== null,
        emergencyContacts: (byContact.get(e.id) ?? []).map((c) => ({ name: c.name, relation: c.relation, phone: reveal ? c.phone : maskPhone(c.phone) })),
        householdMembers: (byMember.get(e.id) ?? []).map((m) => ({
          name: m.name,
          gender: m.gender as never,
          idNumber: reveal ? m.id_number : maskIdNumber(m.id_number),
          relation: m.relation,
          health: m.health,
          assistance: m.assistance as never,
        })),
        waterSafe: e.water_safe,
        electricitySafe: e.electricity_safe,
        housingSafe: e.housing_safe,
        householdMonthlyIncome: num(e.household_monthly_income),
        monthlyBenefits: num(e.monthly_benefits),
        benefitsNote: e.benefits_note,
        helpReceived: (byHelp.get(e.id) ?? []).map((h) => ({ unitType: h.unit_type as never, unitName: h.unit_name, measures: h.measures })),
        acceptsVisits: e.accepts_visits,
      };
    });
    const via = args.villageCode ? 'registrationForms:village' : 'registrationForms';
    await writeReadAudit(
      this.ctx,
      forms.map((f) => ({
        action: AuditAction.ElderRead,
        elderId: f.elderId,
        regionCode: f.place.villageCode,
        detail: { via: [via], parts: ['archive', 'emergencyContacts', 'householdMembers', 'helpReceived'], print: true },
      })),
    );
    if (reveal) {
      await writeAudit(
        this.ctx,
        forms.map((f) => ({ action: AuditAction.IdentityReveal, elderId: f.elderId, regionCode: f.place.villageCode, purpose, detail: { via } })),
      );
    }
    return forms;
  }

  /** 探访关爱服务记录表 of one visit (`visitId`) or of a village's visits in a period. */
  async visitRecordForms(args: { visitId?: string | null; villageCode?: string | null; from?: string | null; to?: string | null; part?: number | null }): Promise<VisitRecordFormType[]> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const part = partOf(args.part, !!args.visitId);
    const params: unknown[] = [actor.regionCode];
    let where: string;
    if (args.visitId && !args.villageCode) {
      if (!isUuid(args.visitId)) throw notFound('探访记录', 'visit record');
      where = 'v.id = ?::uuid';
      params.push(args.visitId);
    } else if (args.villageCode && !args.visitId) {
      await new RegionService(this.ctx).requireVillageInJurisdiction(actor, args.villageCode, 'villageCode');
      const { from, to } = this.period(args.from, args.to);
      where = `v.region_code = ? and v.visited_on between ?::date and ?::date and ${VISITED_IN_PERIOD}`;
      params.push(args.villageCode.trim(), from, to, from, to);
    } else {
      throw badInput('请指定一条探访记录，或一个村（社区）和时段', 'Name one visit, or a village and a period', 'visitId');
    }
    const em = this.ctx.em;
    // The form's columns only, each visit's elder and the two names by key. Joined plainly, the planner misjudged how
    // many of a village's visits belong to elders of the user's area (7 of 771 for a town) and chose a hash join over
    // the town's elders and parallel workers: 92 ms at 1M for a town, 31 for the city. By key (the lateral, kept apart
    // by offset 0): 10 ms at every level.
    const page = await em.execute<(PlaceRow & Record<string, any>)[]>(
      `select v.id, v.elder_id, v.seq, v.visited_at, v.visited_on::text as visited_day, v.method, v.household_change, v.household_change_count,
              v.expression, v.mobility, v.disease, v.disease_name, v.mood, v.gas_safety, v.water_heating_safety, v.electricity_safety,
              v.personal_hygiene, v.home_hygiene, v.indoor_environment, v.service_needs, v.care_suggestions, v.visitor_signed, v.elder_signed,
              v.satisfaction, e.name as elder_name, e.phone as elder_phone, e.address_detail, e.region_code, ${PLACE_COLUMNS},
              coalesce((select vr.name from visitor vr where vr.id = v.visitor_id), v.visitor_name_as_written) as visitor_name,
              (select u.display_name from app_user u where u.id = v.entered_by) as entered_by_name
         from visit v
         join lateral (select e.name, e.phone, e.address_detail, e.region_code from elder e
                        where e.id = v.elder_id and ${inSubtree('e.region_code')} offset 0) e on true
         ${PLACE_JOIN}
        where ${where}
        order by v.visited_on, e.name, v.seq
        limit ${PRINT_LIMIT + 1} offset ?`,
      [...params, (part - 1) * PRINT_LIMIT],
    );
    if (args.visitId && page.length === 0) throw notFound('探访记录', 'visit record');
    const rows = await partOfBatch(page, args.part, part, { zh: '份记录表', en: 'visit record forms', scope: '本村（社区）本时段', field: 'villageCode' }, async () =>
      (await em.execute<{ n: string }[]>(`select count(*) as n from visit v join elder e on e.id = v.elder_id where ${inSubtree('e.region_code')} and ${where}`, params))[0]!.n);
    const services = await em.execute<{ visit_id: string; kind: string; content: string | null; delivered_on: string }[]>(
      `select visit_id, kind, content, delivered_on::text as delivered_on from care_service where visit_id = any(?::uuid[]) order by visit_id, delivered_on`,
      [pgArray(rows.map((r) => r.id as string))],
    );
    const byVisit = groupBy(services, (s) => s.visit_id);
    const forms = rows.map((v): VisitRecordFormType => ({
      visitId: v.id,
      elderId: v.elder_id,
      elderName: v.elder_name,
      elderPhone: maskPhone(v.elder_phone),
      place: placeOf(v),
      addressDetail: v.address_detail,
      seq: v.seq,
      visitedAt: toDate(v.visited_at),
      visitedOn: v.visited_day,
      method: v.method,
      visitorName: v.visitor_name,
      enteredByName: v.entered_by_name,
      householdChange: v.household_change,
      householdChangeCount: v.household_change_count,
      expression: v.expression,
      mobility: v.mobility,
      disease: v.disease,
      diseaseName: v.disease_name,
      mood: v.mood,
      gasSafety: v.gas_safety,
      waterHeatingSafety: v.water_heating_safety,
      electricitySafety: v.electricity_safety,
      personalHygiene: v.personal_hygiene,
      homeHygiene: v.home_hygiene,
      indoorEnvironment: v.indoor_environment,
      serviceNeeds: v.service_needs,
      careSuggestions: v.care_suggestions,
      visitorSigned: v.visitor_signed,
      elderSigned: v.elder_signed,
      satisfaction: v.satisfaction,
      careServices: (byVisit.get(v.id) ?? []).map((s) => ({ kind: s.kind as never, content: s.content, deliveredOn: s.delivered_on })),
    }));
    await this.auditElders(forms.map((f) => ({ elderId: f.elderId, regionCode: f.place.villageCode })), args.villageCode ? 'visitRecordForms:village' : 'visitRecordForms', ['visits']);
    return forms;
  }

  /** 探访台账: every visit of a region subtree in a period, one row each, findings in words, ID numbers masked. */
  async visitLedgerWorkbook(regionCode: string, fromRaw: string | null | undefined, toRaw: string | null | undefined): Promise<Buffer> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, regionCode);
    const { from, to } = this.period(fromRaw, toRaw);
    const rows = await this.ctx.em.execute<(VisitLedgerRow & { elder_id: string; region_code: string })[]>(
      `select v.elder_id, v.visited_at, v.visited_on::text as visited_on, v.seq, v.method, e.name as elder_name, e.id_number, e.region_code,
              pt.name as town_name, pv.name as village_name, coalesce(vr.name, v.visitor_name_as_written) as visitor_name,
              v.household_change, v.household_change_count, v.expression, v.mobility, v.disease, v.disease_name, v.mood,
              v.gas_safety, v.water_heating_safety, v.electricity_safety, v.personal_hygiene, v.home_hygiene, v.indoor_environment,
              v.service_needs, v.care_suggestions, v.satisfaction, u.display_name as entered_by_name
         from visit v join elder e on e.id = v.elder_id
         join region pv on pv.code = e.region_code left join region pt on pt.code = left(e.region_code, 9)
         left join visitor vr on vr.id = v.visitor_id
         left join app_user u on u.id = v.entered_by
        where ${inSubtree('v.region_code')} and ${inSubtree('e.region_code')} and v.visited_on between ?::date and ?::date
        order by v.visited_on, v.visited_at, e.name
        limit ${LEDGER_ROW_LIMIT + 1}`,
      [region.code, actor.regionCode, from, to],
    );
    if (rows.length > LEDGER_ROW_LIMIT) {
      throw badInput(
        `该地区该时段的探访记录超过 ${LEDGER_ROW_LIMIT} 条，请选择较小的地区或较短的时段后再导出`,
        `More than ${LEDGER_ROW_LIMIT} visits in this area and period: choose a smaller area or a shorter period`,
        'period',
      );
    }
    const book = await buildVisitLedger({ title: `${region.fullName}特殊困难老年人探访关爱服务台账`, from, to, rows: rows.map((r) => ({ ...r, id_number: maskIdNumber(r.id_number) ?? '' })) });
    await this.auditElders(rows.map((r) => ({ elderId: r.elder_id, regionCode: r.region_code })), 'visitLedger.xlsx', ['visits']);
    return book;
  }

  /**
   * 联系人名单: per village, the active visitors who are responsible contacts or helpers (结对), their kind, team and
   * phone, and how many elders each holds. The plan asks towns to send it with phones: they are the visitors' work
   * contacts, kept by the people who keep the teams (team.write), and the export is audited.
   */
  async contactListWorkbook(regionCode: string): Promise<Buffer> {
    const actor = requireScope(this.ctx, Scope.TeamWrite);
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, regionCode);
    const rows = await this.ctx.em.execute<ContactRow[]>(
      `select pt.name as town_name, pv.name as village_name, r.code as region_code, vr.name, vr.kind, vr.phone, t.name as team_name,
              count(a.id) filter (where a.role = 'PRIMARY')::int as primary_count,
              count(a.id) filter (where a.role = 'HELPER')::int as helper_count
         from visitor vr
         join region r on r.code = vr.region_code
         left join region pv on pv.code = left(vr.region_code, 12)
         left join region pt on pt.code = left(vr.region_code, 9)
         left join team t on t.id = vr.team_id
         left join assignment a on a.visitor_id = vr.id and a.ends_at is null
        where vr.active and ${inSubtree('vr.region_code')}
        group by pt.name, pv.name, r.code, vr.id, t.name
        order by r.code, count(a.id) filter (where a.role = 'PRIMARY') desc, vr.name`,
      [region.code],
    );
    const book = await buildContactList({ title: `${region.fullName}特殊困难老年人探访关爱服务联系人名单`, asOf: chinaDate(this.ctx.now()), rows });
    await writeReadAudit(this.ctx, [{ action: AuditAction.LedgerExport, regionCode: region.code, detail: { ledger: 'contacts', rows: rows.length } }]);
    return book;
  }

  /** 组建队伍情况: teams of a region subtree by kind (摸底排查专班, 日常联络队伍, 探访关爱队伍) and their members. */
  async teamRosterWorkbook(regionCode: string): Promise<Buffer> {
    const actor = requireScope(this.ctx, Scope.TeamWrite);
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, regionCode);
    const rows = await this.ctx.em.execute<MemberRow[]>(
      `select t.id as team_id, t.name as team_name, t.kind as team_kind, r.full_name as team_region, vr.name, vr.kind, vr.phone
         from team t join region r on r.code = t.region_code
         left join visitor vr on vr.team_id = t.id and vr.active
        where ${inSubtree('t.region_code')}
        order by case t.kind when 'SURVEY' then 1 when 'DAILY_CONTACT' then 2 else 3 end, t.region_code, t.name, t.id, vr.name`,
      [region.code],
    );
    const book = await buildTeamRoster({ title: `${region.fullName}特殊困难老年人探访关爱服务组建队伍情况`, asOf: chinaDate(this.ctx.now()), rows });
    await writeReadAudit(this.ctx, [{ action: AuditAction.LedgerExport, regionCode: region.code, detail: { ledger: 'teams', rows: rows.length } }]);
    return book;
  }

  private async target(elderId: string | null | undefined, villageCode: string | null | undefined, actor: Actor) {
    if (elderId && !villageCode) {
      if (!isUuid(elderId)) throw notFound('老年人档案', 'elder archive');
      return { sql: 'e.id = ?::uuid', params: [elderId] };
    }
    if (villageCode && !elderId) {
      await new RegionService(this.ctx).requireVillageInJurisdiction(actor, villageCode, 'villageCode');
      // A village's batch is its registry as it stands: closed archives (deceased, moved away) are not reprinted.
      return { sql: `e.region_code = ? and e.status = 'ACTIVE'`, params: [villageCode.trim()] };
    }
    throw badInput('请指定一位老年人，或一个村（社区）', 'Name one elder, or one village', 'elderId');
  }

  private period(fromRaw: string | null | undefined, toRaw: string | null | undefined): { from: string; to: string } {
    const from = (fromRaw ?? '').trim();
    const to = (toRaw ?? '').trim();
    if (!isRealDate(from)) throw badInput('请填写开始日期（YYYY-MM-DD）', 'Give the first day (YYYY-MM-DD)', 'from');
    if (!isRealDate(to)) throw badInput('请填写结束日期（YYYY-MM-DD）', 'Give the last day (YYYY-MM-DD)', 'to');
    if (to < from) throw badInput('结束日期不能早于开始日期', 'The last day is before the first', 'to');
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days > MAX_PERIOD_DAYS) throw badInput(`时段最长 ${MAX_PERIOD_DAYS} 天，请分段导出`, `A period is at most ${MAX_PERIOD_DAYS} days`, 'to');
    return { from, to };
  }

  /** One ELDER_READ row per elder served (however many of their visits), naming the ledger. */
  private async auditElders(reads: { elderId: string; regionCode: string }[], via: string, parts: string[]): Promise<void> {
    const seen = new Map<string, AuditEntry>();
    for (const r of reads) {
      if (!seen.has(r.elderId)) seen.set(r.elderId, { action: AuditAction.ElderRead, elderId: r.elderId, regionCode: r.regionCode, detail: { via: [via], parts } });
    }
    await writeReadAudit(this.ctx, [...seen.values()]);
  }
}

/** The part asked for (1 when none): a positive whole number, and only for a village's batch (one form has no parts). */
function partOf(part: number | null | undefined, single: boolean): number {
  if (part === null || part === undefined) return 1;
  if (!Number.isInteger(part) || part < 1) throw badInput('批次（part）应为从 1 起的整数', 'part must be a whole number from 1', 'part');
  if (single && part > 1) throw badInput('单份打印没有分批，请去掉批次（part）', 'A single form has no parts: leave part out', 'part');
  return part;
}

/**
 * A batch above PRINT_LIMIT forms is printed in parts. `page` is the part asked for (or the first) read one row past
 * the limit, so that only a batch that does not fit is counted: asked without `part`, such a batch is refused with
 * how many forms and parts there are (`extensions.limit` PRINT_PARTS, `forms`, `parts`, `partSize`), and the console
 * offers the parts, so that nobody prints the first 200 of 742 believing they printed the village. A part past the
 * last is refused too.
 */
async function partOfBatch<T>(page: T[], asked: number | null | undefined, part: number, what: { zh: string; en: string; scope: string; field: string }, count: () => Promise<string | number>): Promise<T[]> {
  if ((asked === null || asked === undefined) && page.length > PRINT_LIMIT) {
    const total = Number(await count());
    const parts = Math.ceil(total / PRINT_LIMIT);
    throw new AppError(
      'BAD_USER_INPUT',
      `${what.scope}共 ${total} ${what.zh}，一次最多打印 ${PRINT_LIMIT} 份：请分 ${parts} 批打印`,
      `${total} ${what.en}: at most ${PRINT_LIMIT} per print, so print them in ${parts} parts (part 1 to ${parts})`,
      { field: what.field, limit: 'PRINT_PARTS', forms: total, parts, partSize: PRINT_LIMIT },
    );
  }
  if (page.length === 0 && part > 1) {
    throw badInput(`没有第 ${part} 批：此次打印不足 ${part} 批`, `There is no part ${part}: this print has fewer parts`, 'part');
  }
  return page.slice(0, PRINT_LIMIT);
}
