import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '@tanfang/schema';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { AppError, type FieldError } from '../../graphql/errors.js';
import { AuditAction, diffSnapshots, writeAudit, type AuditEntry } from '../audit/audit.service.js';
import type { FieldChange } from '../audit/audit-event.entity.js';
import type { Actor } from '../auth/actor.js';
import { reclassify } from '../classification/classification.service.js';
import { refuseAgencyBackedEdits } from '../elders/archive-governance.js';
import { Circumstance } from '../elders/elder.enums.js';
import type { UpdateElderInput } from '../elders/elder.inputs.js';
import { ElderService, maskChanges } from '../elders/elder.service.js';
import { MIN_AGE, validateArchive, validateRefusal, type CleanArchive, type CleanRefusal } from '../elders/elder.validation.js';
import { ageOn, normalizeIdNumber, parseIdNumber, type ParsedIdNumber } from '../elders/id-number.js';
import { countyOf, levelOfCode, VILLAGE_LEVEL } from '../regions/region.entity.js';
import {
  existingByIdNumber,
  insertElders,
  insertLists,
  insertRefusals,
  regionsByCode,
  type ArchiveValues,
  type ExistingArchive,
  type NewElderRow,
  type RegionRow,
} from './elder-import.queries.js';
import type { ElderImportBatch, ElderImportRecord, ElderImportRecordResultType, ElderImportResultType } from './elder-import.types.js';
import {
  checkImportBatch,
  IMPORT_CHUNK,
  ImportStatus,
  importRequestHash,
  lockImportKey,
  replayImport,
  storeImport,
} from './imports.shared.js';

/** The archive fields of a record, by input name: what `differences` names and what an update passes on. */
const ARCHIVE_INPUTS = [
  'name', 'regionCode', 'phone', 'addressDetail', 'livesAtRegisteredResidence', 'circumstances', 'incapacityLevel', 'disability',
  'familyPlanningKind', 'extremePovertyKind', 'temporaryDifficulty', 'temporaryDifficultyUntil', 'livingConditions', 'emergencyContacts', 'householdMembers', 'helpReceived',
] as const;
type ArchiveInput = (typeof ARCHIVE_INPUTS)[number];

/** Which input field a value of the archive comes from (several columns of one input, e.g. the disability's three). */
const INPUT_OF: Record<keyof ArchiveValues, ArchiveInput> = {
  name: 'name', regionCode: 'regionCode', phone: 'phone', addressDetail: 'addressDetail', livesAtRegisteredResidence: 'livesAtRegisteredResidence',
  circumstances: 'circumstances', incapacityLevel: 'incapacityLevel', disabilityCertificateNumber: 'disability', disabilityCategory: 'disability',
  disabilityGrade: 'disability', familyPlanningKind: 'familyPlanningKind', extremePovertyKind: 'extremePovertyKind', temporaryDifficulty: 'temporaryDifficulty',
  temporaryDifficultyUntil: 'temporaryDifficultyUntil',
  waterSafe: 'livingConditions', electricitySafe: 'livingConditions', housingSafe: 'livingConditions', householdMonthlyIncome: 'livingConditions',
  monthlyBenefits: 'livingConditions', benefitsNote: 'livingConditions', emergencyContacts: 'emergencyContacts', householdMembers: 'householdMembers',
  helpReceived: 'helpReceived',
};

/**
 * A detail implies its circumstance, and a circumstance that is not set clears its details: the registry's rule
 * (ElderService.apply's DETAIL_OF), said here over plain values so that an import computes what an archive becomes
 * without loading entities.
 */
const DETAILS: { flag: Circumstance; given: (c: CleanArchive) => boolean; clear: (v: ArchiveValues) => void }[] = [
  { flag: Circumstance.INCAPACITATED, given: (c) => !!c.incapacityLevel, clear: (v) => (v.incapacityLevel = null) },
  {
    flag: Circumstance.DISABLED,
    given: (c) => !!c.disability && (c.disability.category !== null || c.disability.grade !== null || c.disability.certificateNumber !== null),
    clear: (v) => {
      v.disabilityCertificateNumber = null;
      v.disabilityCategory = null;
      v.disabilityGrade = null;
    },
  },
  { flag: Circumstance.FAMILY_PLANNING_SPECIAL, given: (c) => !!c.familyPlanningKind, clear: (v) => (v.familyPlanningKind = null) },
  { flag: Circumstance.EXTREME_POVERTY, given: (c) => !!c.extremePovertyKind, clear: (v) => (v.extremePovertyKind = null) },
  {
    flag: Circumstance.TEMPORARY_DIFFICULTY,
    given: (c) => !!c.temporaryDifficulty,
    clear: (v) => {
      v.temporaryDifficulty = null;
      v.temporaryDifficultyUntil = null;
    },
  },
];

