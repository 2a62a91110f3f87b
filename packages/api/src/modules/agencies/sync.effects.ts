import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '@tanfang/schema';
import { notify } from '../notifications/notifications.write.js';
import type { RequestContext } from '../../graphql/context.js';
import { executeBound } from '../../shared/bound-sql.js';
import { pgArray } from '../../shared/sql.js';
import { AuditAction, type AuditActionName } from '../audit/audit.service.js';
import { applyArchiveChanges, type ArchiveChangeSet } from '../elders/archive-changes.js';
import { raiseAlerts, resolveAlerts, type AlertToRaise } from '../alerts/alerts.write.js';
import { RECORD_KINDS, type RecordKind } from './sync.kinds.js';
import type { AgencyRecordBase } from './sync.types.js';
import { lastVisitOnSql } from '../visits/visits.queries.js';

export interface MatchedRecord {
  recordId: string;
  externalId: string;
  record: AgencyRecordBase & Record<string, any>;
  elder: { id: string; region_code: string; county_code: string } | null;
  effectiveOn: string;
  created: boolean;
  /** The stored content hash (payload, person): a dismissed candidate returns only when it changes. */
  payloadHash?: string;
}

interface ArchiveRow {
  id: string;
  region_code: string;
  county_code: string;
  status: string;
  status_date: string | null;
  circumstances: string[];
  incapacity_level: string | null;
  incapacity_source: string | null;
  disability_certificate_number: string | null;
  disability_category: string | null;
  disability_grade: number | null;
  disability_source: string | null;
  family_planning_kind: string | null;
  family_planning_source: string | null;
}

interface Conflict {
  elder_id: string;
  county_code: string;
  region_code: string;
  kind: string;
  field: string | null;
  archive_value: string | null;
  agency_value: string | null;
  record_id: string;
  detail: string;
}

/**
 * What agency records do to the registry, set-based per batch (a handful of statements whatever its size):
 * deaths close archives, moves propose transfers, assessments and certificates update the archive and reclassify,
 * dangerous housing and police reports raise alerts. Where the archive already says something else (entered by
 * hand) or agencies disagree, a data conflict goes to civil affairs: nothing is silently overwritten.
 */
