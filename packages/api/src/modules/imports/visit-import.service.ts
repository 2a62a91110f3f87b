import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '@tanfang/schema';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { FieldErrors } from '../../graphql/errors.js';
import { executeBound } from '../../shared/bound-sql.js';
import { pgArray } from '../../shared/sql.js';
import { raiseAlerts, resolveAlerts, type AlertToRaise } from '../alerts/alerts.write.js';
import { AuditAction, writeAudit, type AuditEntry } from '../audit/audit.service.js';
import { normalizePhone, phone as checkPhone } from '../elders/elder.validation.js';
import { isRealDate, normalizeIdNumber, parseIdNumber } from '../elders/id-number.js';
import { rolledPeriods } from '../reports/reports.rollup.js';
import { flagsOf, proofLimitsOf } from '../visits/visits.proof.js';
import { checkImportBatch, importRequestHash, ImportStatus, lockImportKey, replayImport, storeImport } from './imports.shared.js';
import {
  DROP_STALE_ROLLUPS,
  ELDERS_BY_ID_NUMBER,
  EXISTING_VISITS,
  INSERT_CARE_SERVICES,
  INSERT_VISITS,
  PROVISIONAL_SEQ_BASE,
  RENUMBER_FLIP,
  RENUMBER_NEGATE,
  VISIT_NUMBERING,
  VISITORS_BY_NAME,
} from './visit-import.queries.js';
import type { VisitImportBatch, VisitImportRecord, VisitImportRecordResultType, VisitImportResultType } from './visit-import.types.js';

/** Rows per insert statement: set-based, and one JSON parameter of a few MB at most. */
const CHUNK = 2500;
const MAX_CARE_SERVICES = 20;
const DEFAULT_ALERT_DAYS = 30;

interface ElderRow {
  id: string;
  id_number: string;
  name: string;
  county_code: string;
  region_code: string;
  registered_on: string;
  status: string;
  status_date: string | null;
}

interface VisitorRow {
  id: string;
  name: string;
  phone: string | null;
  region_code: string;
  left_on: string | null;
}

/** One record on its way through the import: its answer, and what would be written. */
interface Planned {
  result: VisitImportRecordResultType;
  record: VisitImportRecord;
  idNumber: string;
  name: string;
  phone: string | null;
  text: { location: string | null; diseaseName: string | null; serviceNeeds: string | null; careSuggestions: string | null; notes: string | null };
  errors: FieldErrors;
  elder?: ElderRow;
}

/** The alert rules read a visit's findings by these names (as for a live visit). */
const FINDINGS = ['expression', 'mobility', 'disease', 'mood', 'gasSafety', 'waterHeatingSafety', 'electricitySafety', 'housingUnsafe', 'unattended', 'personalHygiene', 'homeHygiene', 'indoorEnvironment'] as const;

function findingsOf(record: VisitImportRecord): Record<string, string> {
  const findings: Record<string, string> = {};
  for (const key of FINDINGS) {
    const value = record[key];
    if (value !== null && value !== undefined) findings[key] = String(value);
  }
  return findings;
}

const NO_ARCHIVE = {
  zh: '您的辖区内没有该身份证号的档案（请先建档，或核对身份证号）',
  en: 'No archive with this ID number in your area (register the elder first, or check the number)',
};

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * importVisits: a village's or town's visit ledger (探访台账) brought in as history. Each record is judged on its own
 * (a bad one never blocks the rest) and the verdicts are known before anything is written, so a dry run answers
 * exactly as a real run. A real run writes the new visits, their care services, their alerts and audit rows with a
 * few statements per chunk, renumbers the elders' visits by date, sets aside stale report rollups of the months
 * concerned, and stores its answer under the idempotency key.
 */
export class VisitImportService {
  constructor(private readonly ctx: RequestContext) {}