const BLANK: Omit<ArchiveValues, 'name' | 'regionCode'> = {
  phone: null, addressDetail: null, livesAtRegisteredResidence: null, circumstances: [], incapacityLevel: null, disabilityCertificateNumber: null,
  disabilityCategory: null, disabilityGrade: null, familyPlanningKind: null, extremePovertyKind: null, temporaryDifficulty: null, temporaryDifficultyUntil: null, waterSafe: null,
  electricitySafe: null, housingSafe: null, householdMonthlyIncome: null, monthlyBenefits: null, benefitsNote: null, emergencyContacts: [],
  householdMembers: [], helpReceived: [],
};

/** What an archive's values become when the record's validated fields are applied (the semantics of registerElder/updateElder). */
function project(current: ArchiveValues, clean: CleanArchive): ArchiveValues {
  const next: ArchiveValues = { ...current };
  if (clean.name !== undefined) next.name = clean.name;
  if (clean.regionCode !== undefined) next.regionCode = clean.regionCode;
  if (clean.phone !== undefined) next.phone = clean.phone;
  if (clean.addressDetail !== undefined) next.addressDetail = clean.addressDetail;
  if (clean.livesAtRegisteredResidence !== undefined) next.livesAtRegisteredResidence = clean.livesAtRegisteredResidence;
  if (clean.incapacityLevel !== undefined) next.incapacityLevel = clean.incapacityLevel;
  if (clean.familyPlanningKind !== undefined) next.familyPlanningKind = clean.familyPlanningKind;
  if (clean.extremePovertyKind !== undefined) next.extremePovertyKind = clean.extremePovertyKind;
  if (clean.temporaryDifficulty !== undefined) next.temporaryDifficulty = clean.temporaryDifficulty;
  if (clean.temporaryDifficultyUntil !== undefined) next.temporaryDifficultyUntil = clean.temporaryDifficultyUntil;
  if (clean.disability !== undefined) {
    next.disabilityCertificateNumber = clean.disability?.certificateNumber ?? null;
    next.disabilityCategory = clean.disability?.category ?? null;
    next.disabilityGrade = clean.disability?.grade ?? null;
  }
  if (clean.circumstances !== undefined || DETAILS.some((d) => d.given(clean))) {
    const flags = new Set<string>(clean.circumstances ?? current.circumstances);
    for (const d of DETAILS) if (d.given(clean)) flags.add(d.flag);
    for (const d of DETAILS) if (!flags.has(d.flag)) d.clear(next);
    next.circumstances = Object.values(Circumstance).filter((c) => flags.has(c));
  }
  if (clean.living) Object.assign(next, clean.living);
  if (clean.emergencyContacts) next.emergencyContacts = clean.emergencyContacts;
  if (clean.householdMembers) next.householdMembers = clean.householdMembers;
  if (clean.helpReceived) next.helpReceived = clean.helpReceived;
  return next;
}

/** Comparable form of a value: circumstances as a set, everything else as stored. */
function comparable(field: keyof ArchiveValues, value: unknown): string {
  if (field === 'circumstances') return JSON.stringify([...((value as string[]) ?? [])].sort());
  return JSON.stringify(value ?? null);
}

/** The archive's fields that the record would change, as FieldChanges of the archive (the update's audit names). */
function changesOf(current: ArchiveValues, next: ArchiveValues): FieldChange[] {
  return (Object.keys(INPUT_OF) as (keyof ArchiveValues)[])
    .filter((f) => comparable(f, current[f]) !== comparable(f, next[f]))
    .map((f) => ({ field: f, old: current[f], new: next[f] }));
}

