import {
  LockMode,
  OptimisticLockError,
  UniqueConstraintViolationException,
  raw,
  sql,
  type FilterQuery,
  type QueryOrderMap,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid } from '../../shared/ids.js';
import { isIsoInstant } from '../../shared/text.js';
import { snapshotDirty, sourceOf, subtree } from '../compliance/compliance.snapshot.js';
import { overdueConditionFromRollup } from '../compliance/compliance.rollups.js';
import { groupByKeys } from '../../shared/loaders.js';
import { likePrefix, pgArray, toDate } from '../../shared/sql.js';
import { reclassify } from '../classification/classification.service.js';
import { Scope } from '@tanfang/schema';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, notFound } from '../../graphql/errors.js';
import {
  decodeCursor,
  encodeCursor,
  invalidCursor,
  pageSize,
  toConnection,
  type ConnectionShape,
} from '../../graphql/pagination.js';
import { maskCertificateNumber, maskIdNumber, maskPhone } from '../../shared/masking.js';
import type { FieldChange } from '../audit/audit-event.entity.js';
import { ARCHIVE_CHANGE_ACTIONS, AuditAction, auditRow, diffSnapshots, writeAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { countyOf, levelOfCode, Region } from '../regions/region.entity.js';
import { RegionService } from '../regions/region.service.js';
import { ElderContact, HelpRecord, HouseholdMember, Refusal } from './elder-parts.entity.js';
import { Elder } from './elder.entity.js';
import { Circumstance, ElderStatus } from './elder.enums.js';
import type {
  CloseElderInput,
  ElderFilter,
  ElderSort,
  RecordRefusalInput,
  RegisterElderInput,
  UpdateElderInput,
  WithdrawRefusalInput,
} from './elder.inputs.js';
import { ElderSortField, SortDirection } from './elder.inputs.js';
import { bornOnOrBefore, isRealDate } from './id-number.js';
import { pastDate, requiredText, validateArchive, validateRefusal, type CleanArchive } from './elder.validation.js';
import { refuseAgencyBackedEdits, refuseReopenOfRegisteredDeath } from './archive-governance.js';
import { inSubtree, subtreeFilter } from '../../shared/jurisdiction.js';
import { drillCondition, drillOf, drillTotalFromRollup, type DerivedCondition } from './elder.drill.js';
import { applyArchiveChanges, type ArchiveChangeSet } from './archive-changes.js';
import { markVerified } from '../survey/verification.js';
import { Kind, type GraphQLResolveInfo } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../graphql/pagination.js';
import { countResponseItems } from '../../graphql/response-budget.js';
import { executeBound } from '../../shared/bound-sql.js';
import type { ReadPart } from '../audit/read-audit.js';
import { compiledConnection, compileElderById, compileElderList, type CompiledObject, type ReadAuditOptions } from './elder.queries.js';

/** Whether the operation asks for nothing at its root but this field (__typename aside). */
function soleRootField(info: GraphQLResolveInfo): boolean {
  const root = info.operation.selectionSet.selections;
  return root.every((s) => s.kind === Kind.FIELD && (s.name.value === '__typename' || s === info.fieldNodes[0])) && info.fieldNodes.length === 1;
}

/**
 * Who reads, for the audit rows a compiled statement writes (the same values as read-audit.ts writes); shared with
 * the other modules whose compiled reads serve archives (compliance's worklist).
 */
export function compiledReadAudit(ctx: RequestContext, info: GraphQLResolveInfo): ReadAuditOptions {
  const base = auditRow(ctx, { action: AuditAction.ElderRead });
  return {
    // In the statement only when this field is the operation's one root field: with others beside it, an archive
    // they also serve must still be one row naming every field (read-audit.ts), so the plugin writes them all.
    inStatement: ctx.compiledReads!.auditInStatement && info.operation.operation === 'query' && soleRootField(info),
    at: base.at,
    actorId: base.actorId,
    actorUsername: base.actorUsername,
    actorRole: base.actorRole,
    requestId: base.requestId,
    ip: base.ip,
    via: info.fieldName,
  };
}

/** The list filters the compiled read covers (elder.queries.ts); any other given takes the entity path. */
const COMPILED_FILTERS = new Set(['regionCode', 'status', 'acceptsVisits']);
/**
 * Derived filters (ElderService.derived) the compiled path carries when they are SQL conditions; their live
 * fallbacks (ids) go to the entity path with the ids already read.
 */
const COMPILED_DERIVED_FILTERS = new Set(['overdue', 'period', 'periodInput', 'visited', 'alertsRaised', 'unresolvedAlerts', 'refused']);


const STATUS_LABELS: Record<ElderStatus, string> = {
  ACTIVE: '在册',
  IN_INSTITUTION: '入住养老机构',
  MOVED_AWAY: '迁出',
  DECEASED: '死亡',
};

/** Which details belong to which circumstance: a detail implies its circumstance; without it, it is cleared. */
const DETAIL_OF: { flag: Circumstance; clear: (e: Elder) => void; given: (c: CleanArchive) => boolean }[] = [
  { flag: Circumstance.INCAPACITATED, given: (c) => !!c.incapacityLevel, clear: (e) => (e.incapacityLevel = null) },
  {
    flag: Circumstance.DISABLED,
    given: (c) => !!c.disability && (c.disability.category !== null || c.disability.grade !== null || c.disability.certificateNumber !== null),
    clear: (e) => {
      e.disabilityCertificateNumber = null;
      e.disabilityCategory = null;
      e.disabilityGrade = null;
    },
  },
  { flag: Circumstance.FAMILY_PLANNING_SPECIAL, given: (c) => !!c.familyPlanningKind, clear: (e) => (e.familyPlanningKind = null) },
  { flag: Circumstance.EXTREME_POVERTY, given: (c) => !!c.extremePovertyKind, clear: (e) => (e.extremePovertyKind = null) },
  {
    flag: Circumstance.TEMPORARY_DIFFICULTY,
    given: (c) => !!c.temporaryDifficulty,
    clear: (e) => {
      e.temporaryDifficulty = null;
      e.temporaryDifficultyUntil = null;
    },
  },
];

/** Identity values are masked before a change is written to the audit log or shown in an archive's history. */
const MASK_FIELD: Record<string, (v: unknown) => unknown> = {
  idNumber: (v) => maskIdNumber(v as string),
  phone: (v) => maskPhone(v as string),
  disabilityCertificateNumber: (v) => maskCertificateNumber(v as string),
  emergencyContacts: (v) => (v as { phone: string }[] | null)?.map((c) => ({ ...c, phone: maskPhone(c.phone) })) ?? null,
  householdMembers: (v) =>
    (v as { idNumber: string | null }[] | null)?.map((m) => ({ ...m, idNumber: maskIdNumber(m.idNumber) })) ?? null,
};

export function maskChanges(changes: FieldChange[]): FieldChange[] {
  return changes.map((c) => {
    const mask = MASK_FIELD[c.field];
    return mask ? { field: c.field, old: mask(c.old), new: mask(c.new) } : c;
  });
}

/** The archive as plain values, for diffs. Collections must be loaded. */
function snapshot(e: Elder): Record<string, unknown> {
  return {
    name: e.name,
    idNumber: e.idNumber,
    gender: e.gender,
    birthDate: e.birthDate,
    regionCode: e.regionCode,
    phone: e.phone ?? null,
    addressDetail: e.addressDetail ?? null,
    livesAtRegisteredResidence: e.livesAtRegisteredResidence ?? null,
    circumstances: [...e.circumstances].sort(),
    incapacityLevel: e.incapacityLevel ?? null,
    disabilityCertificateNumber: e.disabilityCertificateNumber ?? null,
    disabilityCategory: e.disabilityCategory ?? null,
    disabilityGrade: e.disabilityGrade ?? null,
    familyPlanningKind: e.familyPlanningKind ?? null,
    extremePovertyKind: e.extremePovertyKind ?? null,
    temporaryDifficulty: e.temporaryDifficulty ?? null,
    temporaryDifficultyUntil: e.temporaryDifficultyUntil ?? null,
    waterSafe: e.waterSafe ?? null,
    electricitySafe: e.electricitySafe ?? null,
    housingSafe: e.housingSafe ?? null,
    householdMonthlyIncome: e.householdMonthlyIncome ?? null,
    monthlyBenefits: e.monthlyBenefits ?? null,
    benefitsNote: e.benefitsNote ?? null,
    acceptsVisits: e.acceptsVisits,
    status: e.status,
    statusDate: e.statusDate ?? null,
    statusReason: e.statusReason ?? null,
    emergencyContacts: e.emergencyContacts.getItems().map((c) => ({ kind: c.kind, name: c.name, relation: c.relation ?? null, phone: c.phone })),
    householdMembers: e.householdMembers.getItems().map((m) => ({
      name: m.name,
      gender: m.gender ?? null,
      idNumber: m.idNumber ?? null,
      relation: m.relation,
      health: m.health ?? null,
      assistance: m.assistance,
    })),
    helpReceived: e.helpRecords.getItems().map((h) => ({ unitType: h.unitType, unitName: h.unitName ?? null, measures: h.measures })),
  };
}

const SORT_COLUMNS: Record<ElderSortField, { key: 'name' | 'birthDate' | 'registeredAt' | 'region'; valid: (v: unknown) => boolean; invert?: boolean }> = {
  NAME: { key: 'name', valid: (v) => typeof v === 'string' },
  // Older first means earlier birth date first.
  AGE: { key: 'birthDate', valid: (v) => typeof v === 'string' && isRealDate(v), invert: true },
  REGISTERED_AT: { key: 'registeredAt', valid: isIsoInstant },
  REGION: { key: 'region', valid: (v) => typeof v === 'string' && /^\d{12}$/.test(v) },
};

const ARCHIVE_POPULATE = ['region', 'emergencyContacts', 'householdMembers', 'helpRecords'] as const;

export interface ArchiveChange {
  id: string;
  at: Date;
  action: string;
  actorUsername?: string | null;
  changes: FieldChange[];
}

export interface ElderIdentity {
  elderId: string;
  idNumber: string;
  phone: string | null;
  disabilityCertificateNumber: string | null;
  emergencyContacts: { id: string; name: string; phone: string }[];
  householdMembers: { id: string; name: string; idNumber: string | null }[];
}

/**
 * The registry's rules. Every read goes through the request's EntityManager, whose `jurisdiction` filter limits
 * elders to the caller's region subtree: an archive outside it is NOT_FOUND, exactly like a missing one.
 */
/**
 * A region subtree, `region_code like 'code%'`, said for a county or a town the way the list indexes read it (they
 * order by name within the subtree, so a first page needs no sort, and a count reads the index alone). The same rows:
 * an elder's county code is the first six digits of its region code (a check constraint).
 */
function subtreeConditions(code: string): FilterQuery<Elder>[] {
  if (code.length === 6) return [{ countyCode: code }];
  if (code.length === 9) return [{ [sql`left(region_code, 9)`]: code } as FilterQuery<Elder>];
  return code ? [{ region: subtreeFilter(code) }] : [];
}

/**
 * The derived conditions of a list's filter (ElderService.derived): SQL conditions on the elder alias, the ids of a
 * live fallback (null when none), and today's overdue number when the snapshot's rollup gave it.
 */
/** Filter fields a drill's total from the rollup covers (drillTotalFromRollup): the region and the drill itself. */
const DRILL_TOTAL_FILTERS = new Set(['regionCode', 'period', 'periodInput', 'visited', 'overdue']);
/** Drill switches that narrow only when true (drillOf): false is the same as not given. */
const SWITCHES_ON_WHEN_TRUE = new Set(['alertsRaised', 'unresolvedAlerts', 'refused']);

/**
 * Whether nothing but a region inside the jurisdiction and the drill narrows the list, so that the drill's verdict
 * rows alone say its length. Any other condition (status, class, age, text, alerts, refusals) counts the list.
 */
function onlyDrill(filter: ElderFilter | null | undefined, actorRegion: string): boolean {
  if (!filter) return false;
  const code = filter.regionCode?.trim() || actorRegion;
  if (!code.startsWith(actorRegion)) return false;
  return Object.entries(filter).every(([key, value]) =>
    DRILL_TOTAL_FILTERS.has(key) || value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
    || (Array.isArray(value) && value.length === 0) || (value === false && SWITCHES_ON_WHEN_TRUE.has(key)));
}

interface Derived {
  conditions: DerivedCondition[];
  ids: string[] | null;
  overdueTotal: number | null;
  /** The list's length read from the period's per-elder verdicts (drillTotalFromRollup); null to count the list. */
  drillTotal: number | null;
}

export interface ContactRow {
  id: string;
  elder_id: string;
  kind: string;
  name: string;
  relation: string | null;
  phone: string;
}

export interface HouseholdRow {
  id: string;
  elder_id: string;
  name: string;
  gender: string | null;
  id_number: string | null;
  relation: string;
  health: string | null;
  assistance: string;
}

/** A save based on a version that is no longer current: nothing was changed, the client reloads and saves again. */
function versionConflict(version: number, current: number) {
  return conflict(
    `档案已被他人修改（您看到的是第 ${version} 版，当前为第 ${current} 版），请刷新后再保存`,
    `Someone else changed this archive (you had version ${version}, it is now ${current}): reload and save again`,
    { currentVersion: current },
  );
}

/** What a person's status change writes to the archive, and what its audit row says about why. */
interface StatusChange {
  set: ArchiveChangeSet['set'];
  detail: Record<string, unknown>;
}

/** ARCHIVE_CHANGE_ACTIONS as a SQL list of literals (fixed codes, not input): a partial index is chosen on them. */
const ARCHIVE_CHANGE_IN = ARCHIVE_CHANGE_ACTIONS.map((a) => `'${a}'`).join(', ');

export class ElderService {
  constructor(private readonly ctx: RequestContext) {}

  private get today(): string {
    return today(this.ctx);
  }

  // ---------------------------------------------------------------- reads

  async list(
    filter: ElderFilter | null | undefined,
    sort: ElderSort | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    known?: { derived?: Derived | null },
  ): Promise<ConnectionShape<Elder>> {
    requireScope(this.ctx, Scope.ElderRead);
    const size = pageSize(first);
    const field = sort?.field ?? ElderSortField.NAME;
    const direction = sort?.direction ?? SortDirection.ASC;
    const column = SORT_COLUMNS[field];
    const ascending = (direction === SortDirection.ASC) !== !!column.invert;
    const dir = ascending ? 'asc' : 'desc';
    const sortKey = `${field}:${direction}`;

    // Our cursor wraps the ORM's with the sort it belongs to: a cursor from another sort is refused, not misread.
    let ormAfter: string | undefined;
    if (after) {
      const [s, c] = decodeCursor(after, 2);
      if (s !== sortKey || typeof c !== 'string') throw invalidCursor();
      const values = decodeCursor(c, 2);
      if (!column.valid(values[0]) || typeof values[1] !== 'string' || !isUuid(values[1])) throw invalidCursor();
      ormAfter = c;
    }

    const orderBy = { [column.key]: dir, id: dir } as QueryOrderMap<Elder>;
    // Already read by the compiled path when it handed over (a live fallback's ids): not read twice.
    const derived = known?.derived !== undefined ? known.derived : await this.derived(filter);
    // Built twice: raw-SQL keys (region and ID-number search) are used up by the query they are in.
    const options = this.subtreeOptions(filter);
    const cursor = await this.ctx.em.findByCursor(Elder, this.whereOf(filter, derived), {
      first: size,
      after: ormAfter,
      orderBy,
      populate: ['region'],
      strategy: 'joined',
      includeCount: false,
      ...options,
    });
    // Counted apart: the page joins regions, the count needs only the elder table (an index-only scan), or only the
    // maintained counts (maintainedTotal).
    const total = (await this.maintainedTotal(filter, derived)) ?? (await this.ctx.em.count(Elder, this.whereOf(filter, derived), options));
    const items = cursor.items as Elder[];
    return toConnection(
      items,
      (e) => encodeCursor([sortKey, cursor.from(e)]),
      cursor.hasNextPage,
      cursor.hasPrevPage,
      total,
    );
  }

  /**
   * The list as the GraphQL selection asks for it: compiled to one statement (elder.queries.ts) when the selection,
   * filter and sort are ones the compiler covers, else the entity path (`list`). Both answer the same.
   */
  async listFor(
    info: GraphQLResolveInfo,
    filter: ElderFilter | null | undefined,
    sort: ElderSort | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<ConnectionShape<Elder> | CompiledObject> {
    requireScope(this.ctx, Scope.ElderRead);
    const known: { derived?: Derived | null } = {};
    return (await this.compiledList(info, filter, sort, first, after, known)) ?? this.list(filter, sort, first, after, known);
  }

  /** One archive as the selection asks for it: compiled when covered, else the entity path (`get`). */
  async getFor(info: GraphQLResolveInfo, id: string): Promise<Elder | CompiledObject> {
    requireScope(this.ctx, Scope.ElderRead);
    if (!this.ctx.compiledReads?.enabled) return this.get(id);
    if (!isUuid(id)) throw notFound('老人档案', 'elder archive');
    const audit = this.readAudit(info);
    const statement = compileElderById(info, this.ctx, id, audit);
    if (!statement) return this.get(id);
    const [row] = await executeBound<{ node: CompiledObject; parts?: ReadPart[] }>(this.ctx.em, statement.sql, statement.params, { prepare: this.ctx.compiledReads.prepared });
    if (!row) throw notFound('老人档案', 'elder archive');
    if (!audit.inStatement) for (const part of row.parts ?? []) this.ctx.reads?.add(id, audit.via, part);
    return row.node;
  }

  private readAudit(info: GraphQLResolveInfo): ReadAuditOptions {
    return compiledReadAudit(this.ctx, info);
  }

  /** Null when not compiled: a filter, sort or input the compiler leaves to the entity path (elder.queries.ts). */
  private async compiledList(
    info: GraphQLResolveInfo,
    filter: ElderFilter | null | undefined,
    sort: ElderSort | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
    known: { derived?: Derived | null },
  ): Promise<CompiledObject | null> {
    if (!this.ctx.compiledReads?.enabled || info.operation.operation !== 'query') return null;
    let derivedAsked = false;
    for (const [key, value] of Object.entries(filter ?? {})) {
      const empty = value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
      if (empty) continue;
      if (COMPILED_DERIVED_FILTERS.has(key)) derivedAsked = true;
      else if (!COMPILED_FILTERS.has(key)) return null;
    }
    const regionCode = filter?.regionCode?.trim() || null;
    if (regionCode && !levelOfCode(regionCode)) return null;
    const field = sort?.field ?? ElderSortField.NAME;
    const direction = sort?.direction ?? SortDirection.ASC;
    if (field !== ElderSortField.NAME) return null;
    const size = first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) return null;
    const sortKey = `${field}:${direction}`;
    let afterValues: [string, string] | null = null;
    if (after) {
      // The entity path's cursor: [sort, ORM cursor of (name, id)]; one it would refuse is left to it to refuse.
      try {
        const [s, c] = decodeCursor(after, 2);
        const values = typeof c === 'string' ? decodeCursor(c, 2) : [];
        if (s !== sortKey || typeof values[0] !== 'string' || typeof values[1] !== 'string' || !isUuid(values[1])) return null;
        afterValues = [values[0], values[1]];
      } catch {
        return null;
      }
    }
    // Read only once the input is known good (a bad cursor or region stays the entity path's refusal), and handed to
    // the entity path if it is not compiled after all. A live fallback (ids) is left to the entity path.
    let derived: Derived | null = null;
    if (derivedAsked) {
      derived = known.derived = await this.derived(filter);
      if (derived?.ids) return null;
    }
    const audit = this.readAudit(info);
    const compiled = compileElderList(info, this.ctx, {
      regionCode,
      status: filter?.status?.length ? filter.status : null,
      acceptsVisits: filter?.acceptsVisits ?? null,
      descending: direction === SortDirection.DESC,
      size,
      after: afterValues,
      derived: derived?.conditions ?? [],
      knownTotal: derived?.drillTotal ?? (derived?.overdueTotal != null ? await this.maintainedTotal(filter, derived) : null),
    }, audit);
    if (!compiled) return null;
    const [row] = await executeBound<{ nodes: { n: CompiledObject; k: [string, string]; p?: ReadPart[] }[]; more: boolean; total: number | null }>(
      this.ctx.em, compiled.statement.sql, compiled.statement.params, { prepare: this.ctx.compiledReads!.prepared },
    );
    const items = row!.nodes;
    countResponseItems(items.length);
    if (!audit.inStatement) for (const item of items) for (const part of item.p ?? []) this.ctx.reads?.add(item.k[1], audit.via, part);
    return compiledConnection(compiled.connection, items.map((i) => ({ node: i.n, cursor: encodeCursor([sortKey, encodeCursor(i.k)]) })), {
      hasNextPage: row!.more,
      hasPreviousPage: !!after,
      totalCount: row!.total ?? 0,
      typename: 'ElderConnection',
    });
  }

  /**
   * The list's total without reading the archives, when the filter allows (null otherwise): a region subtree inside
   * the jurisdiction with at most a status is a sum of the counts kept per village and status (elder_region_count,
   * written by triggers with the archives: exact), so a city's first page no longer counts a million rows; today's
   * overdue elders of the subtree and nothing else are the overdue count already read with their condition (the
   * snapshot's rollup corrected by the dirty elders), or the live ids' number when there is no snapshot.
   */
  private async maintainedTotal(filter: ElderFilter | null | undefined, derived: Derived | null): Promise<number | null> {
    if (derived?.drillTotal != null) return derived.drillTotal;
    const actorRegion = this.ctx.actor!.regionCode;
    const code = filter?.regionCode?.trim() || actorRegion;
    if (!code.startsWith(actorRegion)) return null;
    const narrowed = !!filter && (!!filter.circumstances?.length || filter.ageMin != null || filter.ageMax != null || filter.acceptsVisits != null
      || !!filter.classes?.length || !!filter.period?.trim() || !!filter.periodInput || filter.visited != null || filter.alertsRaised != null
      || filter.unresolvedAlerts != null || filter.refused != null || !!filter.text?.trim());
    if (narrowed) return null;
    if (filter?.overdue) return derived && !filter.status?.length ? (derived.overdueTotal ?? derived.ids?.length ?? null) : null;
    if (derived) return null;
    const statuses = filter?.status?.length ? pgArray(filter.status) : null;
    const [row] = await this.ctx.em.execute<{ n: string }[]>(
      `select coalesce(sum(n), 0) as n from elder_region_count where ${inSubtree('region_code')} and (?::text[] is null or status = any(?::text[]))`,
      [code, statuses, statuses],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Every elder of a filter in name order, for an export: the same conditions, jurisdiction and derived ids as the
   * list, counted first so that a filter over `limit` is refused before any archive is loaded. The caller audits.
   */
  async matching(filter: ElderFilter | null | undefined, limit: number): Promise<{ total: number; elders: Elder[] }> {
    requireScope(this.ctx, Scope.ElderRead);
    const derived = await this.derived(filter);
    const options = this.subtreeOptions(filter);
    const total = await this.ctx.em.count(Elder, this.whereOf(filter, derived), options);
    if (total > limit) return { total, elders: [] };
    const elders = await this.ctx.em.find(Elder, this.whereOf(filter, derived), {
      orderBy: { name: 'asc', id: 'asc' },
      populate: ['region'],
      strategy: 'joined',
      ...options,
    });
    return { total, elders };
  }

  /** The day a filter judges class and age on: its period's (see elder.drill.ts), else today. */
  judgedOn(filter: ElderFilter | null | undefined): string {
    return drillOf(filter, this.today)?.asOf ?? this.today;
  }

  /**
   * A county or town inside the caller's jurisdiction is selected by `county_code = ?` or `left(region_code, 9) = ?`
   * (whereOf), which the list indexes answer alone; the jurisdiction filter's LIKE would make the count read every
   * row of the subtree. It is switched off only when the subtree was just checked to lie inside the jurisdiction.
   */
  private subtreeOptions(filter: ElderFilter | null | undefined): { filters?: { jurisdiction: false } } {
    const actorRegion = this.ctx.actor!.regionCode;
    const code = filter?.regionCode?.trim() || actorRegion;
    return (code.length === 6 || code.length === 9) && code.startsWith(actorRegion) ? { filters: { jurisdiction: false } } : {};
  }

  /**
   * Conditions that are derived rather than stored (overdue today, and the report's figures of a period: see
   * elder.drill.ts), over the asked region cut down to the caller's jurisdiction. Null when none is asked. They are
   * SQL conditions on the elder row (semi-joins on the snapshot's and the rollup's per-elder rows), which the page
   * and count statements carry: the page is then found in name order by the list's indexes and stops after the page,
   * and no statement sends a region's ids. Only the rare live fallbacks (no valid snapshot today, a period not rolled
   * up) still resolve to ids first, exactly as before: one statement, only when asked.
   */
  private async derived(filter: ElderFilter | null | undefined): Promise<Derived | null> {
    const drill = drillOf(filter, this.today);
    const regionCode = filter?.regionCode?.trim() || this.ctx.actor!.regionCode;
    const prefix = regionCode.startsWith(this.ctx.actor!.regionCode) ? regionCode : this.ctx.actor!.regionCode;
    const overdue = !!filter?.overdue && !drill?.period;
    if (!overdue && !drill) return null;
    const out: Derived = { conditions: [], ids: null, overdueTotal: null, drillTotal: null };
    if (overdue) {
      // Today's snapshot keeps one row per elder (compliance.rollups.ts): the condition reads those rows.
      const dirty = await snapshotDirty(this.ctx.em, this.today);
      if (dirty !== null) {
        const { total, ...condition } = await overdueConditionFromRollup(this.ctx.em, this.today, prefix, dirty, this.ctx.compiledReads?.prepared ?? false);
        out.conditions.push(condition);
        out.overdueTotal = total;
      } else {
        out.ids = await this.overdueIdsLive(prefix);
      }
    }
    if (drill) {
      const drilled = await drillCondition(this.ctx.em, prefix, drill, this.ctx.now());
      if (drilled.kind === 'sql') {
        out.conditions.push(drilled.condition);
        // Nothing but the region and the drill narrows the list: its length is the verdict rows' (one statement that
        // reads no archive of the subtree), instead of a count over every archive of the subtree.
        if (onlyDrill(filter, this.ctx.actor!.regionCode)) out.drillTotal = await drillTotalFromRollup(this.ctx.em, prefix, drill);
      }
      else if (out.ids === null) out.ids = drilled.ids;
      else {
        const keep = new Set(drilled.ids);
        out.ids = out.ids.filter((id) => keep.has(id));
      }
    }
    return out;
  }

  /** Today's overdue elders computed live (no valid snapshot yet today: rare, so read as ids as before). */
  private async overdueIdsLive(prefix: string): Promise<string[]> {
    const source = sourceOf(this.today, subtree(prefix), null, 'overdue');
    const rows = await this.ctx.em.execute<{ elder_id: string }[]>(
      `${source.sql} select distinct elder_id from compliance where overdue`,
      source.params,
    );
    return rows.map((r) => r.elder_id);
  }

  private whereOf(filter: ElderFilter | null | undefined, derived: Derived | null = null): FilterQuery<Elder> {
    const and: FilterQuery<Elder>[] = [];
    // A county or town jurisdiction said the way the list indexes read it.
    if (!filter?.regionCode?.trim()) and.push(...subtreeConditions(this.ctx.actor!.regionCode));
    if (!filter) return and.length ? { $and: and } : {};
    // A period's figures judge class and age on the period's day (its last day once ended), as the report does.
    const today = filter.period?.trim() || filter.periodInput ? drillOf(filter, this.today)!.asOf : this.today;
    // Each derived condition on the query's own elder alias (a fresh fragment per call: raw keys are used up by the
    // query they are in), as a bare condition (`[]`: no `= true` around it, which would hide its `exists` from the
    // planner's semi-join and leave a subplan per row). The live fallbacks' ids as one array parameter: a city's ids
    // would exceed the bind-parameter limit as an IN list.
    for (const c of derived?.conditions ?? []) and.push({ [raw((alias: string) => c.sql(alias), c.params)]: [] } as FilterQuery<Elder>);
    if (derived?.ids) and.push({ [sql`id = any(${pgArray(derived.ids)}::uuid[])`]: true } as FilterQuery<Elder>);
    if (filter.classes?.length) {
      // The class in force on the day (override, else the rules' result with its 80th-birthday switch).
      and.push({ [sql`elder_class_on(id, computed_class, class_at_80, turns_80_on, ${today}::date)`]: { $in: filter.classes } } as FilterQuery<Elder>);
    }
    if (filter.regionCode) {
      const code = filter.regionCode.trim();
      if (!levelOfCode(code)) {
        throw badInput('行政区划代码应为 2、4、6、9 或 12 位数字', 'A region code has 2, 4, 6, 9 or 12 digits', 'filter.regionCode');
      }
      and.push(...subtreeConditions(code));
    }
    if (filter.status?.length) and.push({ status: { $in: filter.status } });
    if (filter.acceptsVisits !== undefined && filter.acceptsVisits !== null) and.push({ acceptsVisits: filter.acceptsVisits });
    const wanted = new Set(filter.circumstances ?? []);
    if (wanted.delete(Circumstance.AGED_80_PLUS)) and.push({ birthDate: { $lte: bornOnOrBefore(today, 80) } });
    if (wanted.delete(Circumstance.SEVERELY_DISABLED)) and.push({ disabilityGrade: { $lte: 2 } });
    if (wanted.size > 0) and.push({ circumstances: { $contains: [...wanted] } });
    for (const [value, key] of [
      [filter.ageMin, 'ageMin'],
      [filter.ageMax, 'ageMax'],
    ] as const) {
      if (value !== null && value !== undefined && (!Number.isInteger(value) || value < 0 || value > 150)) {
        throw badInput('年龄应为 0 到 150 之间的整数', 'Age must be a whole number from 0 to 150', `filter.${key}`);
      }
    }
    if (filter.ageMin != null && filter.ageMax != null && filter.ageMin > filter.ageMax) {
      throw badInput('最小年龄不能大于最大年龄', 'ageMin cannot exceed ageMax', 'filter.ageMin');
    }
    if (filter.ageMin != null) and.push({ birthDate: { $lte: bornOnOrBefore(today, filter.ageMin) } });
    if (filter.ageMax != null) and.push({ birthDate: { $gt: bornOnOrBefore(today, filter.ageMax + 1) } });
    const text = filter.text?.trim();
    if (text) {
      if (text.length > 50) throw badInput('搜索内容过长', 'Search text is too long', 'filter.text');
      if (/^\d{17}[\dXx]$/.test(text)) {
        and.push({ idNumber: text.toUpperCase() });
      } else if (/^\d+[Xx]?$/.test(text)) {
        if (text.length < 4) {
          throw badInput('按身份证号搜索时，请至少输入后 4 位', 'Give at least the last 4 digits of the ID number', 'filter.text');
        }
        const reversed = [...text.toUpperCase()].reverse().join('');
        and.push({ [sql`reverse(id_number)`]: { $like: likePrefix(reversed) } } as FilterQuery<Elder>);
      } else {
        and.push({ name: { $like: likePrefix(text) } });
      }
    }
    return and.length ? { $and: and } : {};
  }

  /** One archive by id; the read is audited. */
  /**
   * An archive's emergency contacts and household members, batched over a page of elders, as rows rather than
   * entities: the answer is a masked copy anyway, and entity hydration was most of a list's cost. The elders were
   * loaded through the jurisdiction filter, so their own rows need no second check.
   */
  contactsOf(elderId: string): Promise<ContactRow[]> {
    return this.ctx.loaders
      .get<string, ContactRow[]>('elder.contacts', async (ids) =>
        groupByKeys(ids, await this.ctx.em.execute<ContactRow[]>(
          `select id, elder_id, kind, name, relation, phone from elder_contact where elder_id = any(?::uuid[]) order by elder_id, position`,
          [pgArray(ids)],
        ), (r) => r.elder_id))
      .load(elderId);
  }

  householdOf(elderId: string): Promise<HouseholdRow[]> {
    return this.ctx.loaders
      .get<string, HouseholdRow[]>('elder.household', async (ids) =>
        groupByKeys(ids, await this.ctx.em.execute<HouseholdRow[]>(
          `select id, elder_id, name, gender, id_number, relation, health, assistance from household_member
            where elder_id = any(?::uuid[]) order by elder_id, position`,
          [pgArray(ids)],
        ), (r) => r.elder_id))
      .load(elderId);
  }

  async get(id: string): Promise<Elder> {
    requireScope(this.ctx, Scope.ElderRead);
    // The read is audited where the archive is served (audit/read-audit.ts), like every other read of it.
    return this.find(id);
  }

  private async find(id: string, em: EntityManager = this.ctx.em): Promise<Elder> {
    const elder = isUuid(id) ? await em.findOne(Elder, { id }, { populate: ['region'] }) : null;
    if (!elder) throw notFound('老人档案', 'elder archive');
    return elder;
  }

  async reveal(elderId: string, purposeRaw: string): Promise<ElderIdentity> {
    requireScope(this.ctx, Scope.ElderRevealIdentity);
    const purpose = requiredText('purpose', purposeRaw, 2, 200, ['查看目的', 'The purpose']);
    const elder = await this.find(elderId);
    await this.ctx.em.populate(elder, ['emergencyContacts', 'householdMembers']);
    await writeAudit(this.ctx, [{ action: AuditAction.IdentityReveal, elderId: elder.id, regionCode: elder.regionCode, purpose }]);
    return {
      elderId: elder.id,
      idNumber: elder.idNumber,
      phone: elder.phone ?? null,
      disabilityCertificateNumber: elder.disabilityCertificateNumber ?? null,
      emergencyContacts: elder.emergencyContacts.getItems().map((c) => ({ id: c.id, name: c.name, phone: c.phone })),
      householdMembers: elder.householdMembers.getItems().map((m) => ({ id: m.id, name: m.name, idNumber: m.idNumber ?? null })),
    };
  }

  async history(elder: Elder, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<ArchiveChange>> {
    requireScope(this.ctx, Scope.ElderRead);
    const size = pageSize(first);
    let before: string | null = null;
    if (after) {
      const [id] = decodeCursor(after, 1);
      if (typeof id !== 'string' || !/^\d{1,18}$/.test(id)) throw invalidCursor(); // 18 digits always fit a bigint
      before = id;
    }
    // The page and its total in one statement, prepared on its generic plan: the audit log is a partitioned table, and
    // planning each of the two queries over every month's partition took 7 ms at each ElderDetail (against 0.3 to
    // run). The actions are written into the text (fixed codes), so the plan can use the index on changes only.
    const rows = await executeBound<{ id: string; at: Date | string; action: string; actor_username: string | null; changes: FieldChange[] | null; total: string }>(
      this.ctx.em,
      `select a.id::text as id, a.at, a.action, a.actor_username, a.changes, t.total
         from (select count(*) as total from audit_event c where c.elder_id = ?::uuid and c.action in (${ARCHIVE_CHANGE_IN})) t
         left join lateral (
           select x.id, x.at, x.action, x.actor_username, x.changes from audit_event x
            where x.elder_id = ?::uuid and x.action in (${ARCHIVE_CHANGE_IN}) and (?::bigint is null or x.id < ?::bigint)
            order by x.id desc limit ?
         ) a on true
        order by a.id desc nulls last`,
      [elder.id, elder.id, before, before, size + 1],
      { prepare: this.ctx.compiledReads?.prepared ?? false, generic: true },
    );
    const found = rows.filter((r) => r.id !== null);
    const total = Number(rows[0]?.total ?? 0);
    const page = found.slice(0, size).map((r) => ({
      id: r.id,
      // The driver hands raw statements' timestamps over as text.
      at: toDate(r.at),
      action: r.action,
      actorUsername: r.actor_username,
      changes: r.changes ?? [],
    }));
    return toConnection(page, (r) => encodeCursor([r.id]), found.length > size, !!after, total);
  }

  // ---------------------------------------------------------------- writes

  async register(input: RegisterElderInput): Promise<Elder> {
    const actor = requireScope(this.ctx, Scope.ElderWrite);
    const clean = validateArchive(input, { today: this.today, register: true });
    const region = await new RegionService(this.ctx).requireVillageInJurisdiction(actor, clean.regionCode!);
    const identity = clean.identity!;
    await this.refuseSecondArchive(actor, identity.idNumber);
    const now = this.ctx.now();
    try {
      const id = await this.ctx.em.transactional(async (em) => {
        const elder = em.create(Elder, {
          countyCode: countyOf(region.code),
          region: em.getReference(Region, region.code, { wrapped: true }),
          name: clean.name!,
          idNumber: identity.idNumber,
          birthDate: identity.birthDate,
          gender: identity.gender,
          registeredAt: now,
          registeredBy: actor.userId,
          updatedAt: now,
        });
        this.apply(em, elder, clean);
        await em.flush();
        // Against nothing: a registration lists every field it set.
        await reclassify(em, [elder.id], now, actor.userId);
        const changes = maskChanges(diffSnapshots({}, snapshot(elder)));
        await writeAudit(this.ctx, [{ action: AuditAction.ElderRegister, elderId: elder.id, regionCode: region.code, changes }], em);
        return elder.id;
      });
      return await this.committed(id);
    } catch (error) {
      // Two registrations of one person at the same moment: the unique index lets exactly one through.
      if (error instanceof UniqueConstraintViolationException) await this.refuseSecondArchive(actor, identity.idNumber);
      throw error;
    }
  }

  async update(id: string, version: number, input: UpdateElderInput): Promise<Elder> {
    const actor = requireScope(this.ctx, Scope.ElderWrite);
    try {
      await this.ctx.em.transactional(async (em) => {
        const elder = await this.lockForChange(em, id, version);
        const clean = validateArchive(input, { today: this.today, register: false, currentIdNumber: elder.idNumber });
        if (clean.regionCode !== undefined && clean.regionCode !== elder.regionCode) {
          await new RegionService(this.ctx).requireVillageInJurisdiction(actor, clean.regionCode);
        }
        if (clean.identity && clean.identity.idNumber !== elder.idNumber) {
          await this.refuseSecondArchive(actor, clean.identity.idNumber);
        }
        if (clean.temporaryDifficultyUntil && !clean.temporaryDifficulty && !elder.temporaryDifficulty) {
          throw badInput('该档案没有阶段性临时困难：请同时填写临时困难情况', 'The archive has no temporary difficulty: give temporaryDifficulty with its end date', 'temporaryDifficultyUntil');
        }
        const before = snapshot(elder);
        this.apply(em, elder, clean);
        const changes = diffSnapshots(before, snapshot(elder));
        // Values an agency record backs are the agency's to change: refused with the record named, never overwritten.
        refuseAgencyBackedEdits(elder, changes);
        // 动态管理: a person saving the archive has confirmed it, even when nothing needed changing.
        await markVerified(em, [elder.id], this.today);
        if (changes.length === 0) return;
        elder.updatedAt = this.ctx.now();
        await em.flush();
        // The class follows its inputs in the same transaction: never stale.
        await reclassify(em, [elder.id], this.ctx.now(), actor.userId);
        await writeAudit(this.ctx, [{ action: AuditAction.ElderUpdate, elderId: elder.id, regionCode: elder.regionCode, changes: maskChanges(changes) }], em);
      });
    } catch (error) {
      if (error instanceof OptimisticLockError) throw await this.staleVersion(id, version);
      if (error instanceof UniqueConstraintViolationException && input.idNumber) {
        await this.refuseSecondArchive(actor, input.idNumber.trim().toUpperCase());
      }
      throw error;
    }
    return this.committed(id);
  }

  async close(id: string, version: number, input: CloseElderInput): Promise<Elder> {
    requireScope(this.ctx, Scope.ElderWrite);
    return this.change(id, version, AuditAction.ElderClose, (elder) => {
      if (elder.status !== ElderStatus.ACTIVE) {
        throw conflict(
          `该档案已于 ${elder.statusDate} 关闭（${STATUS_LABELS[elder.status]}）；如需更正，请先恢复档案`,
          `This archive was closed on ${elder.statusDate} (${elder.status}); reopen it first to correct it`,
          { status: elder.status },
        );
      }
      const reason = requiredText('reason', input.reason, 2, 500, ['关闭原因', 'The reason']);
      const date = pastDate('effectiveDate', input.effectiveDate, this.today, elder.birthDate, ['日期', 'The date']);
      return { set: { status: input.status, status_date: date, status_reason: reason }, detail: {} };
    });
  }

  async reopen(id: string, version: number, reasonRaw: string): Promise<Elder> {
    requireScope(this.ctx, Scope.ElderWrite);
    return this.change(id, version, AuditAction.ElderReopen, async (elder, em) => {
      if (elder.status === ElderStatus.ACTIVE) {
        throw conflict('该档案在册，无需恢复', 'This archive is active: nothing to reopen');
      }
      if (elder.status === ElderStatus.DECEASED) await refuseReopenOfRegisteredDeath(em, elder.id);
      const reason = requiredText('reason', reasonRaw, 2, 500, ['恢复原因', 'The reason']);
      return { set: { status: ElderStatus.ACTIVE, status_date: null, status_reason: null }, detail: { reason } };
    });
  }

  async recordRefusal(id: string, version: number, input: RecordRefusalInput): Promise<Elder> {
    const actor = requireScope(this.ctx, Scope.ElderWrite);
    return this.change(id, version, AuditAction.RefusalRecord, (elder, em) => {
      if (elder.status !== ElderStatus.ACTIVE) {
        throw conflict('档案已关闭，不能登记拒绝探访', 'The archive is closed: no refusal can be recorded');
      }
      if (!elder.acceptsVisits) {
        throw conflict('该老人已有未撤回的拒绝记录', 'A refusal is already on record and not withdrawn');
      }
      const { reason, talkedWith, refusedOn } = validateRefusal(input, this.today, elder.birthDate);
      em.create(Refusal, { elder, countyCode: elder.countyCode, refusedOn, reason, talkedWith, recordedBy: actor.userId, recordedAt: this.ctx.now() });
      return { set: { accepts_visits: false }, detail: { refusedOn, reason, talkedWith } };
    });
  }

  async withdrawRefusal(id: string, version: number, input: WithdrawRefusalInput): Promise<Elder> {
    requireScope(this.ctx, Scope.ElderWrite);
    return this.change(id, version, AuditAction.RefusalWithdraw, async (elder, em) => {
      const open = await em.findOne(Refusal, { elder, withdrawnOn: null }, { orderBy: { recordedAt: 'desc' } });
      if (elder.acceptsVisits || !open) {
        throw conflict('该老人没有未撤回的拒绝记录', 'There is no standing refusal to withdraw');
      }
      const acceptedOn = pastDate('acceptedOn', input.acceptedOn, this.today, open.refusedOn, ['同意日期', 'The date']);
      const note = input.note?.trim() ? requiredText('note', input.note, 1, 500, ['说明', 'The note']) : null;
      open.withdrawnOn = acceptedOn;
      open.withdrawnNote = note;
      return { set: { accepts_visits: true }, detail: { acceptedOn, note } };
    });
  }

  // ---------------------------------------------------------------- helpers

  /** Loads an archive for change inside a transaction, locked, and checks the version the client saw. */
  private async lockForChange(em: EntityManager, id: string, version: number): Promise<Elder> {
    const elder = isUuid(id)
      ? await em.findOne(Elder, { id }, { populate: [...ARCHIVE_POPULATE], lockMode: LockMode.PESSIMISTIC_WRITE, lockTableAliases: ['e0'], strategy: 'select-in' })
      : null;
    if (!elder) throw notFound('老人档案', 'elder archive');
    if (elder.version !== version) throw versionConflict(version, elder.version);
    return elder;
  }

  /**
   * The row lock above makes a second writer wait and then see the new version, but the guarantee of one winner per
   * version is the UPDATE itself: it is conditional on the version (`where id = ? and version = ?`) and the ORM throws
   * OptimisticLockError when it matched no row. Whatever got past the lock, that answer is the same CONFLICT.
   */
  private async staleVersion(id: string, version: number): Promise<Error> {
    const [row] = await this.ctx.em.getConnection().execute<{ version: number }[]>(`select version from elder where id = ?`, [id]);
    return versionConflict(version, row?.version ?? version + 1);
  }

  /**
   * A status change of one archive by a person: locked and version-checked here (the row lock makes a second writer
   * wait and then see the new version), then written by the one set-based path every archive change takes
   * (applyArchiveChanges: version bumped, class recomputed, audit made from what really changed). `decide` checks the
   * rules on the locked archive and names the columns to set; rows of other tables it creates (a refusal) are
   * flushed first, in the same transaction.
   */
  private async change(
    id: string,
    version: number,
    action: (typeof AuditAction)[keyof typeof AuditAction],
    decide: (elder: Elder, em: EntityManager) => StatusChange | Promise<StatusChange>,
  ): Promise<Elder> {
    try {
      await this.ctx.em.transactional(async (em) => {
        const elder = await this.lockForChange(em, id, version);
        const { set, detail } = await decide(elder, em);
        await em.flush();
        await applyArchiveChanges(this.ctx, em, [{ elderId: elder.id, set, action, detail }]);
      });
    } catch (error) {
      if (error instanceof OptimisticLockError) throw await this.staleVersion(id, version);
      throw error;
    }
    return this.committed(id);
  }

  /** An archive after another module changed it (no audit of a read: the change was audited). */
  async refetch(id: string): Promise<Elder> {
    return this.committed(id);
  }

  /**
   * The archive as committed, read through the request's EntityManager: entities of a finished transaction
   * must not be lazy-loaded from (their transaction is gone), and the answer should be what was stored.
   */
  private async committed(id: string): Promise<Elder> {
    return this.ctx.em.findOneOrFail(Elder, { id }, { populate: ['region'], refresh: true });
  }

  /** CONFLICT if the person already has an archive anywhere. Outside the caller's jurisdiction it says only that. */
  private async refuseSecondArchive(actor: Actor, idNumber: string): Promise<void> {
    // Deliberately unfiltered: one archive per person in the whole system, whoever registered it.
    const existing = await this.ctx.em.findOne(Elder, { idNumber }, { filters: false, populate: ['region'] });
    if (!existing) return;
    if (existing.regionCode.startsWith(actor.regionCode)) {
      throw conflict(
        `该身份证号已有档案：${existing.name}，${existing.region.unwrap().name}（${STATUS_LABELS[existing.status]}），请勿重复登记`,
        `This ID number already has an archive (${existing.status}); do not register it twice`,
        { field: 'idNumber', existingElderId: existing.id, existingStatus: existing.status },
      );
    }
    throw conflict(
      '该身份证号已在其他辖区建档，请联系上级民政部门核实迁移',
      'This ID number has an archive in another jurisdiction: ask the civil-affairs office above you to transfer it',
      { field: 'idNumber' },
    );
  }

  /** Applies validated fields. Lists are replaced only when they differ, so an unchanged form rewrites nothing. */
  private apply(em: EntityManager, elder: Elder, clean: CleanArchive): void {
    if (clean.name !== undefined) elder.name = clean.name;
    if (clean.identity) {
      elder.idNumber = clean.identity.idNumber;
      elder.birthDate = clean.identity.birthDate;
      elder.gender = clean.identity.gender;
    }
    if (clean.regionCode !== undefined && clean.regionCode !== elder.region?.unwrap().code) {
      elder.region = em.getReference(Region, clean.regionCode, { wrapped: true });
      elder.countyCode = countyOf(clean.regionCode);
      for (const part of [...elder.emergencyContacts, ...elder.householdMembers, ...elder.helpRecords]) part.countyCode = elder.countyCode;
    }
    if (clean.phone !== undefined) elder.phone = clean.phone;
    if (clean.addressDetail !== undefined) elder.addressDetail = clean.addressDetail;
    if (clean.livesAtRegisteredResidence !== undefined) elder.livesAtRegisteredResidence = clean.livesAtRegisteredResidence;
    if (clean.incapacityLevel !== undefined) elder.incapacityLevel = clean.incapacityLevel;
    if (clean.familyPlanningKind !== undefined) elder.familyPlanningKind = clean.familyPlanningKind;
    if (clean.extremePovertyKind !== undefined) elder.extremePovertyKind = clean.extremePovertyKind;
    if (clean.temporaryDifficulty !== undefined) elder.temporaryDifficulty = clean.temporaryDifficulty;
    if (clean.temporaryDifficultyUntil !== undefined) elder.temporaryDifficultyUntil = clean.temporaryDifficultyUntil;
    if (clean.disability !== undefined) {
      elder.disabilityCertificateNumber = clean.disability?.certificateNumber ?? null;
      elder.disabilityCategory = clean.disability?.category ?? null;
      elder.disabilityGrade = clean.disability?.grade ?? null;
    }
    if (clean.circumstances !== undefined || DETAIL_OF.some((d) => d.given(clean))) {
      const flags = new Set(clean.circumstances ?? elder.circumstances);
      for (const d of DETAIL_OF) if (d.given(clean)) flags.add(d.flag);
      for (const d of DETAIL_OF) if (!flags.has(d.flag)) d.clear(elder);
      elder.circumstances = Object.values(Circumstance).filter((c) => flags.has(c));
    }
    if (clean.living) Object.assign(elder, clean.living);

    const county = elder.countyCode;
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const current = snapshot(elder);
    if (clean.emergencyContacts && !same(clean.emergencyContacts, current.emergencyContacts)) {
      elder.emergencyContacts.set(
        clean.emergencyContacts.map((c, position) => em.create(ElderContact, { elder, countyCode: county, position, ...c })),
      );
    }
    if (clean.householdMembers && !same(clean.householdMembers, current.householdMembers)) {
      elder.householdMembers.set(
        clean.householdMembers.map((m, position) => em.create(HouseholdMember, { elder, countyCode: county, position, ...m })),
      );
    }
    if (clean.helpReceived && !same(clean.helpReceived, current.helpReceived)) {
      elder.helpRecords.set(
        clean.helpReceived.map((h, position) => em.create(HelpRecord, { elder, countyCode: county, position, ...h })),
      );
    }
  }
}