export async function applyEffects(ctx: RequestContext, em: EntityManager, spec: RecordKind, changed: MatchedRecord[], agencyId: string): Promise<void> {
  const matched = changed.filter((c) => c.elder);
  if (matched.length === 0) return;
  const archives = await executeBound<ArchiveRow>(em,
    `select id, region_code, county_code, status, to_char(status_date, 'YYYY-MM-DD') as status_date, circumstances, incapacity_level,
            incapacity_source, disability_certificate_number, disability_category, disability_grade, disability_source, family_planning_kind,
            family_planning_source
       from elder where id = any(?::uuid[]) order by id ${archiveLock(spec)}`, // one lock order for every writer: no deadlocks
    [pgArray([...new Set(matched.map((m) => m.elder!.id))])],
  );
  const archiveOf = new Map(archives.map((a) => [a.id, a]));
  const conflicts: Conflict[] = [];
  /** `repeat`: each record is its own event (incidents); otherwise an alert of the rule still unresolved is not raised again. */
  const alerts: AlertToRaise[] = [];
  /** Reports that say the danger is over (a missing person found): their open alerts are resolved. */
  const resolutions: { elderId: string; rule: string; resolution: string }[] = [];
  const alertOf = (a: ArchiveRow, rule: string, detail: string, repeat = false): AlertToRaise =>
    ({ elderId: a.id, countyCode: a.county_code, regionCode: a.region_code, rule, detail, repeat });
  const updates: ArchiveChangeSet[] = [];
  /** A change of the archive caused by record `m`; its audit entry is made from what really changed. */
  const change = (a: ArchiveRow, m: MatchedRecord, set: ArchiveChangeSet['set'], action: AuditActionName = AuditAction.ElderUpdate): ArchiveChangeSet =>
    ({ elderId: a.id, set, action, detail: { source: source(m), recordId: m.recordId, agencyId } });
  const source = (m: MatchedRecord) => `${spec.label} ${m.externalId}（${m.effectiveOn}）`;

  for (const m of matched) {
    const a = archiveOf.get(m.elder!.id)!;
    // Anything dated after a registered death contradicts it ("police say deceased, health records a check-up later").
    if (spec.effect !== 'DEATH' && a.status === 'DECEASED' && a.status_date && m.effectiveOn > a.status_date) {
      conflicts.push(conflictOf(a, m, 'DEATH_VS_ACTIVITY', 'status', `已于 ${a.status_date} 死亡`, `${spec.label} ${m.effectiveOn}`,
        `档案记载已于 ${a.status_date} 死亡，但${spec.label}（${m.externalId}）的日期为 ${m.effectiveOn}`));
      continue;
    }
    switch (spec.effect) {
      case 'DEATH': {
        const diedOn = m.record.diedOn as string;
        if (a.status === 'ACTIVE') {
          updates.push(change(a, m, { status: 'DECEASED', status_date: diedOn, status_reason: `公安死亡登记（${m.externalId}）` }, AuditAction.ElderClose));
          alerts.push(alertOf(a, 'DEATH_REGISTERED', `死亡日期 ${diedOn}，公安记录 ${m.externalId}`));
        } else if (a.status !== 'DECEASED' || a.status_date !== diedOn) {
          conflicts.push(conflictOf(a, m, 'ARCHIVE_DIFFERS', 'status', `${a.status} ${a.status_date ?? ''}`.trim(), `DECEASED ${diedOn}`,
            `档案状态为 ${a.status}${a.status_date ? `（${a.status_date}）` : ''}，公安登记于 ${diedOn} 死亡`));
        }
        break;
      }
      case 'RESIDENCE':
        break; // handled set-based below (needs the region tree)
      case 'INCAPACITY': {
        const level = m.record.level === 'NONE' ? null : (m.record.level as string);
        const fromAgency = a.incapacity_source !== null;
        if (a.incapacity_level === level) {
          if (level) updates.push(change(a, m, { incapacity_source: source(m) }));
        } else if (a.incapacity_level === null || fromAgency) {
          const circumstances = level ? add(a.circumstances, 'INCAPACITATED') : remove(a.circumstances, 'INCAPACITATED');
          updates.push(change(a, m, { incapacity_level: level, incapacity_source: level ? source(m) : null, circumstances }));
        } else {
          conflicts.push(conflictOf(a, m, 'ARCHIVE_DIFFERS', 'incapacityLevel', a.incapacity_level, m.record.level as string,
            `档案记载失能等级为 ${a.incapacity_level}（人工录入），卫健评估为 ${m.record.level}`));
        }
        break;
      }
      case 'DISABILITY': {
        const cancelled = !!m.record.cancelledOn;
        const cert = String(m.record.certificateNumber).toUpperCase();
        const fromAgency = a.disability_source !== null;
        if (cancelled) {
          if (a.disability_certificate_number === cert && fromAgency) {
            updates.push(change(a, m, { disability_certificate_number: null, disability_category: null, disability_grade: null, disability_source: null, circumstances: remove(a.circumstances, 'DISABLED') }));
          } else if (a.disability_certificate_number === cert) {
            conflicts.push(conflictOf(a, m, 'ARCHIVE_DIFFERS', 'disability', cert, `注销 ${m.record.cancelledOn}`, `残联已于 ${m.record.cancelledOn} 注销残疾人证，档案仍记载该证（人工录入）`));
          }
        } else if (a.disability_certificate_number === cert && a.disability_grade === m.record.grade) {
          updates.push(change(a, m, { disability_source: source(m) }));
        } else if (a.disability_certificate_number === null || fromAgency) {
          updates.push(change(a, m, {
            disability_certificate_number: cert, disability_category: m.record.category, disability_grade: m.record.grade,
            disability_source: source(m), circumstances: add(a.circumstances, 'DISABLED'),
          }));
        } else {
          conflicts.push(conflictOf(a, m, 'ARCHIVE_DIFFERS', 'disability', `${a.disability_certificate_number} ${a.disability_grade}级`, `${cert} ${m.record.grade}级`,
            `档案记载的残疾人证（人工录入）与残联记录不同`));
        }
        break;
      }
      case 'FAMILY_PLANNING': {
        const kind = m.record.familyPlanningKind as string;
        if (a.family_planning_kind === kind) {
          updates.push(change(a, m, { family_planning_source: source(m) }));
        } else if (a.family_planning_kind === null || a.family_planning_source !== null) {
          // Empty, or the health commission's own earlier value: its newer record replaces it.
          updates.push(change(a, m, { family_planning_kind: kind, family_planning_source: source(m), circumstances: add(a.circumstances, 'FAMILY_PLANNING_SPECIAL') }));
        } else {
          conflicts.push(conflictOf(a, m, 'ARCHIVE_DIFFERS', 'familyPlanningKind', a.family_planning_kind, kind, '档案记载的计划生育特殊家庭类别与卫健记录不同'));
        }
        break;
      }
      case 'HOUSING_GRADE':
        if (m.record.grade === 'C' || m.record.grade === 'D') {
          alerts.push(alertOf(a, `HOUSING_GRADE_${m.record.grade}`, `住建鉴定记录 ${m.externalId}（${m.effectiveOn}）`));
        }
        break;
      case 'URGENT_ALERT':
        if (spec.kind === 'MISSING_PERSON' && !m.record.foundOn) {
          alerts.push(alertOf(a, 'MISSING_PERSON', `报告日期 ${m.record.reportedOn}，公安记录 ${m.externalId}`));
        }
        if (spec.kind === 'MISSING_PERSON' && m.record.foundOn) {
          // Found: the alert raised for the report is over (a report arriving already found raises none).
          resolutions.push({ elderId: a.id, rule: 'MISSING_PERSON', resolution: `公安记录 ${m.externalId}：已于 ${m.record.foundOn} 找到` });
        }
        if (spec.kind === 'INCIDENT' && m.created) {
          alerts.push(alertOf(a, `INCIDENT_${m.record.incidentKind}`, String(m.record.summary).slice(0, 500), true));
        }
        break;
      case 'NONE':
        break;
    }
  }

  const now = ctx.now();
  await applyArchiveChanges(ctx, em, updates);

  if (spec.effect === 'RESIDENCE') {
    const moves = matched.filter((m) => m.record.newRegionCode !== m.elder!.region_code && archiveOf.get(m.elder!.id)!.status === 'ACTIVE');
    if (moves.length > 0) {
      const known = new Set(
        (await em.execute<{ code: string }[]>(`select code from region where level = 5 and code = any(?::text[])`, [pgArray(moves.map((m) => m.record.newRegionCode as string))])).map((r) => r.code),
      );
      const transfers = moves.filter((m) => known.has(m.record.newRegionCode as string));
      for (const m of moves.filter((x) => !known.has(x.record.newRegionCode as string))) {
        const a = archiveOf.get(m.elder!.id)!;
        conflicts.push(conflictOf(a, m, 'MOVED_OUTSIDE', 'regionCode', a.region_code, m.record.newRegionCode as string,
          `公安记录迁往 ${m.record.newRegionCode}（不在本系统区划内）：是否迁出本市，请核实后销档或更正`));
      }
      if (transfers.length > 0) {
        // The receiving town decides (acceptTransfer); until then the elder stays where they are, with their visitor.
        const proposed = await em.execute<{ id: string; to_region_code: string }[]>(
          `insert into transfer (elder_id, county_code, from_region_code, to_region_code, record_id, moved_on, proposed_at)
           select t.elder_id, t.county_code, t.from_region, t.to_region, t.record_id, t.moved_on, ?
             from jsonb_to_recordset(?::jsonb) as t(elder_id uuid, county_code text, from_region text, to_region text, record_id uuid, moved_on date)
           on conflict (elder_id) where status = 'PROPOSED' do update
             set to_region_code = excluded.to_region_code, record_id = excluded.record_id, moved_on = excluded.moved_on, proposed_at = excluded.proposed_at
           returning id, to_region_code`,
          [now, JSON.stringify(transfers.map((m) => ({
            elder_id: m.elder!.id, county_code: m.elder!.county_code, from_region: m.elder!.region_code, to_region: m.record.newRegionCode,
            record_id: m.recordId, moved_on: m.record.movedOn,
          })))],
        );
        await notifyToSettle(em, 'TRANSFER', proposed.map((p) => ({ id: p.id, region: p.to_region_code })), now);
      }
    }
  }

  if (spec.effect === 'DEATH') {
    // Visits or other agencies' records dated after the death contradict it: civil affairs settles.
    const later = await em.execute<{ elder_id: string; latest: string }[]>(
      `select d.elder_id, to_char(greatest(
                ${lastVisitOnSql('d.elder_id', 'd.died_on')},
                (select max(r.effective_on) from agency_record r where r.elder_id = d.elder_id and r.kind <> 'DEATH_REGISTRATION' and r.effective_on > d.died_on)
              ), 'YYYY-MM-DD') as latest
         from jsonb_to_recordset(?::jsonb) as d(elder_id uuid, died_on date)`,
      [JSON.stringify(matched.map((m) => ({ elder_id: m.elder!.id, died_on: m.record.diedOn })))],
    );
    for (const l of later.filter((x) => x.latest)) {
      const m = matched.find((x) => x.elder!.id === l.elder_id)!;
      conflicts.push(conflictOf(archiveOf.get(l.elder_id)!, m, 'DEATH_VS_ACTIVITY', 'status', `${l.latest} 仍有活动记录`, `死亡 ${m.record.diedOn}`,
        `公安登记于 ${m.record.diedOn} 死亡，但之后仍有探访或其他部门记录（最晚 ${l.latest}）`));
    }
  }

  const by = { at: now, actorId: ctx.actor?.userId ?? null };
  await resolveAlerts(em, resolutions, by);
  await raiseAlerts(em, alerts, { ...by, note: '合作部门数据' });
  if (conflicts.length > 0) {
    const raised = await em.execute<{ id: string; region_code: string }[]>(
      `insert into data_conflict (elder_id, county_code, region_code, kind, field, archive_value, agency_value, record_ids, detail, raised_at)
       select c.elder_id, c.county_code, c.region_code, c.kind, c.field, c.archive_value, c.agency_value, array[c.record_id], c.detail, ?
         from jsonb_to_recordset(?::jsonb) as c(elder_id uuid, county_code text, region_code text, kind text, field text,
              archive_value text, agency_value text, record_id uuid, detail text)
       on conflict (elder_id, kind, coalesce(field, '')) where status = 'OPEN' do update
         set record_ids = data_conflict.record_ids || excluded.record_ids, agency_value = excluded.agency_value, detail = excluded.detail
       returning id, region_code`,
      [now, JSON.stringify(dedupeConflicts(conflicts))],
    );
    await notifyToSettle(em, 'DATA_CONFLICT', raised.map((c) => ({ id: c.id, region: c.region_code })), now);
  }
}