/** The registry's snapshot of a new archive (ElderService's `snapshot`, same keys in the same order), for its audit row. */
function registrationSnapshot(identity: ParsedIdNumber, v: ArchiveValues, acceptsVisits: boolean): Record<string, unknown> {
  return {
    name: v.name, idNumber: identity.idNumber, gender: identity.gender, birthDate: identity.birthDate, regionCode: v.regionCode,
    phone: v.phone, addressDetail: v.addressDetail, livesAtRegisteredResidence: v.livesAtRegisteredResidence,
    circumstances: [...v.circumstances].sort(), incapacityLevel: v.incapacityLevel, disabilityCertificateNumber: v.disabilityCertificateNumber,
    disabilityCategory: v.disabilityCategory, disabilityGrade: v.disabilityGrade, familyPlanningKind: v.familyPlanningKind,
    extremePovertyKind: v.extremePovertyKind, temporaryDifficulty: v.temporaryDifficulty, temporaryDifficultyUntil: v.temporaryDifficultyUntil, waterSafe: v.waterSafe, electricitySafe: v.electricitySafe,
    housingSafe: v.housingSafe, householdMonthlyIncome: v.householdMonthlyIncome, monthlyBenefits: v.monthlyBenefits, benefitsNote: v.benefitsNote,
    acceptsVisits, status: 'ACTIVE', statusDate: null, statusReason: null,
    emergencyContacts: v.emergencyContacts, householdMembers: v.householdMembers, helpReceived: v.helpReceived,
  };
}

/** One record's verdict while the batch is worked out, with what a real run needs to carry it out. */
interface Plan {
  result: ElderImportRecordResultType;
  record: ElderImportRecord;
  idNumber: string;
  /** CREATED: the archive to insert. */
  create?: { row: NewElderRow; identity: ParsedIdNumber; values: ArchiveValues; clean: CleanArchive; refusal: CleanRefusal | null };
  /**
   * UPDATED: the archive and the version the differences were computed against; `archive`: its fields differ (an
   * update); `refusal`: the refusal to record (the archive accepts visits).
   */
  update?: { elderId: string; version: number; archive: boolean; refusal: CleanRefusal | null };
}

/**
 * importElders: an office's registry (基本信息登记表 rows) brought in at once. Every record is checked on its own with
 * the registry's rules (validateArchive, the ID-number rules, the village inside the caller's jurisdiction, and 60 or
 * over on the registration date), so a bad record never blocks the good ones. Then, set-based: the new archives and
 * their lists in a few statements per chunk, their class computed in the same transaction, one ELDER_REGISTER audit
 * row each (with the registration's changes, like registerElder), and the change feed sees them through the same
 * triggers as any archive insert. Existing archives (one per person, anywhere) are reported, and with
 * updateExisting updated through the registry's one edit path (ElderService.update).
 *
 * Age rule, decided: the elder must be 60 or over on the registration date (建档日期), not only today. The archive
 * says the person was in the registry from that day, and the registry is for people 60 and over; a ledger row dated
 * before the 60th birthday is a typing error in the date or in the ID number, and is refused on `registeredOn`.
 */
export class ElderImportService {
  constructor(private readonly ctx: RequestContext) {}

  async import(batch: ElderImportBatch): Promise<ElderImportResultType> {
    const answer = await this.answer(batch);
    // The name of an archive the import found (EXISTS in the jurisdiction) is personal data read: audited as a read
    // (ELDER_READ via importElders, written with the response like any query's), replays and dry runs included.
    for (const r of answer.records) {
      if (r.status === ImportStatus.EXISTS && r.elderId && r.elderName !== null) this.ctx.reads?.add(r.elderId, 'importElders', 'archive');
    }
    return answer;
  }

