import { Scope, type ScopeName } from '@tanfang/schema';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, forbidden } from '../../graphql/errors.js';
import { decodeCursor, decodeOffset, encodeCursor, invalidCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { maskCertificateNumber, maskIdNumber } from '../../shared/masking.js';
import { likePrefix, pgArray } from '../../shared/sql.js';
import { AuditAction, writeReadAudit, type AuditEntry } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import type { Circumstance, ContactKind, DisabilityCategory, ElderStatus, Gender, IncapacityLevel } from '../elders/elder.enums.js';
import { bornOnOrBefore } from '../elders/id-number.js';
import { levelOfCode } from '../regions/region.entity.js';
import type { ElderClassEnum } from '../standards/standards.enums.js';
import type { DiseaseStatus, Trend } from '../visits/visits.types.js';
import { AGENCY_VIEWS, HEALTH_CIRCUMSTANCES, PARTNER_OF_ROLE, type AgencyField, type PartnerKind } from './agency-views.js';
import type { AgencyElderFilter, AgencyElderType, AgencyViewKind, ReferredAlertType } from './agency-views.types.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { REFERRED_COLUMNS, REFERRED_FROM, REFERRED_WHERE, requireReferralAgency, toReferredAlert, type ReferredRow } from '../alerts/referrals.service.js';
import { lastVisitAtSql } from '../visits/visits.queries.js';
import type { GraphQLResolveInfo } from 'graphql';
import { executeBound } from '../../shared/bound-sql.js';
import { selectedPath } from '../elders/elder.queries.js';
import { compiledReadAudit } from '../elders/elder.service.js';
import { compileAgencyElders, type AgencySelection } from './agency-views.queries.js';

/** The agency a partner user or API client acts for. */
export interface PartnerAgency {
  id: string;
  kind: PartnerKind;
  regionCode: string;
}

/** The partner kind an actor acts as (from its role), or FORBIDDEN: a partner without an agency sees nothing. */
export function partnerKindOf(actor: Actor): PartnerKind {
  const kind = PARTNER_OF_ROLE[actor.role];
  if (!kind) throw forbidden('仅合作部门可使用此视图', 'Only partner agencies have this view');
  if (!actor.agencyId || !isUuid(actor.agencyId)) {
    throw forbidden('您的账号未关联合作部门，请联系民政部门管理员', 'Your account is not linked to an agency: ask a civil-affairs administrator');
  }
  return kind;
}

/** The caller's agency (one statement). Its kind must be the caller's role: anything else is FORBIDDEN. */
export async function requirePartner(ctx: RequestContext, scope: ScopeName): Promise<{ actor: Actor; agency: PartnerAgency }> {
  const actor = requireScope(ctx, scope);
  const kind = partnerKindOf(actor);
  const [row] = await ctx.em.execute<{ id: string; kind: string; region_code: string }[]>(
    `select id, kind, region_code from agency where id = ?`,
    [actor.agencyId],
  );
  if (!row || row.kind !== kind) throw agencyMismatch();
  return { actor, agency: { id: row.id, kind, regionCode: row.region_code } };
}

const agencyMismatch = () =>
  forbidden('您的账号所属部门与角色不符，请联系民政部门管理员', "Your account's agency does not match its role: ask a civil-affairs administrator");

const outsideAgency = (code: string) =>
  forbidden(`${code} 不在您部门的管辖范围内`, `${code} is outside your agency's region`, { field: 'filter.regionCode' });

/** The AGENCY_VIEW_READ row of an agencyElders page (the compiled statement writes the same in SQL). */
function agencyReadAudit(agency: PartnerAgency, page: Row[]): AuditEntry {
  return {
    action: AuditAction.AgencyViewRead,
    regionCode: agency.regionCode,
    detail: { query: 'agencyElders', view: agency.kind, agencyId: agency.id, elderIds: page.map((r) => r.id) },
  };
}

interface Params {
  today: string;
}

/**
 * What each field of the matrix reads: columns of `elder e`, `region r` (the village), and of `lv`, the latest visit.
 * Only the fields of the caller's view are selected, so a field outside it cannot be filled even by mistake.
 */
const FIELD_SQL: Record<AgencyField, { columns: string[]; visit?: string[]; params?: (p: Params) => unknown[] }> = {
  name: { columns: ['e.name'] },
  gender: { columns: ['e.gender'] },
  birthDate: { columns: [`to_char(e.birth_date, 'YYYY-MM-DD') as birth_date`] },
  idNumber: { columns: ['e.id_number'] },
  village: { columns: ['r.code as village_code', 'r.name as village_name', 'r.full_name as village_full_name'] },
  addressDetail: { columns: ['e.address_detail'] },
  phone: { columns: ['e.phone'] },
  emergencyContacts: {
    columns: [
      `(select coalesce(json_agg(json_build_object('kind', c.kind, 'name', c.name, 'relation', c.relation, 'phone', c.phone) order by c.position), '[]'::json)
          from elder_contact c where c.elder_id = e.id) as emergency_contacts`,
    ],
  },
  status: { columns: ['e.status'] },
  circumstances: {
    // Recorded health circumstances, then the derived ones (grade 1-2; 80 or over today).
    columns: [
      `array(select x from unnest(e.circumstances) x where x = any(?::text[])
             union all select 'SEVERELY_DISABLED' where e.disability_grade <= 2
             union all select 'AGED_80_PLUS' where e.birth_date <= ?::date) as circumstances`,
    ],
    params: (p) => [pgArray(HEALTH_CIRCUMSTANCES), bornOnOrBefore(p.today, 80)],
  },
  incapacityLevel: { columns: ['e.incapacity_level'] },
  latestHealth: { columns: [], visit: ['expression', 'mobility', 'disease', 'disease_name', 'mood'] },
  disability: { columns: ['e.disability_certificate_number', 'e.disability_category', 'e.disability_grade'] },
  lastVisitOn: { columns: [], visit: [] },
  class: {
    columns: [`elder_class_on(e.id, e.computed_class, e.class_at_80, e.turns_80_on, ?::date) as cls`],
    params: (p) => [p.today],
  },
  housing: { columns: ['e.housing_safe'], visit: ['housing_unsafe', 'indoor_environment'] },
};

type Row = Record<string, unknown> & { id: string; sort_name: string; total: number };

/** The columns of `kind`'s view (with their `?` values) and the latest-visit join when a field needs it. */
function selectionOf(kind: PartnerKind, p: Params): AgencySelection {
  const columns: string[] = [];
  const params: unknown[] = [];
  const visitColumns = new Set<string>();
  let latestVisit = false;
  for (const field of AGENCY_VIEWS[kind].fields) {
    const f = FIELD_SQL[field];
    columns.push(...f.columns);
    params.push(...(f.params?.(p) ?? []));
    if (f.visit) {
      latestVisit = true;
      f.visit.forEach((c) => visitColumns.add(c));
    }
  }
  if (latestVisit) {
    columns.push(`to_char(lv.visited_on, 'YYYY-MM-DD') as lv_visited_on`, ...[...visitColumns].map((c) => `lv.${c} as lv_${c}`));
  }
  const lateral = latestVisit
    ? `left join lateral (select v.visited_on${[...visitColumns].map((c) => `, v.${c}`).join('')} from visit v
                            where v.elder_id = e.id and v.visited_at = ${lastVisitAtSql('e.id')} order by v.seq desc limit 1) lv on true`
    : '';
  return { columns, params, lateral };
}

/** The text filter, as in the elders list: a full ID number, its last digits (4 or more), or a name prefix. */
function textCondition(raw: string | null | undefined): { sql: string; params: unknown[] } | null {
  const text = raw?.trim();
  if (!text) return null;
  if (text.length > 50) throw badInput('搜索内容过长', 'Search text is too long', 'filter.text');
  if (/^\d{17}[\dXx]$/.test(text)) return { sql: 'e.id_number = ?', params: [text.toUpperCase()] };
  if (/^\d+[Xx]?$/.test(text)) {
    if (text.length < 4) throw badInput('按身份证号搜索时，请至少输入后 4 位', 'Give at least the last 4 digits of the ID number', 'filter.text');
    return { sql: 'reverse(e.id_number) like ?', params: [likePrefix([...text.toUpperCase()].reverse().join(''))] };
  }
  return { sql: 'e.name like ?', params: [likePrefix(text)] };
}

export class AgencyViewsService {
  constructor(private readonly ctx: RequestContext) {}

  /**
   * The caller's agency's view of elders, by name. Compiled (agency-views.queries.ts): one statement, the agency, the
   * page, the total and the audit row together. Uncompiled (TANFANG_COMPILED_READS=off, or input it refuses): three
   * statements whatever the page size: the agency, the page (with the total, the village, the latest visit and the
   * contacts, as the view needs them), the audit row.
   */
  async elders(
    filter: AgencyElderFilter | null,
    first: number | null | undefined,
    after: string | null | undefined,
    info?: GraphQLResolveInfo,
  ): Promise<ConnectionShape<AgencyElderType>> {
    const size = pageSize(first);
    let cursor: [string, string] | null = null;
    if (after) {
      const [name, id] = decodeCursor(after, 2);
      if (typeof name !== 'string' || typeof id !== 'string' || !isUuid(id)) throw invalidCursor();
      cursor = [name, id];
    }
    if (info && this.ctx.compiledReads?.enabled) {
      const compiled = await this.compiledElders(info, filter, size, cursor);
      if (compiled) return compiled;
    }
    const { actor, agency } = await requirePartner(this.ctx, Scope.AgencyViewRead);
    const view = AGENCY_VIEWS[agency.kind];

    const where = [inSubtree('e.region_code'), inSubtree('e.region_code'), view.elders];
    const baseParams: unknown[] = [agency.regionCode, actor.regionCode];
    if (filter?.regionCode) {
      const code = filter.regionCode.trim();
      if (!levelOfCode(code)) {
        throw badInput('行政区划代码应为 2、4、6、9 或 12 位数字', 'A region code has 2, 4, 6, 9 or 12 digits', 'filter.regionCode');
      }
      if (!code.startsWith(agency.regionCode) || !code.startsWith(actor.regionCode)) throw outsideAgency(code);
      where.push(inSubtree('e.region_code'));
      baseParams.push(code);
    }
    const text = textCondition(filter?.text);
    if (text) {
      where.push(text.sql);
      baseParams.push(...text.params);
    }

    const selection = selectionOf(agency.kind, { today: today(this.ctx) });
    const columns = ['e.id', 'b.name as sort_name', ...selection.columns];
    const rows = await this.ctx.em.execute<Row[]>(
      `with base as (select e.id, e.name from elder e where ${where.join(' and ')}),
       page as (
         select ${columns.join(', ')}
           from base b join elder e on e.id = b.id join region r on r.code = e.region_code ${selection.lateral}
          where ${cursor ? '(b.name, b.id) > (?, ?::uuid)' : 'true'}
          order by b.name, b.id
          limit ?)
       select t.total, p.* from (select count(*)::int as total from base) t left join page p on true
        order by p.sort_name, p.id`,
      [...baseParams, ...selection.params, ...(cursor ?? []), size + 1],
    );
    const page = rows.filter((r) => r.id !== null);
    if (page.length > 0) await writeReadAudit(this.ctx, [agencyReadAudit(agency, page.slice(0, size))]);
    return this.connection(agency.kind, page, size, !!cursor, Number(rows[0]?.total ?? 0));
  }

  /**
   * The compiled read (agency-views.queries.ts); null when the input is one the uncompiled path refuses (a bad region
   * code, a region outside the caller's own subtree, a bad text filter), so that its refusal and message stay the same.
   */
  private async compiledElders(
    info: GraphQLResolveInfo,
    filter: AgencyElderFilter | null,
    size: number,
    cursor: [string, string] | null,
  ): Promise<ConnectionShape<AgencyElderType> | null> {
    // requirePartner's checks that need no database, in its order; the agency itself is read in the statement.
    const actor = requireScope(this.ctx, Scope.AgencyViewRead);
    const kind = partnerKindOf(actor);
    const code = filter?.regionCode?.trim() || null;
    if (code && (!levelOfCode(code) || !code.startsWith(actor.regionCode))) return null;
    let text: ReturnType<typeof textCondition>;
    try {
      text = textCondition(filter?.text);
    } catch {
      return null;
    }
    // Who reads, as the other compiled reads name them; an agency view's row is its own (one per root field), so it
    // rides in the statement whenever the statement may write, whatever else the operation asks.
    const audit = { ...compiledReadAudit(this.ctx, info), inStatement: this.ctx.compiledReads!.auditInStatement };
    const totalAsked = selectedPath(info, this.ctx, [['AgencyElderConnection', 'totalCount']]);
    const statement = compileAgencyElders({
      agencyId: actor.agencyId!, kind, actorRegion: actor.regionCode, regionCode: code, text,
      selection: selectionOf(kind, { today: today(this.ctx) }), after: cursor, size,
      total: totalAsked === null || totalAsked.length > 0,
      audit, asyncCommit: !this.ctx.em.isInTransaction(),
    });
    const rows = await executeBound<Row & { agency_id: string; agency_kind: string; agency_region: string }>(
      this.ctx.em, statement.sql, statement.params, { prepare: this.ctx.compiledReads!.prepared },
    );
    const head = rows[0];
    if (!head || head.agency_kind !== kind) throw agencyMismatch();
    const agency: PartnerAgency = { id: head.agency_id, kind, regionCode: head.agency_region };
    if (code && !code.startsWith(agency.regionCode)) throw outsideAgency(code);
    const page = rows.filter((r) => r.id !== null);
    if (page.length > 0 && !audit.inStatement) await writeReadAudit(this.ctx, [agencyReadAudit(agency, page.slice(0, size))]);
    return this.connection(kind, page, size, !!cursor, Number(head.total ?? 0));
  }

  /** The connection of a page read with one row more than its size (whether more follow). */
  private connection(kind: PartnerKind, found: Row[], size: number, afterCursor: boolean, total: number): ConnectionShape<AgencyElderType> {
    const page = found.slice(0, size);
    const nodes = page.map((r) => this.toElder(kind, r));
    const sortName = new Map(page.map((r) => [r.id, r.sort_name]));
    return toConnection(nodes, (n) => encodeCursor([sortName.get(n.id), n.id]), found.length > size, afterCursor, total);
  }

  private toElder(kind: PartnerKind, r: Row): AgencyElderType {
    const fields = new Set<AgencyField>(AGENCY_VIEWS[kind].fields);
    const has = (f: AgencyField) => fields.has(f);
    const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
    const visited = str(r.lv_visited_on);
    const grade = r.disability_grade === null || r.disability_grade === undefined ? null : Number(r.disability_grade);
    return {
      id: r.id,
      view: kind as AgencyViewKind,
      name: has('name') ? str(r.name) : null,
      gender: has('gender') ? (str(r.gender) as Gender | null) : null,
      birthDate: has('birthDate') ? str(r.birth_date) : null,
      idNumber: has('idNumber') ? maskIdNumber(str(r.id_number)) : null,
      village: has('village') ? { code: String(r.village_code), name: String(r.village_name), fullName: String(r.village_full_name) } : null,
      addressDetail: has('addressDetail') ? str(r.address_detail) : null,
      phone: has('phone') ? str(r.phone) : null,
      emergencyContacts: has('emergencyContacts')
        ? (r.emergency_contacts as { kind: ContactKind; name: string; relation: string | null; phone: string }[])
        : null,
      status: has('status') ? (str(r.status) as ElderStatus | null) : null,
      circumstances: has('circumstances') ? (r.circumstances as Circumstance[]) : null,
      incapacityLevel: has('incapacityLevel') ? (str(r.incapacity_level) as IncapacityLevel | null) : null,
      latestHealth:
        has('latestHealth') && visited
          ? {
              visitedOn: visited,
              expression: str(r.lv_expression) as Trend | null,
              mobility: str(r.lv_mobility) as Trend | null,
              disease: str(r.lv_disease) as DiseaseStatus | null,
              diseaseName: str(r.lv_disease_name),
              mood: str(r.lv_mood) as Trend | null,
            }
          : null,
      disability:
        has('disability') && (r.disability_certificate_number || r.disability_category || grade)
          ? {
              certificateNumber: maskCertificateNumber(str(r.disability_certificate_number)),
              category: str(r.disability_category) as DisabilityCategory | null,
              grade,
              severe: !!grade && grade <= 2,
            }
          : null,
      lastVisitOn: has('lastVisitOn') ? visited : null,
      class: has('class') ? ((str(r.cls)?.trim() || null) as ElderClassEnum | null) : null,
      housing: has('housing')
        ? {
            housingSafe: (r.housing_safe as boolean | null) ?? null,
            visitedOn: visited,
            housingUnsafe: (r.lv_housing_unsafe as boolean | null | undefined) ?? null,
            indoorEnvironment: str(r.lv_indoor_environment) as Trend | null,
          }
        : null,
    };
  }

  /**
   * Alerts referred to the caller's agency kind whose elder lives in its region subtree, latest referral first.
   * Three statements whatever the page size: the agency, the page, the audit row.
   */
  async referredAlerts(first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<ReferredAlertType>> {
    const size = pageSize(first);
    const start = decodeOffset(after);
    // Partners and service organisations alike: every agency an alert can be referred to.
    const { actor, agency } = await requireReferralAgency(this.ctx, Scope.AlertReadReferred);
    const rows = await this.ctx.em.execute<(ReferredRow & { total: string })[]>(
      `select ${REFERRED_COLUMNS}, count(*) over () as total
         from ${REFERRED_FROM}
        where ${REFERRED_WHERE}
        order by a.referred_at desc nulls last, a.id
        limit ? offset ?`,
      [agency.referral, agency.regionCode, actor.regionCode, size + 1, start],
    );
    const nodes: ReferredAlertType[] = rows.slice(0, size).map(toReferredAlert);
    if (nodes.length > 0) {
      await writeReadAudit(this.ctx, [
        {
          action: AuditAction.AgencyViewRead,
          regionCode: agency.regionCode,
          detail: {
            query: 'referredAlerts',
            view: agency.kind,
            agencyId: agency.id,
            elderIds: [...new Set(nodes.map((n) => n.elderId))],
            alertIds: nodes.map((n) => n.id),
          },
        },
      ]);
    }
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }
}