/**
 * How a batch locks the archives its records are about (in id order, one order for every writer). What it must
 * prevent: an archive closed as deceased at the same time (a registered death, or closed by hand) passing unseen by a
 * record dated after it, neither side seeing the other.
 * - A kind without effects only reads whether the person died: `for share`, which waits for any change of the archive
 *   in progress and then reads it, and keeps the archive from changing until this batch commits. Such batches do not
 *   wait for each other, nor for records that only reference the archive.
 * - Kinds that change archives take `for no key update`: writers of one archive wait for each other, while records
 *   that only reference it (a concurrent batch's inserts, by their foreign key's `for key share`) do not, so two
 *   batches never deadlock over an archive and a record.
 */
function archiveLock(spec: RecordKind): string {
  return spec.effect === 'NONE' ? 'for share' : 'for no key update';
}

/**
 * Conflicts and transfers to settle → the civil-affairs users who settle them (agency.data.settle) over the town
 * concerned: one notification per town and sync, not one per record (a 5,000-record sync must not bury the bell).
 * The group's smallest id names it, so the same conflicts reported again notify nobody twice.
 */
async function notifyToSettle(em: EntityManager, kind: 'DATA_CONFLICT' | 'TRANSFER', rows: { id: string; region: string }[], now: Date): Promise<void> {
  const byTown = new Map<string, string[]>();
  for (const r of rows) {
    const town = r.region.slice(0, 9);
    byTown.set(town, [...(byTown.get(town) ?? []), r.id]);
  }
  await notify(
    em,
    // Town by town in code order: two batches notifying the same towns insert in one order.
    [...byTown].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([town, ids]) => ({
      kind,
      title: kind === 'DATA_CONFLICT' ? `合作部门数据与档案不一致：${ids.length} 条待处理` : `有 ${ids.length} 位老年人待接收迁入`,
      body: kind === 'DATA_CONFLICT' ? '请在“调查与冲突”中核实并处理。' : '合作部门报告老年人迁入本辖区，请确认接收或退回。',
      link: kind === 'DATA_CONFLICT' ? '/survey?tab=conflicts' : '/survey?tab=transfers',
      regionCode: town,
      dedupeKey: `${kind === 'DATA_CONFLICT' ? 'conflicts' : 'transfers'}:${ids.sort()[0]}:${ids.length}`,
      recipients: { covering: town, scope: Scope.AgencyDataSettle },
    })),
    now,
  );
}