  private async answer(batch: ElderImportBatch): Promise<ElderImportResultType> {
    const actor = requireScope(this.ctx, Scope.ElderWrite);
    const key = checkImportBatch(batch.idempotencyKey, batch.records);
    const dryRun = batch.dryRun === true;
    const updateExisting = batch.updateExisting === true;
    const hash = importRequestHash('ELDERS', { updateExisting, records: batch.records });

    if (dryRun) {
      // A dry run answers as a real run would: a key already used gives its stored answer (or CONFLICT).
      const stored = await replayImport<ElderImportResultType>(this.ctx.em, 'ELDERS', actor.userId, key, hash);
      if (stored) return stored;
      const plans = await this.plan(this.ctx.em, actor, batch.records, updateExisting);
      return summary(null, key, true, plans.map((p) => ({ ...p.result, elderId: p.result.status === ImportStatus.CREATED ? null : p.result.elderId })));
    }

    return this.ctx.em.transactional(async (em) => {
      await lockImportKey(em, 'ELDERS', actor.userId, key);
      // A twin of this call may have committed while we waited for the key.
      const stored = await replayImport<ElderImportResultType>(em, 'ELDERS', actor.userId, key, hash);
      if (stored) return stored;
      const batchId = randomUUID();
      const plans = await this.plan(em, actor, batch.records, updateExisting);
      // One lock order for every import: new archives by ID number (two batches sharing people in different orders
      // would otherwise wait on each other's index entries and deadlock), updated archives by id (as applyArchiveChanges).
      const byKey = (key: (p: Plan) => string) => (a: Plan, b: Plan) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
      await this.create(em, actor, batchId, plans.filter((p) => p.create).sort(byKey((p) => p.idNumber)));
      await this.update(em, plans.filter((p) => p.update).sort(byKey((p) => p.update!.elderId)));
      const answer = summary(batchId, key, false, plans.map((p) => p.result));
      await storeImport(em, {
        id: batchId, kind: 'ELDERS', actorId: actor.userId, key, hash, response: answer, records: plans.length,
        regionCode: actor.regionCode, at: this.ctx.now(),
      });
      return answer;
    });
  }

  /** Every record's verdict, from reads only (two statements for the batch): the same for a dry run and a real one. */
  private async plan(em: EntityManager, actor: Actor, records: ElderImportRecord[], updateExisting: boolean): Promise<Plan[]> {
    const day = today(this.ctx);
    const idNumbers = records.map((r) => normalizeIdNumber(r.idNumber ?? ''));
    const regions = await regionsByCode(em, [...new Set(records.map((r) => r.regionCode?.trim() ?? '').filter((c) => /^\d{12}$/.test(c)))]);
    const existing = await existingByIdNumber(em, [...new Set(idNumbers.filter((n) => /^\d{17}[\dX]$/.test(n)))], actor.regionCode);
    const firstIndex = new Map<string, number>();

    return records.map((record, index) => {
      const idNumber = idNumbers[index]!;
      const errors: FieldError[] = [];
      let clean: CleanArchive | null = null;
      try {
        clean = validateArchive(record, { today: day, register: true });
      } catch (error) {
        errors.push(...fieldErrorsOf(error));
      }
      errors.push(...this.checkRegion(actor, record.regionCode, regions));
      errors.push(...checkRegisteredOn(record, idNumber, day));
      const refusal = checkRefusal(record, idNumber, day, errors);
      if (record.sourceRef && record.sourceRef.length > 200) {
        errors.push({ field: 'sourceRef', message: '来源说明（sourceRef）不能超过 200 个字', messageEn: 'sourceRef must be at most 200 characters' });
      }
      if (idNumber && firstIndex.has(idNumber)) {
        const first = firstIndex.get(idNumber)!;
        errors.push({
          field: 'idNumber',
          message: `与本批第 ${first + 1} 条记录的身份证号重复：同一人只能建一份档案`,
          messageEn: `Same ID number as record ${first} of this batch (0-based): one archive per person`,
        });
      } else if (idNumber) firstIndex.set(idNumber, index);

      const result: ElderImportRecordResultType = {
        index, sourceRef: record.sourceRef ?? null, status: ImportStatus.REJECTED, elderId: null, elderName: null, inJurisdiction: null,
        differences: [], errors: [],
      };
      if (errors.length > 0 || !clean) return { result: { ...result, errors }, record, idNumber };

      const found = existing.get(clean.identity!.idNumber);
      if (found) return this.planExisting(result, record, idNumber, clean, refusal, found, updateExisting);

      const values = project({ ...BLANK, name: clean.name!, regionCode: clean.regionCode! }, clean);
      const identity = clean.identity!;
      const row: NewElderRow = {
        id: randomUUID(), county_code: countyOf(values.regionCode), region_code: values.regionCode, name: values.name, gender: identity.gender,
        birth_date: identity.birthDate, id_number: identity.idNumber, phone: values.phone, address_detail: values.addressDetail,
        lives_at_registered_residence: values.livesAtRegisteredResidence, circumstances: values.circumstances, incapacity_level: values.incapacityLevel,
        disability_certificate_number: values.disabilityCertificateNumber, disability_category: values.disabilityCategory,
        disability_grade: values.disabilityGrade, family_planning_kind: values.familyPlanningKind, extreme_poverty_kind: values.extremePovertyKind,
        temporary_difficulty: values.temporaryDifficulty, temporary_difficulty_until: values.temporaryDifficultyUntil, water_safe: values.waterSafe, electricity_safe: values.electricitySafe,
        housing_safe: values.housingSafe, household_monthly_income: values.householdMonthlyIncome, monthly_benefits: values.monthlyBenefits,
        benefits_note: values.benefitsNote, accepts_visits: refusal === null, registered_on: record.registeredOn ?? null,
      };
      return {
        result: { ...result, status: ImportStatus.CREATED, elderId: row.id },
        record, idNumber, create: { row, identity, values, clean, refusal },
      };
    });
  }

