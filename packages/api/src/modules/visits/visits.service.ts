import { createHash } from 'node:crypto';
import { stableJson } from '../../shared/json.js';
import { pgArray, toDate } from '../../shared/sql.js';
import { executeBound } from '../../shared/bound-sql.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Scope } from '@tanfang/schema';
import { chinaDate, requireActor, requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, FieldErrors, forbidden, notFound } from '../../graphql/errors.js';
import { decodeCursor, encodeCursor, invalidCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { isIsoInstant } from '../../shared/text.js';
import { groupByKeys } from '../../shared/loaders.js';
import { maskPhone } from '../../shared/masking.js';
import type { Actor } from '../auth/actor.js';
import { raiseAlerts } from '../alerts/alerts.write.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import type { Elder } from '../elders/elder.entity.js';
import { isRealDate } from '../elders/id-number.js';
import { RegionService } from '../regions/region.service.js';
import type { VisitorKind } from '../teams/teams.types.js';
import type {
  CareKind,
  CareServiceInput,
  CareServiceType,
  RecordCareServiceInput,
  RecordVisitInput,
  ElderSigner,
  VisitFilter,
  VisitFlag,
  VisitMethod,
  VisitType,
} from './visits.types.js';
import { flagsOf, proofLimitsOf, validateProof } from './visits.proof.js';
import { inSubtree, isAncestorOrSelf } from '../../shared/jurisdiction.js';
import { newestVisitsSql, visitCountSql } from './visits.queries.js';

/** Device clocks drift: a visit stamped a few minutes ahead of the server is not "in the future". */
const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_CARE_SERVICES = 20;

interface ElderForVisit {
  id: string;
  county_code: string;
  region_code: string;
  registered_on: string;
  status: string;
  status_date: string | null;
}

interface VisitRow {
  id: string;
  care_services: { id: string; kind: string; content: string | null; deliveredOn: string }[] | string;
  alert_ids: string[];
  elder_id: string;
  seq: number;
  visited_at: Date;
  visited_on: string;
  method: string;
  visitor_id: string | null;
  visitor_name: string | null;
  visitor_kind: string | null;
  visitor_phone: string | null;
  visitor_region: string | null;
  visitor_team: string | null;
  visitor_user: string | null;
  visitor_active: boolean | null;
  visitor_left_on: string | null;
  visitor_name_as_written: string | null;
  entered_by_name: string | null;
  entered_at: Date;
  campaign_id: string | null;
  location: string | null;
  latitude: string | null;
  longitude: string | null;
  duration_minutes: number | null;
  household_change: string | null;
  household_change_count: number | null;
  expression: string | null;
  mobility: string | null;
  disease: string | null;
  disease_name: string | null;
  mood: string | null;
  gas_safety: string | null;
  water_heating_safety: string | null;
  electricity_safety: string | null;
  housing_unsafe: boolean | null;
  unattended: boolean | null;
  personal_hygiene: string | null;
  home_hygiene: string | null;
  indoor_environment: string | null;
  service_needs: string | null;
  care_suggestions: string | null;
  visitor_signed: boolean;
  elder_signed: boolean;
  satisfaction: string | null;
  notes: string | null;
  flags: string[] | string;
  distance_meters: number | null;
  has_proof: boolean;
  proof_visitor_signature: boolean;
  proof_elder_signature: boolean;
  proof_elder_signer: string | null;
  proof_elder_unable_reason: string | null;
  proof_photo: boolean;
  proof_location_consent: boolean;
}

/**
 * The visit rows the API shows, with their visitor, proof flags, care services and alerts. `from` is the visits'
 * source aliased `v`: the table, or an elder's newest visits found through visit_by_elder (visits.queries.ts).
 */
const visitSelect = (from = 'visit v'): string => `
  select v.id, v.elder_id, v.seq, v.visited_at, to_char(v.visited_on, 'YYYY-MM-DD') as visited_on, v.method,
         v.visitor_id, vi.name as visitor_name, vi.kind as visitor_kind, vi.phone as visitor_phone, vi.region_code as visitor_region,
         vi.team_id as visitor_team, vi.user_id as visitor_user, vi.active as visitor_active, to_char(vi.left_on, 'YYYY-MM-DD') as visitor_left_on,
         v.visitor_name_as_written, u.username as entered_by_name, v.entered_at, v.campaign_id, v.location, v.latitude, v.longitude, v.duration_minutes,
         v.household_change, v.household_change_count, v.expression, v.mobility, v.disease, v.disease_name, v.mood,
         v.gas_safety, v.water_heating_safety, v.electricity_safety, v.housing_unsafe, v.unattended,
         v.personal_hygiene, v.home_hygiene, v.indoor_environment, v.service_needs, v.care_suggestions,
         v.visitor_signed, v.elder_signed, v.satisfaction, v.notes, v.flags, v.distance_meters,
         -- Proof: whether each image exists, never the images (bytea is not detoasted for "is not null").
         p.visit_id is not null as has_proof, p.visitor_signature is not null as proof_visitor_signature,
         p.elder_signature is not null as proof_elder_signature, p.elder_signer as proof_elder_signer,
         p.elder_unable_reason as proof_elder_unable_reason, p.photo is not null as proof_photo,
         coalesce(p.location_consent, false) as proof_location_consent,
         -- A visit's care services and alerts come with it: listing visits is one statement, not three.
         (select coalesce(json_agg(json_build_object('id', cs.id, 'kind', cs.kind, 'content', cs.content,
                    'deliveredOn', to_char(cs.delivered_on, 'YYYY-MM-DD')) order by cs.recorded_at), '[]')
            from care_service cs where cs.visit_id = v.id) as care_services,
         array(select a.id from alert a where a.visit_id = v.id order by a.raised_at, a.id)::text[] as alert_ids
    from ${from}
    left join visitor vi on vi.id = v.visitor_id
    left join app_user u on u.id = v.entered_by
    left join visit_proof p on p.visit_id = v.id`;

/** The findings of a visit that the alert rules read, by the rules' finding names. */
function findingsOf(input: RecordVisitInput): Record<string, string> {
  const findings: Record<string, string> = {};
  const keys = ['expression', 'mobility', 'disease', 'mood', 'gasSafety', 'waterHeatingSafety', 'electricitySafety', 'housingUnsafe', 'unattended', 'personalHygiene', 'homeHygiene', 'indoorEnvironment'] as const;
  for (const key of keys) {
    const value = input[key];
    if (value !== null && value !== undefined) findings[key] = String(value);
  }
  return findings;
}

export class VisitsService {
  constructor(private readonly ctx: RequestContext) {}

  async record(input: RecordVisitInput): Promise<VisitType> {
    const actor = this.requireRecorder();
    const clean = this.validate(input);
    const hash = requestHash(input);
    const key = input.idempotencyKey?.trim() || null;
    if (key) {
      const again = await this.replay(actor, key, hash);
      if (again) return again;
    }
    const elder = await this.elderForRecording(actor, input.elderId);
    const visitedOn = chinaDate(clean.visitedAt);
    const errors = new FieldErrors();
    if (visitedOn < elder.registered_on) {
      errors.add('visitedAt', `探访日期早于建档日期（${elder.registered_on}），请核对`, `The visit is dated before the archive was registered (${elder.registered_on})`);
    }
    if (elder.status !== 'ACTIVE' && elder.status_date && visitedOn > elder.status_date) {
      errors.add('visitedAt', `该档案已于 ${elder.status_date} 销档，之后不能再记录探访`, `The archive was closed on ${elder.status_date}; no visits after that`);
    }
    // A service delivered on the visit has the archive's bounds too (its date defaults to the visit day).
    (input.careServices ?? []).forEach((s, i) => {
      if (!s.deliveredOn) return;
      if (s.deliveredOn < elder.registered_on || (elder.status !== 'ACTIVE' && elder.status_date && s.deliveredOn > elder.status_date)) {
        errors.add(`careServices.${i}.deliveredOn`, '服务日期早于建档日期或晚于销档日期', 'deliveredOn is before the archive was registered or after it was closed');
      }
    });
    errors.throwIfAny();
    const visitorId = await this.visitorFor(actor, input.visitorId ?? null);
    if (input.campaignId) await this.checkCampaign(input.campaignId, elder, visitedOn);
    const now = this.ctx.now();
    const limits = proofLimitsOf(this.ctx);
    const proof = clean.proof;
    const gps = input.latitude != null && input.longitude != null;
    try {
      const id = await this.ctx.em.transactional(async (em) => {
        // One visit numbered at a time per elder: the lock makes "第 n 次" gapless and unique (and the reference
        // location below is set once).
        await em.execute(`select id from elder where id = ? for update`, [elder.id]);
        // A home visit with GPS is measured from the elder's reference location; the first one sets it.
        let distance: number | null = null;
        let setsReference = false;
        if (input.method === 'HOME' && gps) {
          const [ref] = await em.execute<{ d: number }[]>(
            `select geo_distance_m(?::numeric, ?::numeric, latitude, longitude) as d from elder_reference_location where elder_id = ?`,
            [input.latitude, input.longitude, elder.id],
          );
          distance = ref ? Number(ref.d) : 0;
          setsReference = !ref;
        }
        const flags = flagsOf(input, { visitedAt: clean.visitedAt, enteredAt: now, distanceMeters: distance, imported: false }, limits);
        const [row] = await em.execute<{ id: string; seq: number }[]>(
          `insert into visit (elder_id, county_code, region_code, seq, visited_at, visited_on, method, visitor_id, entered_by, entered_at,
             campaign_id, location, latitude, longitude, duration_minutes, household_change, household_change_count, expression, mobility,
             disease, disease_name, mood, gas_safety, water_heating_safety, electricity_safety, housing_unsafe, unattended,
             personal_hygiene, home_hygiene, indoor_environment, service_needs, care_suggestions, visitor_signed, elder_signed,
             satisfaction, notes, idempotency_key, request_hash, flags, distance_meters)
           select ?, ?, ?, coalesce((select max(seq) from visit where elder_id = ?), 0) + 1, ?, ?, ?, ?, ?, ?,
             ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?
           returning id, seq`,
          [
            elder.id, elder.county_code, elder.region_code, elder.id, clean.visitedAt, visitedOn, input.method, visitorId, actor.userId, now,
            input.campaignId ?? null, clean.location, input.latitude ?? null, input.longitude ?? null, input.durationMinutes ?? null,
            input.householdChange ?? null, input.householdChangeCount ?? null, input.expression ?? null, input.mobility ?? null,
            input.disease ?? null, clean.diseaseName, input.mood ?? null, input.gasSafety ?? null, input.waterHeatingSafety ?? null,
            input.electricitySafety ?? null, input.housingUnsafe ?? null, input.unattended ?? null, input.personalHygiene ?? null,
            input.homeHygiene ?? null, input.indoorEnvironment ?? null, clean.serviceNeeds, clean.careSuggestions,
            // A signature drawn on screen is a signature: old clients that send only the booleans still work.
            (input.visitorSigned ?? false) || !!proof?.visitorSignature, (input.elderSigned ?? false) || !!proof?.elderSignature,
            input.satisfaction ?? null, clean.notes, key, hash, pgArray(flags), distance,
          ],
        );
        if (proof) {
          await em.execute(
            `insert into visit_proof (visit_id, visitor_signature, elder_signature, elder_signer, elder_unable_reason, photo, location_consent, created_at)
             values (?, ?, ?, ?, ?, ?, ?, ?)`,
            [row!.id, proof.visitorSignature, proof.elderSignature, proof.elderSigner, proof.elderUnableReason, proof.photo, proof.locationConsent, now],
            'run',
          );
        }
        if (setsReference) {
          await em.execute(
            `insert into elder_reference_location (elder_id, latitude, longitude, source, set_at, set_by, visit_id)
             values (?, ?, ?, 'FIRST_HOME_VISIT', ?, ?, ?)`,
            [elder.id, input.latitude, input.longitude, now, actor.userId, row!.id],
            'run',
          );
        }
        const services = (input.careServices ?? []).map((s) => ({
          kind: s.kind, content: s.content?.trim() || null, delivered_on: s.deliveredOn ?? visitedOn,
        }));
        if (services.length > 0) {
          await em.execute(
            `insert into care_service (elder_id, county_code, visit_id, kind, content, delivered_on, recorded_by, recorded_at)
             select ?, ?, ?, s.kind, s.content, s.delivered_on, ?, ? from jsonb_to_recordset(?::jsonb) as s(kind text, content text, delivered_on date)`,
            [elder.id, elder.county_code, row!.id, actor.userId, now, JSON.stringify(services)],
            'run',
          );
        }
        // Findings raise alerts by the rules table; each visit's findings are their own event.
        const findings = findingsOf(input);
        const alerts = Object.keys(findings).length === 0 ? [] : await raiseAlerts(em, [{
          elderId: elder.id, countyCode: elder.county_code, regionCode: elder.region_code, visitId: row!.id, findings,
          ruleDetails: { SERIOUS_ILLNESS: clean.diseaseName }, repeat: true,
        }], { at: now, actorId: actor.userId, note: '探访发现' });
        await writeAudit(
          this.ctx,
          [{ action: AuditAction.VisitRecord, elderId: elder.id, regionCode: elder.region_code, detail: { visitId: row!.id, seq: row!.seq, method: input.method, visitedOn, alerts: alerts.length, flags, proof: !!proof } }],
          em,
        );
        return row!.id;
      });
      return (await this.byIds([id]))[0]!;
    } catch (error) {
      // The same submission arriving twice at once: the unique key lets one in; the other gets the first's record.
      if (key && error instanceof UniqueConstraintViolationException) {
        const again = await this.replay(actor, key, hash);
        if (again) return again;
      }
      throw error;
    }
  }

  async recordCareService(input: RecordCareServiceInput): Promise<CareServiceType> {
    const actor = this.requireRecorder();
    if (!isRealDate(input.deliveredOn) || input.deliveredOn > chinaDate(this.ctx.now())) {
      throw badInput('服务日期无效或晚于今天', 'deliveredOn is invalid or in the future', 'deliveredOn');
    }
    const content = optionalText(input.content, 300);
    const elder = await this.elderForRecording(actor, input.elderId);
    if (elder.status !== 'ACTIVE' && elder.status_date && input.deliveredOn > elder.status_date) {
      throw badInput(`该档案已于 ${elder.status_date} 销档，之后不能再记录关爱服务`, `The archive was closed on ${elder.status_date}; no services after that`, 'deliveredOn');
    }
    if (input.deliveredOn < elder.registered_on) {
      throw badInput(`服务日期早于建档日期（${elder.registered_on}）`, `deliveredOn is before the archive was registered (${elder.registered_on})`, 'deliveredOn');
    }
    return this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into care_service (elder_id, county_code, kind, content, delivered_on, recorded_by, recorded_at)
         values (?, ?, ?, ?, ?, ?, ?) returning id`,
        [elder.id, elder.county_code, input.kind, content, input.deliveredOn, actor.userId, this.ctx.now()],
      );
      await writeAudit(this.ctx, [{ action: AuditAction.CareServiceRecord, elderId: elder.id, regionCode: elder.region_code, detail: { kind: input.kind, deliveredOn: input.deliveredOn } }], em);
      return { id: row!.id, kind: input.kind, content, deliveredOn: input.deliveredOn, visitId: null };
    });
  }

  /** Visit records of a region subtree, newest first (keyset pagination). Four statements for any page. */
  async list(filter: VisitFilter | null, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<VisitType>> {
    const actor = requireScope(this.ctx, Scope.VisitRead);
    const size = pageSize(first);
    const region = filter?.regionCode ? (await new RegionService(this.ctx).requireRegionInJurisdiction(actor, filter.regionCode)).code : actor.regionCode;
    // Jurisdiction follows the elder's current village: an archive that moved takes its visits with it.
    const where: string[] = [`v.elder_id in (select e.id from elder e where ${inSubtree('e.region_code')})`];
    const params: unknown[] = [region];
    if (filter?.elderId) {
      if (!isUuid(filter.elderId)) return toConnection([], () => '', false, false, 0);
      where.push('v.elder_id = ?');
      params.push(filter.elderId);
    }
    if (filter?.visitorId) {
      if (!isUuid(filter.visitorId)) return toConnection([], () => '', false, false, 0);
      where.push('v.visitor_id = ?');
      params.push(filter.visitorId);
    }
    if (filter?.methods?.length) {
      where.push('v.method = any(?::text[])');
      params.push(pgArray(filter.methods));
    }
    if (filter?.from) {
      where.push('v.visited_on >= ?');
      params.push(filter.from);
    }
    if (filter?.to) {
      where.push('v.visited_on <= ?');
      params.push(filter.to);
    }
    if (filter?.flags?.length) {
      // `flags <> '{}'` lets the planner walk visit_flagged_idx (flagged visits only, newest first).
      where.push(`v.flags <> '{}' and v.flags && ?::text[]`);
      params.push(pgArray(filter.flags));
    }
    const [{ n }] = (await this.ctx.em.execute<{ n: string }[]>(`select count(*) as n from visit v where ${where.join(' and ')}`, params)) as [{ n: string }];
    const pageWhere = [...where];
    const pageParams = [...params];
    if (after) {
      const [at, id] = decodeCursor(after, 2);
      if (!isIsoInstant(at) || typeof id !== 'string' || !isUuid(id)) throw invalidCursor();
      pageWhere.push('(v.visited_at, v.id) < (?::timestamptz, ?::uuid)');
      pageParams.push(at, id);
    }
    const rows = await this.ctx.em.execute<VisitRow[]>(
      `${visitSelect()} where ${pageWhere.join(' and ')} order by v.visited_at desc, v.id desc limit ?`,
      [...pageParams, size + 1],
    );
    const nodes = await this.hydrate(rows.slice(0, size));
    return toConnection(nodes, (v) => encodeCursor([v.visitedAt.toISOString(), v.id]), rows.length > size, !!after, Number(n));
  }

  /** The visits of one elder (already loaded through the jurisdiction filter). First pages of a list batch. */
  async ofElder(elder: Elder, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<VisitType>> {
    requireScope(this.ctx, Scope.VisitRead);
    if (after) return this.list({ elderId: elder.id, regionCode: null }, first, after);
    const size = pageSize(first);
    const batch = await this.ctx.loaders
      .get<string, { nodes: VisitType[]; more: boolean; total: number }>(`visits.ofElder.${size}`, async (ids) => {
        // Each elder's newest visits straight from visit_by_elder, and its visit count. Bound and prepared like the
        // compiled reads: planning this lateral over every monthly partition of `visit` is most of its cost.
        const rows = await executeBound<VisitRow & { total: string; rn: string }>(
          this.ctx.em,
          `select y.*, row_number() over (partition by y.elder_id order by y.visited_at desc, y.id desc) as rn, t.total
             from unnest(?::uuid[]) as ids(elder_id)
             cross join lateral (${visitSelect(`${newestVisitsSql('ids.elder_id', '?')} v`)}) y
             cross join lateral (select ${visitCountSql('ids.elder_id')} as total) t
            order by y.elder_id, y.visited_at desc, y.id desc`,
          [pgArray(ids), size + 1],
          { prepare: this.ctx.compiledReads?.prepared ?? false, generic: true },
        );
        const shown = rows.filter((r) => Number(r.rn) <= size);
        const hydrated = await this.hydrate(shown);
        return groupByKeys(ids, rows, (r) => r.elder_id).map((list) => ({
          nodes: hydrated.filter((v) => v.elderId === list[0]?.elder_id),
          more: list.length > size,
          total: Number(list[0]?.total ?? 0),
        }));
      })
      .load(elder.id);
    return toConnection(batch.nodes, (v) => encodeCursor([v.visitedAt.toISOString(), v.id]), batch.more, false, batch.total);
  }

  async careServicesOf(elder: Elder, from: string | null, to: string | null): Promise<CareServiceType[]> {
    requireScope(this.ctx, Scope.VisitRead);
    const rows = await this.ctx.em.execute<{ id: string; kind: string; content: string | null; delivered_on: string; visit_id: string | null }[]>(
      `select id, kind, content, to_char(delivered_on, 'YYYY-MM-DD') as delivered_on, visit_id from care_service
        where elder_id = ? and (?::date is null or delivered_on >= ?::date) and (?::date is null or delivered_on <= ?::date)
        order by delivered_on desc, recorded_at desc limit 200`,
      [elder.id, from, from, to, to],
    );
    return rows.map((r) => ({ id: r.id, kind: r.kind as CareKind, content: r.content, deliveredOn: r.delivered_on, visitId: r.visit_id }));
  }

  async byIds(ids: string[]): Promise<VisitType[]> {
    const rows = await this.ctx.em.execute<VisitRow[]>(`${visitSelect()} where v.id = any(?::uuid[])`, [pgArray(ids)]);
    return this.hydrate(rows);
  }

  /** Care services and alert ids of a page of visits: two statements. */
  private async hydrate(rows: VisitRow[]): Promise<VisitType[]> {
    return rows.map((r) => ({
      id: r.id,
      elderId: r.elder_id,
      seq: r.seq,
      visitedAt: toDate(r.visited_at),
      visitedOn: r.visited_on,
      method: r.method as VisitMethod,
      visitor: r.visitor_id
        ? {
            id: r.visitor_id, name: r.visitor_name!, kind: r.visitor_kind as VisitorKind, phone: maskPhone(r.visitor_phone), regionCode: r.visitor_region!,
            teamId: r.visitor_team, hasLogin: r.visitor_user !== null, active: r.visitor_active ?? false, leftOn: r.visitor_left_on,
          }
        : null,
      visitorNameAsWritten: r.visitor_name_as_written,
      enteredBy: r.entered_by_name ?? '',
      enteredAt: toDate(r.entered_at),
      campaignId: r.campaign_id,
      location: r.location,
      latitude: r.latitude === null ? null : Number(r.latitude),
      longitude: r.longitude === null ? null : Number(r.longitude),
      durationMinutes: r.duration_minutes,
      householdChange: r.household_change as VisitType['householdChange'],
      householdChangeCount: r.household_change_count,
      expression: r.expression as VisitType['expression'],
      mobility: r.mobility as VisitType['mobility'],
      disease: r.disease as VisitType['disease'],
      diseaseName: r.disease_name,
      mood: r.mood as VisitType['mood'],
      gasSafety: r.gas_safety as VisitType['gasSafety'],
      waterHeatingSafety: r.water_heating_safety as VisitType['waterHeatingSafety'],
      electricitySafety: r.electricity_safety as VisitType['electricitySafety'],
      housingUnsafe: r.housing_unsafe,
      unattended: r.unattended,
      personalHygiene: r.personal_hygiene as VisitType['personalHygiene'],
      homeHygiene: r.home_hygiene as VisitType['homeHygiene'],
      indoorEnvironment: r.indoor_environment as VisitType['indoorEnvironment'],
      serviceNeeds: r.service_needs,
      careSuggestions: r.care_suggestions,
      visitorSigned: r.visitor_signed,
      elderSigned: r.elder_signed,
      satisfaction: r.satisfaction as VisitType['satisfaction'],
      notes: r.notes,
      careServices: (typeof r.care_services === 'string' ? (JSON.parse(r.care_services) as Exclude<VisitRow['care_services'], string>) : r.care_services)
        .map((cs) => ({ ...cs, kind: cs.kind as CareKind, visitId: r.id })),
      alertIds: r.alert_ids,
      flags: (typeof r.flags === 'string' ? parseTextArray(r.flags) : r.flags) as VisitFlag[],
      distanceMeters: r.distance_meters,
      proof: r.has_proof
        ? {
            hasVisitorSignature: r.proof_visitor_signature,
            hasElderSignature: r.proof_elder_signature,
            elderSigner: r.proof_elder_signer as ElderSigner | null,
            elderUnableToSignReason: r.proof_elder_unable_reason,
            hasPhoto: r.proof_photo,
            locationConsent: r.proof_location_consent,
          }
        : null,
    }));
  }

  private requireRecorder(): Actor {
    const actor = requireActor(this.ctx);
    if (!actor.scopes.has(Scope.VisitCreate) && !actor.scopes.has(Scope.VisitCreateAssigned)) {
      return requireScope(this.ctx, Scope.VisitCreate);
    }
    return actor;
  }

  /**
   * The elder a visit is recorded for. Outside the jurisdiction (or missing) is FORBIDDEN, with one message for both,
   * so the answer does not tell whether such an archive exists. A visitor-only login must be assigned to the elder.
   */
  private async elderForRecording(actor: Actor, elderId: string): Promise<ElderForVisit> {
    // Outside the jurisdiction is NOT_FOUND, exactly like a missing archive (as for every other operation on an elder).
    const outside = () => notFound('老年人档案', 'elder archive');
    if (!isUuid(elderId)) throw outside();
    const [elder] = await this.ctx.em.execute<ElderForVisit[]>(
      `select id, county_code, region_code, to_char((registered_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as registered_on,
              status, to_char(status_date, 'YYYY-MM-DD') as status_date
         from elder where id = ? and ${inSubtree('region_code')}`,
      [elderId, actor.regionCode],
    );
    if (!elder) throw outside();
    if (!actor.scopes.has(Scope.VisitCreate)) {
      const [assigned] = await this.ctx.em.execute<{ ok: number }[]>(
        `select 1 as ok from assignment a join visitor v on v.id = a.visitor_id
          where a.elder_id = ? and a.ends_at is null and v.user_id = ? and v.active`,
        [elder.id, actor.userId],
      );
      if (!assigned) {
        throw forbidden('您未与该老年人结对，不能为其记录探访', 'You are not assigned to this elder, so you cannot record visits for them', { field: 'elderId' });
      }
    }
    return elder;
  }

  private async visitorFor(actor: Actor, visitorId: string | null): Promise<string | null> {
    const [own] = await this.ctx.em.execute<{ id: string }[]>(`select id from visitor where user_id = ? and active`, [actor.userId]);
    if (!visitorId) return own?.id ?? null;
    if (!actor.scopes.has(Scope.VisitCreate) && visitorId !== own?.id) {
      throw forbidden('只能以本人身份记录探访', 'You can record visits only as yourself', { field: 'visitorId' });
    }
    const [row] = isUuid(visitorId)
      ? await this.ctx.em.execute<{ id: string }[]>(`select id from visitor where id = ? and ${inSubtree('region_code')}`, [visitorId, actor.regionCode])
      : [];
    if (!row) throw badInput('探访人员不存在或不在您的管辖范围内', 'No such visitor in your jurisdiction', 'visitorId');
    return row.id;
  }

  private async checkCampaign(campaignId: string, elder: ElderForVisit, visitedOn: string): Promise<void> {
    const [c] = isUuid(campaignId)
      ? await this.ctx.em.execute<{ ok: boolean }[]>(
          `select ${isAncestorOrSelf('region_code')} and ?::date between starts_on and ends_on and cancelled_at is null as ok from campaign where id = ?`,
          [elder.region_code, visitedOn, campaignId],
        )
      : [];
    if (!c?.ok) throw badInput('该探访不属于所选的叠加探访活动（地区或日期不符）', 'The visit does not fall in that campaign (region or dates)', 'campaignId');
  }

  private async replay(actor: Actor, key: string, hash: string): Promise<VisitType | null> {
    const [prior] = await this.ctx.em.execute<{ id: string; request_hash: string }[]>(
      `select id, request_hash from visit where entered_by = ? and idempotency_key = ?`,
      [actor.userId, key],
    );
    if (!prior) return null;
    if (prior.request_hash !== hash) {
      throw conflict(
        '该提交编号（idempotencyKey）已用于另一份不同的探访记录，请换一个编号',
        'This idempotencyKey was already used for a different visit record: use a new key',
        { field: 'idempotencyKey', existingVisitId: prior.id },
      );
    }
    return (await this.byIds([prior.id]))[0]!;
  }

  private validate(input: RecordVisitInput) {
    const errors = new FieldErrors();
    const visitedAt = input.visitedAt instanceof Date ? input.visitedAt : new Date(String(input.visitedAt));
    if (Number.isNaN(visitedAt.getTime())) errors.add('visitedAt', '探访时间无效', 'visitedAt is not a valid time');
    else if (visitedAt.getTime() > this.ctx.now().getTime() + CLOCK_SKEW_MS) {
      errors.add('visitedAt', '探访时间不能晚于现在', 'visitedAt cannot be in the future');
    }
    if (input.disease === 'SERIOUS' && !input.diseaseName?.trim()) {
      errors.add('diseaseName', '疾病状况为“严重”时请填写疾病名称', 'Name the disease when it is SERIOUS');
    }
    const changed = input.householdChange === 'INCREASED' || input.householdChange === 'DECREASED';
    if (changed && !input.householdChangeCount) errors.add('householdChangeCount', '请填写家庭人口增加或减少的人数', 'Give by how many people the household changed');
    // The column allows 1 to 20: outside it the database refused the row and the client saw an internal error.
    else if (changed && (input.householdChangeCount! < 1 || input.householdChangeCount! > 20)) {
      errors.add('householdChangeCount', '家庭人口变化人数应在 1 到 20 之间', 'householdChangeCount must be 1 to 20');
    }
    if (!changed && input.householdChangeCount != null) errors.add('householdChangeCount', '家庭人口无变化时不填人数', 'Only give a count when the household changed');
    if ((input.latitude == null) !== (input.longitude == null)) errors.add('latitude', '经纬度需同时填写', 'Give both latitude and longitude');
    if (input.latitude != null && (input.latitude < -90 || input.latitude > 90)) errors.add('latitude', '纬度应在 -90 到 90 之间', 'latitude must be -90 to 90');
    if (input.longitude != null && (input.longitude < -180 || input.longitude > 180)) errors.add('longitude', '经度应在 -180 到 180 之间', 'longitude must be -180 to 180');
    if (input.durationMinutes != null && (input.durationMinutes < 1 || input.durationMinutes > 1440)) {
      errors.add('durationMinutes', '探访时长应在 1 到 1440 分钟之间', 'durationMinutes must be 1 to 1440');
    }
    const key = input.idempotencyKey?.trim();
    if (input.idempotencyKey != null && (!key || key.length > 100)) errors.add('idempotencyKey', '提交编号应为 1 至 100 个字符', 'idempotencyKey must be 1 to 100 characters');
    const services: CareServiceInput[] = input.careServices ?? [];
    if (services.length > MAX_CARE_SERVICES) errors.add('careServices', `一次最多记录 ${MAX_CARE_SERVICES} 项关爱服务`, `At most ${MAX_CARE_SERVICES} care services per visit`);
    services.forEach((s, i) => {
      if (s.deliveredOn && (!isRealDate(s.deliveredOn) || s.deliveredOn > chinaDate(this.ctx.now()))) {
        errors.add(`careServices.${i}.deliveredOn`, '服务日期无效或晚于今天', 'deliveredOn is invalid or in the future');
      }
      if (s.content && s.content.length > 300) errors.add(`careServices.${i}.content`, '服务内容最多 300 字', 'content: at most 300 characters');
    });
    const text = (field: string, value: string | null | undefined, max: number) => {
      const t = value?.trim() || null;
      if (t && t.length > max) errors.add(field, `最多 ${max} 字`, `At most ${max} characters`);
      return t;
    };
    const proof = validateProof(errors, input, proofLimitsOf(this.ctx));
    const clean = {
      proof,
      visitedAt,
      location: text('location', input.location, 200),
      diseaseName: text('diseaseName', input.diseaseName, 100),
      serviceNeeds: text('serviceNeeds', input.serviceNeeds, 1000),
      careSuggestions: text('careSuggestions', input.careSuggestions, 1000),
      notes: text('notes', input.notes, 1000),
    };
    errors.throwIfAny();
    return clean;
  }
}

/** A text[] column as the driver may send it when its type is not registered ('{A,B}'). */
function parseTextArray(raw: string): string[] {
  const inner = raw.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((s) => s.replace(/^"|"$/g, '')) : [];
}

function optionalText(value: string | null | undefined, max: number): string | null {
  const t = value?.trim() || null;
  if (t && t.length > max) throw badInput(`最多 ${max} 字`, `At most ${max} characters`, 'content');
  return t;
}

/** A fingerprint of what was submitted, to tell a retry (same) from a reused key (different). */
function requestHash(input: RecordVisitInput): string {
  const { idempotencyKey: _key, ...rest } = input;
  return createHash('sha256').update(stableJson(rest)).digest('hex');
}