  async importVisits(batch: VisitImportBatch): Promise<VisitImportResultType> {
    const actor = requireScope(this.ctx, Scope.VisitCreate);
    const key = checkImportBatch(batch.idempotencyKey, batch.records);
    const dryRun = batch.dryRun === true;
    const hash = importRequestHash('VISITS', batch.records);
    if (dryRun) return this.run(this.ctx.em, actor.userId, actor.regionCode, key, hash, batch.records, true);

    const stored = await replayImport<VisitImportResultType>(this.ctx.em, 'VISITS', actor.userId, key, hash);
    if (stored) return stored;
    try {
      return await this.ctx.em.transactional(async (em) => {
        // Two calls with one key run one after the other; the second then finds the first's answer.
        await lockImportKey(em, 'VISITS', actor.userId, key);
        const twin = await replayImport<VisitImportResultType>(em, 'VISITS', actor.userId, key, hash);
        if (twin) return twin;
        return this.run(em, actor.userId, actor.regionCode, key, hash, batch.records, false);
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        const again = await replayImport<VisitImportResultType>(this.ctx.em, 'VISITS', actor.userId, key, hash);
        if (again) return again;
      }
      throw error;
    }
  }

  private async run(
    em: EntityManager,
    userId: string,
    jurisdiction: string,
    key: string,
    hash: string,
    records: VisitImportRecord[],
    dryRun: boolean,
  ): Promise<VisitImportResultType> {
    const day = today(this.ctx);
    const planned = records.map((record, index) => this.validate(record, index, day));

    // Whom the records are about: one statement. A real run locks those archives, so live visits and other imports
    // for them wait: "already there" and the numbering cannot be raced.
    const idNumbers = [...new Set(planned.filter((p) => !p.errors.has('idNumber')).map((p) => p.idNumber))];
    const elders = idNumbers.length
      ? await executeBound<ElderRow>(em, ELDERS_BY_ID_NUMBER(!dryRun), [pgArray(idNumbers), jurisdiction])
      : [];
    const elderOf = new Map(elders.map((e) => [e.id_number, e]));
    for (const p of planned) {
      if (p.errors.has('idNumber')) continue;
      const elder = elderOf.get(p.idNumber);
      if (!elder) {
        p.errors.add('idNumber', NO_ARCHIVE.zh, NO_ARCHIVE.en);
        continue;
      }
      p.elder = elder;
      p.result.elderId = elder.id;
      p.result.elderName = elder.name;
      this.checkDates(p, elder);
    }

    // What is already there, and the visitors who may be meant: two statements.
    const judged = planned.filter((p) => p.elder && !p.errors.has());
    const existing = judged.length
      ? await executeBound<{ id: string; elder_id: string; visited_on: string; method: string }>(em, EXISTING_VISITS, [
          JSON.stringify(judged.map((p) => ({ elder_id: p.elder!.id, visited_on: p.record.visitedOn, method: p.record.method }))),
        ])
      : [];
    const existingOf = new Map(existing.map((v) => [`${v.elder_id}|${v.visited_on}|${v.method}`, v.id]));
    const areas = [...new Set(judged.flatMap((p) => [p.elder!.region_code, p.elder!.region_code.slice(0, 9)]))];
    const visitors = judged.length
      ? await executeBound<VisitorRow>(em, VISITORS_BY_NAME, [pgArray(areas), pgArray([...new Set(judged.map((p) => p.name))])])
      : [];

    const seen = new Map<string, { index: number; visitId: string | null }>();
    const created: Planned[] = [];
    for (const p of planned) {
      if (p.errors.has()) continue;
      const elder = p.elder!;
      const visitKey = `${elder.id}|${p.record.visitedOn}|${p.record.method}`;
      const there = existingOf.get(visitKey);
      if (there) {
        p.result.status = ImportStatus.EXISTS;
        p.result.visitId = there;
        continue;
      }
      const earlier = seen.get(visitKey);
      if (earlier) {
        p.result.status = ImportStatus.EXISTS;
        p.result.visitId = earlier.visitId;
        p.result.warnings.push({
          field: 'visitedOn',
          message: `与本批第 ${earlier.index + 1} 条是同一位老人同一天同一方式的探访：只记录一次`,
          messageEn: `Same elder, day and method as record ${earlier.index} of this batch: recorded once`,
        });
        continue;
      }
      this.matchVisitor(p, elder, visitors);
      if (p.errors.has()) continue;
      p.result.status = ImportStatus.CREATED;
      p.result.visitId = dryRun ? null : randomUUID();
      seen.set(visitKey, { index: p.result.index, visitId: p.result.visitId });
      created.push(p);
    }
    for (const p of planned) {
      if (p.errors.has()) {
        p.result.status = ImportStatus.REJECTED;
        p.result.errors = p.errors.errors;
        p.result.visitId = null;
      }
    }

    const batchId = dryRun ? null : randomUUID();
    const answer: VisitImportResultType = {
      batchId,
      idempotencyKey: key,
      dryRun,
      replayed: false,
      received: planned.length,
      created: planned.filter((p) => p.result.status === ImportStatus.CREATED).length,
      exists: planned.filter((p) => p.result.status === ImportStatus.EXISTS).length,
      rejected: planned.filter((p) => p.result.status === ImportStatus.REJECTED).length,
      records: planned.map((p) => p.result),
    };
    if (dryRun) return answer;

    if (created.length) await this.write(em, userId, batchId!, created, day);
    await storeImport(em, { id: batchId!, kind: 'VISITS', actorId: userId, key, hash, response: answer, records: planned.length, regionCode: jurisdiction, at: this.ctx.now() });
    return answer;
  }

  /** Everything a record can be told without the database: every problem at once, by input field. */
  private validate(record: VisitImportRecord, index: number, day: string): Planned {
    const errors = new FieldErrors();
    const sourceRef = record.sourceRef?.trim() || null;
    if (sourceRef && sourceRef.length > 200) errors.add('sourceRef', '来源说明最多 200 字', 'sourceRef: at most 200 characters');
    const idNumber = normalizeIdNumber(record.idNumber ?? '');
    if ('problem' in parseIdNumber(idNumber, day)) errors.add('idNumber', '身份证号无效（18位，校验位须正确、出生日期真实）', 'idNumber is not a valid 18-character ID number');
    if (!isRealDate(record.visitedOn)) errors.add('visitedOn', '探访日期无效', 'visitedOn is not a valid date');
    else if (record.visitedOn > day) errors.add('visitedOn', '探访日期不能晚于今天', 'visitedOn cannot be in the future');
    const name = (record.visitorName ?? '').trim().replace(/\s+/g, ' ');
    if (!name || name.length > 50) errors.add('visitorName', '请填写探访人员姓名（最多 50 字）', 'Give the visitor’s name (at most 50 characters)');
    const phone = record.visitorPhone?.trim() ? checkPhone(errors, 'visitorPhone', record.visitorPhone, ['探访人员电话', 'visitorPhone']) : null;
    // The form's own rules, as recordVisit applies them.
    if (record.disease === 'SERIOUS' && !record.diseaseName?.trim()) {
      errors.add('diseaseName', '疾病状况为“严重”时请填写疾病名称', 'Name the disease when it is SERIOUS');
    }
    const changed = record.householdChange === 'INCREASED' || record.householdChange === 'DECREASED';
    if (changed && !record.householdChangeCount) errors.add('householdChangeCount', '请填写家庭人口增加或减少的人数', 'Give by how many people the household changed');
    else if (changed && (record.householdChangeCount! < 1 || record.householdChangeCount! > 20)) {
      errors.add('householdChangeCount', '家庭人口变化人数应在 1 到 20 之间', 'householdChangeCount must be 1 to 20');
    }
    if (!changed && record.householdChangeCount != null) errors.add('householdChangeCount', '家庭人口无变化时不填人数', 'Only give a count when the household changed');
    if (record.durationMinutes != null && (record.durationMinutes < 1 || record.durationMinutes > 1440)) {
      errors.add('durationMinutes', '探访时长应在 1 到 1440 分钟之间', 'durationMinutes must be 1 to 1440');
    }
    const services = record.careServices ?? [];
    if (services.length > MAX_CARE_SERVICES) errors.add('careServices', `一次探访最多记录 ${MAX_CARE_SERVICES} 项关爱服务`, `At most ${MAX_CARE_SERVICES} care services per visit`);
    services.forEach((s, i) => {
      if (s.deliveredOn && (!isRealDate(s.deliveredOn) || s.deliveredOn > day)) {
        errors.add(`careServices.${i}.deliveredOn`, '服务日期无效或晚于今天', 'deliveredOn is invalid or in the future');
      }
      if (s.content && s.content.trim().length > 300) errors.add(`careServices.${i}.content`, '服务内容最多 300 字', 'content: at most 300 characters');
    });
    const text = (field: string, value: string | null | undefined, max: number) => {
      const t = value?.trim() || null;
      if (t && t.length > max) errors.add(field, `最多 ${max} 字`, `At most ${max} characters`);
      return t;
    };
    return {
      record,
      idNumber,
      name,
      phone,
      errors,
      text: {
        location: text('location', record.location, 200),
        diseaseName: text('diseaseName', record.diseaseName, 100),
        serviceNeeds: text('serviceNeeds', record.serviceNeeds, 1000),
        careSuggestions: text('careSuggestions', record.careSuggestions, 1000),
        notes: text('notes', record.notes, 1000),
      },
      result: { index, sourceRef, status: ImportStatus.REJECTED, elderId: null, elderName: null, visitId: null, visitorId: null, warnings: [], errors: [] },
    };
  }

  /** The archive's bounds: not before its registration day, not after it was closed (services too). */
  private checkDates(p: Planned, elder: ElderRow): void {
    const closedOn = elder.status !== 'ACTIVE' ? elder.status_date : null;
    if (!p.errors.has('visitedOn')) {
      if (p.record.visitedOn < elder.registered_on) {
        p.errors.add('visitedOn', `探访日期早于该档案的建档日期（${elder.registered_on}）`, `visitedOn is before the archive was registered (${elder.registered_on})`);
      } else if (closedOn && p.record.visitedOn > closedOn) {
        p.errors.add('visitedOn', `该档案已于 ${closedOn} 销档，之后不能再记录探访`, `The archive was closed on ${closedOn}; no visits after that`);
      }
    }
    (p.record.careServices ?? []).forEach((s, i) => {
      if (!s.deliveredOn || p.errors.has(`careServices.${i}.deliveredOn`)) return;
      if (s.deliveredOn < elder.registered_on || (closedOn && s.deliveredOn > closedOn)) {
        p.errors.add(`careServices.${i}.deliveredOn`, '服务日期早于建档日期或晚于销档日期', 'deliveredOn is before the archive was registered or after it was closed');
      }
    });
  }

  /**
   * The visitor a ledger names: a visitor of the elder's village or its town, with that name, who had not left before
   * the visit day; the phone, when given, tells namesakes apart. None: the visit keeps the name as written (warning).
   * Two or more and nothing to tell them apart: refused, asking for the phone.
   */
  private matchVisitor(p: Planned, elder: ElderRow, visitors: VisitorRow[]): void {
    const town = elder.region_code.slice(0, 9);
    const named = visitors.filter(
      (v) => v.name === p.name && (v.region_code === elder.region_code || v.region_code === town) && (!v.left_on || v.left_on >= p.record.visitedOn),
    );
    const digits = (s: string | null) => (s ? normalizePhone(s).replace(/-/g, '') : null);
    const candidates = p.phone ? named.filter((v) => digits(v.phone) === digits(p.phone)) : named;
    if (candidates.length === 1) {
      p.result.visitorId = candidates[0]!.id;
      return;
    }
    if (candidates.length > 1) {
      p.errors.add(
        p.phone ? 'visitorPhone' : 'visitorName',
        `本村（社区）及所属乡镇（街道）有 ${candidates.length} 名叫“${p.name}”的探访人员${p.phone ? '且电话相同' : ''}，请填写探访人员电话以区分`,
        `${candidates.length} visitors of the village or its town are named "${p.name}"${p.phone ? ' with that phone' : ''}: give visitorPhone to tell them apart`,
      );
      return;
    }
    p.result.warnings.push({
      field: 'visitorName',
      message: named.length
        ? `“${p.name}”的电话与本村（社区）及所属乡镇（街道）的同名探访人员不符：按填写的姓名保存，未关联探访人员`
        : `本村（社区）及所属乡镇（街道）没有叫“${p.name}”的探访人员：按填写的姓名保存，未关联探访人员`,
      messageEn: named.length
        ? `The phone does not match the visitor named "${p.name}" of the village or its town: the name is kept as written, no visitor linked`
        : `No visitor of the village or its town is named "${p.name}": the name is kept as written, no visitor linked`,
    });
  }

  /**
   * 第几次探访 of the new visits. An elder whose new visits all come after the last day already visited (a first load,
   * or a ledger continued) has them numbered here, after the highest number, in the order RENUMBER would give (day,
   * then id: they share entered_at): no second pass over those rows, no update of them in the change feed. Others
   * (history before or on a day already there, or numbers not 1..n) are renumbered by date after the insert.
   */
  private async numbering(em: EntityManager, created: Planned[]): Promise<{ seqOf: Map<string, number>; renumber: string[] }> {
    const byElder = new Map<string, Planned[]>();
    for (const p of created) {
      const list = byElder.get(p.elder!.id);
      if (list) list.push(p);
      else byElder.set(p.elder!.id, [p]);
    }
    const stats = await executeBound<{ elder_id: string; n: number; top: number; last_on: string }>(em, VISIT_NUMBERING, [pgArray([...byElder.keys()])]);
    const statOf = new Map(stats.map((s) => [s.elder_id, s]));
    const seqOf = new Map<string, number>();
    const renumber: string[] = [];
    for (const [elderId, list] of byElder) {
      const s = statOf.get(elderId);
      if (s && (s.top !== s.n || list.some((p) => p.record.visitedOn <= s.last_on))) {
        renumber.push(elderId);
        continue;
      }
      // uuids compare as their lower-case hex text, as PostgreSQL orders them.
      list.sort((a, b) => (a.record.visitedOn !== b.record.visitedOn ? (a.record.visitedOn < b.record.visitedOn ? -1 : 1) : a.result.visitId! < b.result.visitId! ? -1 : 1));
      list.forEach((p, i) => seqOf.set(p.result.visitId!, (s?.n ?? 0) + i + 1));
    }
    return { seqOf, renumber };
  }

  /** The writes of a real run: a few statements per chunk, whatever the number of records. */
  private async write(em: EntityManager, userId: string, batchId: string, created: Planned[], day: string): Promise<void> {
    const now = this.ctx.now();
    const limits = proofLimitsOf(this.ctx);
    const { seqOf, renumber } = await this.numbering(em, created);
    const visitRows = created.map((p) => ({
      id: p.result.visitId, elder_id: p.elder!.id, county_code: p.elder!.county_code, region_code: p.elder!.region_code,
      seq: seqOf.get(p.result.visitId!) ?? -(PROVISIONAL_SEQ_BASE + p.result.index + 1), visited_on: p.record.visitedOn, method: p.record.method,
      visitor_id: p.result.visitorId, visitor_name_as_written: p.result.visitorId ? null : p.name,
      location: p.text.location, duration_minutes: p.record.durationMinutes ?? null, household_change: p.record.householdChange ?? null,
      household_change_count: p.record.householdChangeCount ?? null, expression: p.record.expression ?? null, mobility: p.record.mobility ?? null,
      disease: p.record.disease ?? null, disease_name: p.text.diseaseName, mood: p.record.mood ?? null, gas_safety: p.record.gasSafety ?? null,
      water_heating_safety: p.record.waterHeatingSafety ?? null, electricity_safety: p.record.electricitySafety ?? null,
      housing_unsafe: p.record.housingUnsafe ?? null, unattended: p.record.unattended ?? null, personal_hygiene: p.record.personalHygiene ?? null,
      home_hygiene: p.record.homeHygiene ?? null, indoor_environment: p.record.indoorEnvironment ?? null, service_needs: p.text.serviceNeeds,
      care_suggestions: p.text.careSuggestions, visitor_signed: p.record.visitorSigned ?? false, elder_signed: p.record.elderSigned ?? false,
      satisfaction: p.record.satisfaction ?? null, notes: p.text.notes,
      // A paper record transcribed later is late by nature: imported, so never LATE_ENTRY (and it carries no GPS).
      flags: flagsOf(p.record, { visitedAt: now, enteredAt: now, distanceMeters: null, imported: true }, limits),
    }));
    for (let i = 0; i < visitRows.length; i += CHUNK) {
      await executeBound(em, INSERT_VISITS, [userId, now, JSON.stringify(visitRows.slice(i, i + CHUNK))]);
    }
    const serviceRows = created.flatMap((p) =>
      (p.record.careServices ?? []).map((s) => ({
        elder_id: p.elder!.id, county_code: p.elder!.county_code, visit_id: p.result.visitId, kind: s.kind,
        content: s.content?.trim() || null, delivered_on: s.deliveredOn ?? p.record.visitedOn,
      })),
    );
    for (let i = 0; i < serviceRows.length; i += CHUNK) {
      await executeBound(em, INSERT_CARE_SERVICES, [userId, now, JSON.stringify(serviceRows.slice(i, i + CHUNK))]);
    }

    if (renumber.length > 0) {
      const elderIds = pgArray(renumber);
      await executeBound(em, RENUMBER_NEGATE, [elderIds]);
      const numbered = await executeBound<{ id: string; seq: number }>(em, RENUMBER_FLIP, [elderIds]);
      for (const r of numbered) seqOf.set(r.id, r.seq);
    }

    // Findings raise alerts by the rules table, as a live visit's do. History older than the configured days raises
    // nothing to act on now: its alerts are recorded as already handled (resolved at once, noted as imported).
    const cutoff = addDays(day, -(this.ctx.importAlertDays ?? DEFAULT_ALERT_DAYS));
    const toRaise = (p: Planned): AlertToRaise[] => {
      const findings = findingsOf(p.record);
      if (Object.keys(findings).length === 0) return [];
      return [{
        elderId: p.elder!.id, countyCode: p.elder!.county_code, regionCode: p.elder!.region_code, visitId: p.result.visitId,
        findings, ruleDetails: { SERIOUS_ILLNESS: p.text.diseaseName }, repeat: true,
      }];
    };
    const by = { at: now, actorId: userId };
    const recent = await raiseAlerts(em, created.filter((p) => p.record.visitedOn >= cutoff).flatMap(toRaise), { ...by, note: '探访发现（导入的探访台账）' });
    const old = await raiseAlerts(em, created.filter((p) => p.record.visitedOn < cutoff).flatMap(toRaise), { ...by, note: '导入的历史探访记录', notify: false });
    await resolveAlerts(
      em,
      old.map((a) => ({
        elderId: a.elder_id, rule: a.rule_code!, visitId: a.visit_id,
        resolution: `导入的历史探访记录（早于 ${cutoff}）：当时已处理，不再作为待办预警`,
      })),
      by,
    );
    const alertsOf = new Map<string, number>();
    for (const a of [...recent, ...old]) alertsOf.set(a.visit_id!, (alertsOf.get(a.visit_id!) ?? 0) + 1);

    const audit: AuditEntry[] = created.map((p) => ({
      action: AuditAction.VisitRecord,
      elderId: p.elder!.id,
      regionCode: p.elder!.region_code,
      detail: {
        visitId: p.result.visitId, seq: seqOf.get(p.result.visitId!), method: p.record.method, visitedOn: p.record.visitedOn,
        alerts: alertsOf.get(p.result.visitId!) ?? 0, importBatchId: batchId,
      },
    }));
    await writeAudit(this.ctx, audit, em);

    const months = new Set(created.flatMap((p) => [p.record.visitedOn, ...(p.record.careServices ?? []).map((s) => s.deliveredOn ?? p.record.visitedOn)].map((d) => d.slice(0, 7))));
    const rolled = new Set(rolledPeriods(now));
    const stale = pgArray([...months].filter((m) => !rolled.has(m)));
    if (stale !== '{}') await executeBound(em, DROP_STALE_ROLLUPS, [stale, stale]);
  }

}