  /** An archive with the record's ID number exists: EXISTS (or UPDATED), telling nothing about one outside the jurisdiction. */
  private planExisting(
    result: ElderImportRecordResultType,
    record: ElderImportRecord,
    idNumber: string,
    clean: CleanArchive,
    refusal: CleanRefusal | null,
    found: ExistingArchive,
    updateExisting: boolean,
  ): Plan {
    if (!found.inJurisdiction || !found.values) return { result: { ...result, status: ImportStatus.EXISTS, inJurisdiction: false }, record, idNumber };
    const { differences: archiveDifferences, changes } = differencesOf(record, clean, found.values);
    // 意愿: a refusal given for an archive that accepts visits. A standing refusal is a written record of its own
    // and is not compared or rewritten; an import never withdraws one (that needs the date of consent).
    const refuse = refusal !== null && found.acceptsVisits ? refusal : null;
    const differences = refuse ? [...archiveDifferences, 'refusal'] : archiveDifferences;
    const exists: ElderImportRecordResultType = {
      ...result, status: ImportStatus.EXISTS, elderId: found.id, elderName: found.values.name, inJurisdiction: true, differences,
    };
    if (!updateExisting || differences.length === 0) return { result: exists, record, idNumber };
    const errors: FieldError[] = [];
    try {
      // The update would be refused for values an agency record backs: say so now, in a dry run too.
      refuseAgencyBackedEdits(found, changes);
    } catch (error) {
      errors.push(...fieldErrorsOf(error));
    }
    if (refuse && found.status !== 'ACTIVE') {
      // recordRefusal's rule, said now so that a dry run gives the real run's verdict.
      errors.push({ field: 'refusal', message: '档案已关闭，不能登记拒绝探访', messageEn: 'The archive is closed: no refusal can be recorded' });
    }
    if (errors.length > 0) return { result: { ...result, errors }, record, idNumber };
    return {
      result: { ...exists, status: ImportStatus.UPDATED }, record, idNumber,
      update: { elderId: found.id, version: found.version, archive: archiveDifferences.length > 0, refusal: refuse },
    };
  }

  private checkRegion(actor: Actor, raw: string | null | undefined, regions: Map<string, RegionRow>): FieldError[] {
    const code = raw?.trim() ?? '';
    if (!code) return []; // validateArchive already asks for it
    if (levelOfCode(code) !== VILLAGE_LEVEL) {
      return [{ field: 'regionCode', message: '请选择村（社区）一级的行政区划（12 位代码）', messageEn: 'Choose a village or community (a 12-digit region code)' }];
    }
    const region = regions.get(code);
    if (!region) return [{ field: 'regionCode', message: `行政区划代码 ${code} 不存在`, messageEn: `Region code ${code} does not exist` }];
    if (!code.startsWith(actor.regionCode)) {
      return [{ field: 'regionCode', message: `${region.full_name} 不在您的管辖范围内`, messageEn: `${code} is outside your jurisdiction` }];
    }
    return [];
  }