/** An agency record as stored, just linked to a new archive (enrollCandidate). */
export interface LinkedRecord {
  id: string;
  agency_id: string;
  kind: string;
  external_id: string;
  id_number: string;
  name: string | null;
  region_code: string | null;
  source_version: number;
  payload: Record<string, unknown> | string;
  effective_on: string;
}

/**
 * Records that arrived before the person had an archive, applied to it as if they arrived now (oldest first, one
 * agency and kind at a time, as sync would): the same effects, conflicts and alerts, in the caller's transaction.
 */
export async function applyWaitingRecords(
  ctx: RequestContext,
  em: EntityManager,
  elder: { id: string; region_code: string; county_code: string },
  records: LinkedRecord[],
): Promise<void> {
  const groups = new Map<string, LinkedRecord[]>();
  for (const r of [...records].sort((a, b) => a.effective_on.localeCompare(b.effective_on) || a.id.localeCompare(b.id))) {
    const key = `${r.agency_id}|${r.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const spec = RECORD_KINDS[group[0]!.kind];
    if (!spec || spec.effect === 'NONE') continue;
    const matched: MatchedRecord[] = group.map((r) => ({
      recordId: r.id,
      externalId: r.external_id,
      record: {
        ...(typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload),
        externalId: r.external_id, idNumber: r.id_number, name: r.name, regionCode: r.region_code, sourceVersion: r.source_version,
      } as MatchedRecord['record'],
      elder,
      effectiveOn: r.effective_on,
      created: true,
    }));
    await applyEffects(ctx, em, spec, matched, group[0]!.agency_id);
  }
}

function conflictOf(a: ArchiveRow, m: MatchedRecord, kind: string, field: string | null, archiveValue: string | null, agencyValue: string | null, detail: string): Conflict {
  return { elder_id: a.id, county_code: a.county_code, region_code: a.region_code, kind, field, archive_value: archiveValue, agency_value: agencyValue, record_id: m.recordId, detail };
}

/** ON CONFLICT may touch a row once per statement: keep one conflict per (elder, kind, field) of a batch. */
function dedupeConflicts(list: Conflict[]): Conflict[] {
  const seen = new Map<string, Conflict>();
  for (const c of list) seen.set(`${c.elder_id}|${c.kind}|${c.field ?? ''}`, c);
  // In key order: two batches raising the same conflicts lock them in one order.
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}

function add(list: string[], value: string): string[] {
  return list.includes(value) ? list : [...list, value];
}

function remove(list: string[], value: string): string[] {
  return list.filter((v) => v !== value);
}