  /**
   * The new archives, set-based per chunk: archives, then their contacts, household members and help records, then
   * one audit row each. A person who got an archive since the batch was planned (a concurrent import or
   * registration: the unique index lets one through) is reported EXISTS, as if they had been there before.
   */
  private async create(em: EntityManager, actor: Actor, batchId: string, plans: Plan[]): Promise<void> {
    if (plans.length === 0) return;
    const now = this.ctx.now();
    const insertedIds: string[] = [];
    const lost: Plan[] = [];
    for (let i = 0; i < plans.length; i += IMPORT_CHUNK) {
      const chunk = plans.slice(i, i + IMPORT_CHUNK);
      const inserted = await insertElders(em, chunk.map((p) => p.create!.row), actor.userId, now);
      const made = chunk.filter((p) => inserted.has(p.create!.row.id));
      lost.push(...chunk.filter((p) => !inserted.has(p.create!.row.id)));
      insertedIds.push(...made.map((p) => p.create!.row.id));
      await insertLists(
        em,
        made.map((p) => ({
          elderId: p.create!.row.id, countyCode: p.create!.row.county_code, emergencyContacts: p.create!.values.emergencyContacts,
          householdMembers: p.create!.values.householdMembers, helpReceived: p.create!.values.helpReceived,
        })),
      );
      const refused = made.filter((p) => p.create!.refusal);
      await insertRefusals(
        em,
        refused.map((p) => ({ elder_id: p.create!.row.id, county_code: p.create!.row.county_code, ...refusalRow(p.create!.refusal!) })),
        actor.userId,
        now,
      );
      const audits: AuditEntry[] = made.flatMap((p) => {
        const c = p.create!;
        const detail = { importBatchId: batchId, sourceRef: p.record.sourceRef ?? null, registeredOn: p.record.registeredOn ?? null };
        const register: AuditEntry = {
          action: AuditAction.ElderRegister,
          elderId: c.row.id,
          regionCode: c.row.region_code,
          // Against nothing, like registerElder: the registration lists every field it set (acceptsVisits false with a refusal).
          changes: maskChanges(diffSnapshots({}, registrationSnapshot(c.identity, c.values, c.refusal === null))),
          detail,
        };
        if (!c.refusal) return [register];
        // The written refusal is an event of its own, as recordRefusal audits it (same action, same detail), so the
        // audit log's REFUSAL_RECORD events count every refusal; the archive was registered not accepting visits,
        // so it changes no field.
        return [register, { action: AuditAction.RefusalRecord, elderId: c.row.id, regionCode: c.row.region_code, changes: [], detail: { ...c.refusal, ...detail } }];
      });
      await writeAudit(this.ctx, audits, em);
    }
    // The class (and with it the visit requirements, derived from it) of every new archive, in this transaction.
    await reclassify(em, insertedIds, now, actor.userId);

    if (lost.length > 0) {
      const current = await existingByIdNumber(em, lost.map((p) => p.idNumber), actor.regionCode);
      for (const p of lost) {
        const found = current.get(p.idNumber);
        // ON CONFLICT skipped the row only because a committed archive holds the ID number.
        if (!found) throw new Error(`import: ${p.idNumber} was neither inserted nor found`);
        p.result = this.planExisting(
          { ...p.result, status: ImportStatus.REJECTED, elderId: null },
          p.record, p.idNumber, p.create!.clean, p.create!.refusal, found, false,
        ).result;
        delete p.create;
      }
    }
  }

  /**
   * Updates of existing archives go through the registry's one edit path (ElderService.update: version check under
   * the row lock, agency-backed values refused, class recomputed, ELDER_UPDATE audit from what really changed), each
   * in a savepoint of this transaction, with every archive field the record gave (unchanged ones change nothing). One
   * refused update (the archive changed meanwhile) is that record's REJECTED, not the batch's failure.
   */
  private async update(em: EntityManager, plans: Plan[]): Promise<void> {
    if (plans.length === 0) return;
    for (const p of plans) {
      const { elderId, version, archive, refusal } = p.update!;
      const input: Partial<UpdateElderInput> = {};
      for (const field of ARCHIVE_INPUTS) {
        if (p.record[field] !== undefined) (input as Record<string, unknown>)[field] = p.record[field];
      }
      try {
        // One savepoint for the record: its update and its refusal go through together or not at all.
        await em.transactional(async (inner) => {
          const service = new ElderService({ ...this.ctx, em: inner });
          const next = archive ? (await service.update(elderId, version, input as UpdateElderInput)).version : version;
          if (refusal) await service.recordRefusal(elderId, next, refusal);
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        p.result = { ...p.result, status: ImportStatus.REJECTED, elderId: null, elderName: null, inJurisdiction: null, differences: [], errors: fieldErrorsOf(error) };
      }
    }
  }
}

/** The input fields, of those the record gives, whose value differs from the archive's (after the registry's rules). */
function differencesOf(record: ElderImportRecord, clean: CleanArchive, current: ArchiveValues): { differences: string[]; changes: FieldChange[] } {
  const changes = changesOf(current, project(current, clean));
  const given = new Set(ARCHIVE_INPUTS.filter((f) => record[f] !== undefined));
  const differing = new Set(changes.map((c) => INPUT_OF[c.field as keyof ArchiveValues]).filter((f) => given.has(f)));
  return { differences: ARCHIVE_INPUTS.filter((f) => differing.has(f)), changes: changes.filter((c) => given.has(INPUT_OF[c.field as keyof ArchiveValues])) };
}

/**
 * The record's refusal checked with recordRefusal's rules (validateRefusal), errors on "refusal.<field>"; the birth
 * date comes from the ID number (a refusal cannot predate the person). null: none given, or not valid.
 */
function checkRefusal(record: ElderImportRecord, idNumber: string, day: string, errors: FieldError[]): CleanRefusal | null {
  if (!record.refusal) return null;
  const parsed = parseIdNumber(idNumber, day);
  // Without a valid ID number (its own error) the date is checked against no birth date.
  const birthDate = 'problem' in parsed ? '0000-01-01' : parsed.birthDate;
  try {
    return validateRefusal(record.refusal, day, birthDate, 'refusal.');
  } catch (error) {
    errors.push(...fieldErrorsOf(error));
    return null;
  }
}

function refusalRow(r: CleanRefusal): { refused_on: string; reason: string; talked_with: string } {
  return { refused_on: r.refusedOn, reason: r.reason, talked_with: r.talkedWith };
}

/** The registration date: a day that has come, on which the person was already 60 (see the class comment). */
function checkRegisteredOn(record: ElderImportRecord, idNumber: string, day: string): FieldError[] {
  const on = record.registeredOn;
  if (on === null || on === undefined) return [];
  if (on > day) {
    return [{ field: 'registeredOn', message: `建档日期不能晚于今天（${day}）`, messageEn: `The registration date cannot be after today (${day})` }];
  }
  const parsed = parseIdNumber(idNumber, day);
  if ('problem' in parsed) return []; // the ID number's own error says it
  const age = ageOn(parsed.birthDate, on);
  // Under 60 today is the ID number's error (validateArchive); here only "60 today but not yet on that date".
  if (age < MIN_AGE && ageOn(parsed.birthDate, day) >= MIN_AGE) {
    return [{
      field: 'registeredOn',
      message: `建档日期 ${on} 时该老人仅 ${age} 周岁，未满 ${MIN_AGE} 周岁：请核对建档日期或身份证号`,
      messageEn: `On the registration date ${on} the person was ${age}, under ${MIN_AGE}: check the date or the ID number`,
    }];
  }
  return [];
}

/** The field errors an AppError carries (validateArchive's list, or a single coded error with its field). */
function fieldErrorsOf(error: unknown): FieldError[] {
  if (!(error instanceof AppError)) throw error;
  const list = error.extensions.fieldErrors as FieldError[] | undefined;
  if (list?.length) return list.map((f) => ({ field: f.field, message: f.message, messageEn: f.messageEn }));
  return [{ field: String(error.extensions.field ?? 'record'), message: error.message, messageEn: String(error.extensions.messageEn ?? error.message) }];
}

function summary(batchId: string | null, key: string, dryRun: boolean, records: ElderImportRecordResultType[]): ElderImportResultType {
  const count = (s: ImportStatus) => records.filter((r) => r.status === s).length;
  return {
    batchId, idempotencyKey: key, dryRun, replayed: false, received: records.length,
    created: count(ImportStatus.CREATED), updated: count(ImportStatus.UPDATED), exists: count(ImportStatus.EXISTS), rejected: count(ImportStatus.REJECTED),
    records,
  };
}
