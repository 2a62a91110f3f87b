import { createHash, randomUUID } from 'node:crypto';
import { stableJson } from '../../shared/json.js';
import { DeadlockException, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, FieldErrors, forbidden } from '../../graphql/errors.js';
import { executeBound } from '../../shared/bound-sql.js';
import { pgArray } from '../../shared/sql.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { ageOn, normalizeIdNumber, parseIdNumber } from '../elders/id-number.js';
import { applyEffects, type MatchedRecord } from './sync.effects.js';
import { RECORD_KINDS, type RecordKind } from './sync.kinds.js';
import { MatchKind, SyncStatus, type AgencyRecordBase, type SyncFieldErrorType, type SyncRecordResultType, type SyncResultType } from './sync.types.js';
import { inSubtree } from '../../shared/jurisdiction.js';

export const MAX_SYNC_RECORDS = 5000;

/** Thrown out of a dry run's transaction to roll it back, carrying the answer it computed. */
class DryRunRollback extends Error {
  constructor(readonly answer: SyncResultType) {
    super('dry run: rolled back');
  }
}

/** A record as validated: what the answer, the staging statement and the effects need. */
interface Row {
  /** As answered: trimmed, or as sent when that leaves nothing. */
  externalId: string;
  status: SyncStatus;
  /** Null while the record has none: no object per valid record. */
  errors: SyncFieldErrorType[] | null;
  record: AgencyRecordBase & Record<string, any>;
  elderId: string | null;
  candidateId: string | null;
  hash?: string;
}

/** One row of the staging statement's answer, per valid record. */
interface StagedRow {
  ord: number;
  elder_id: string | null;
  elder_region: string | null;
  elder_county: string | null;
  stored_version: number | null;
  stored_hash: string | null;
  record_id: string | null;
  /** Whether the row written was inserted (else updated); null when nothing was written. */
  inserted: boolean | null;
}

/**
 * The answer as stored for replays, compact: one letter per record for its status and its match, the elder and
 * candidate ids of the records that have one (in order), and errors only where there are any. The external ids are
 * not stored: a replay carries the same records (its request hash says so) and they are read from it.
 */
interface StoredAnswer {
  v: 2;
  batchId: string;
  idempotencyKey: string;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  conflicts: number;
  status: string;
  match: string;
  elders: string[];
  candidates: string[];
  errors: Record<string, SyncFieldErrorType[]>;
}

const STATUS_LETTER: Record<SyncStatus, string> = { CREATED: 'C', UPDATED: 'U', UNCHANGED: 'N', REJECTED: 'R', CONFLICT: 'X' };
const STATUS_OF: Record<string, SyncStatus> = Object.fromEntries(Object.entries(STATUS_LETTER).map(([s, l]) => [l, s as SyncStatus]));
const MATCH_LETTER: Record<MatchKind, string> = { ELDER: 'E', CANDIDATE: 'C', NONE: 'N' };
const MATCH_OF: Record<string, MatchKind> = Object.fromEntries(Object.entries(MATCH_LETTER).map(([m, l]) => [l, m as MatchKind]));

/** The externalId a record is answered under (trimmed, or as sent when trimming leaves nothing). */
const answeredId = (raw: AgencyRecordBase): string => (raw.externalId ?? '').trim() || String(raw.externalId ?? '');

/**
 * The answer with its per-record results built only when a client selects them: a partner that asks for the counts
 * of a 5,000-record batch does not pay for 5,000 result objects (the schema and the values are the same either way).
 */
function answerWith(head: Omit<SyncResultType, 'results'>, results: () => SyncRecordResultType[]): SyncResultType {
  let built: SyncRecordResultType[] | undefined;
  return Object.defineProperty({ ...head } as SyncResultType, 'results', {
    enumerable: true,
    get: () => (built ??= results()),
  });
}

/** The stored answer's results for the records of a replay (the same records, by the request hash). */
function resultsOf(stored: StoredAnswer, records: readonly AgencyRecordBase[]): SyncRecordResultType[] {
  let e = 0;
  let c = 0;
  return records.map((raw, i) => {
    const match = MATCH_OF[stored.match[i]!]!;
    return {
      externalId: answeredId(raw),
      status: STATUS_OF[stored.status[i]!]!,
      match,
      elderId: match === MatchKind.ELDER ? stored.elders[e++]! : null,
      candidateId: match === MatchKind.CANDIDATE ? stored.candidates[c++]! : null,
      errors: stored.errors[i] ?? [],
    };
  });
}

/** A PostgreSQL array literal that keeps nulls (NULL unquoted), for the staging statement's nullable columns. */
function pgArrayOrNull(values: readonly (string | number | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

/**
 * Stage, classify and write in one statement: the batch's valid records arrive as one `unnest` of column arrays, are
 * matched to archives (by ID number, inside the agency's region) and to what is stored (by externalId) set-based,
 * and those that are new or of a higher version are upserted. Its answer, per record: the match, the stored version
 * and hash as the statement's snapshot saw them, the id of the row written and whether it was inserted.
 *
 * Batches of one agency run side by side. What a record became is read from the write itself (inserted, updated,
 * or not written), not from the snapshot: a concurrent batch may commit the same externalId between the two, and the
 * upsert then waits for it and decides on the committed row. Rows are written in externalId order, so two batches
 * about the same records take their row locks in the same order and wait for each other instead of deadlocking.
 */
const STAGE_AND_UPSERT = `
with staged as (
  select * from unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::date[], ?::text[])
    as s(ord, external_id, id_number, name, region_code, source_version, payload, effective_on, payload_hash)
),
matched as materialized (
  select s.*, e.id as elder_id, e.region_code as elder_region, e.county_code as elder_county,
         r.source_version as stored_version, r.payload_hash as stored_hash
    from staged s
    -- One unique-index probe per record (ID numbers are unique): as a plain join the planner hashed the whole
    -- region's elders for a 5,000-record batch (90-150 ms at 100k elders, against 20 ms probing).
    left join lateral (
      select e.id, e.region_code, e.county_code from elder e where e.id_number = s.id_number and ${inSubtree('e.region_code')} limit 1
    ) e on true
    left join agency_record r on r.agency_id = ? and r.kind = ? and r.external_id = s.external_id
),
written as (
  insert into agency_record (agency_id, agency_kind, kind, external_id, id_number, name, region_code, elder_id, county_code,
                             effective_on, source_version, payload, payload_hash, batch_id, received_at, updated_at)
  select ?, ?, ?, m.external_id, m.id_number, m.name,
         -- Never null: the change feed and civil affairs' reads find unmatched records by region too.
         coalesce(m.elder_region, case when starts_with(m.region_code, ?) then m.region_code else ? end),
         m.elder_id, rpad(left(coalesce(m.elder_region, m.region_code, ?), 6), 6, '0'),
         m.effective_on, m.source_version, m.payload::jsonb, m.payload_hash, ?, ?, ?
    from matched m
   where m.stored_version is null or m.stored_version < m.source_version
   order by m.external_id
  on conflict (agency_id, kind, external_id) do update
    set id_number = excluded.id_number, name = excluded.name, region_code = excluded.region_code, elder_id = excluded.elder_id,
        county_code = excluded.county_code, effective_on = excluded.effective_on, source_version = excluded.source_version,
        payload = excluded.payload, payload_hash = excluded.payload_hash, batch_id = excluded.batch_id, updated_at = excluded.updated_at
    where agency_record.source_version < excluded.source_version
  -- xmax is 0 on a row this statement inserted, and this transaction's id on one it updated.
  returning id, external_id, xmax = 0 as inserted
)
select m.ord, m.elder_id, m.elder_region, m.elder_county, m.stored_version, m.stored_hash, w.id as record_id, w.inserted
  from matched m left join written w on w.external_id = m.external_id`;

/**
 * Sync of one kind of agency record: validate every record on its own (a bad one never blocks the rest), stage the
 * good ones and, in one statement, match them to archives by ID number and upsert them keyed by (agency, kind,
 * externalId) with a source version; apply their effects, queue unregistered people as survey candidates, and store
 * a compact answer under the idempotency key. Batches of one agency run side by side: each record's outcome is read
 * from its own write, and a twin of a batch (the same key, sent twice at once) is rolled back by the key's unique
 * index and answered with the stored answer.
 */
export class SyncService {
  constructor(private readonly ctx: RequestContext) {}

  async sync(kindName: string, batch: { idempotencyKey: string; records: AgencyRecordBase[]; dryRun?: boolean | null }): Promise<SyncResultType> {
    const spec = RECORD_KINDS[kindName]!;
    const actor = requireScope(this.ctx, spec.scope);
    if (!actor.agencyId) throw forbidden('只有合作部门的账号或其系统可以同步本部门数据', 'Only a partner agency account or API key can sync its records');
    const key = batch.idempotencyKey.trim();
    if (!key || key.length > 100) throw badInput('批次编号（idempotencyKey）应为1至100个字符', 'idempotencyKey must be 1 to 100 characters', 'idempotencyKey');
    if (batch.records.length === 0) throw badInput('批次中没有记录', 'The batch has no records', 'records');
    if (batch.records.length > MAX_SYNC_RECORDS) {
      throw badInput(
        `一批最多 ${MAX_SYNC_RECORDS} 条记录（本批 ${batch.records.length} 条），请拆分后分批同步`,
        `At most ${MAX_SYNC_RECORDS} records a batch (this one has ${batch.records.length}): split it`,
        'records',
      );
    }
    const dryRun = batch.dryRun === true;
    const requestHash = createHash('sha256').update(`${kindName}\n${stableJson(batch.records)}`).digest('hex');
    const agencyId = actor.agencyId;
    // The agency's region and a prior answer under this key, in one read.
    const [head] = await this.ctx.em.execute<{ region_code: string; request_hash: string | null; response: unknown }[]>(
      `select a.region_code, b.request_hash, b.response
         from agency a left join sync_batch b on b.agency_id = a.id and b.idempotency_key = ?
        where a.id = ?`,
      [key, agencyId],
    );
    if (head!.request_hash) return replayOf(head as { request_hash: string; response: unknown }, requestHash, batch.records);

    const agencyRegion = head!.region_code;
    const day = today(this.ctx);
    const now = this.ctx.now();
    // Checking and hashing the records needs no database: done before the transaction, which then holds a
    // connection only for its statements.
    const rows = validate(spec, batch.records, day);
    const valid = rows.filter((r) => r.status !== SyncStatus.REJECTED);
    const columns = stagedColumns(spec, valid);
    try {
      return await withDeadlockRetry(() => this.ctx.em.transactional(async (em) => {
        // A retried attempt starts from the records as checked, not from what the cancelled one concluded.
        for (const r of valid) Object.assign(r, { status: SyncStatus.CREATED, errors: null, elderId: null, candidateId: null });
        const batchId = randomUUID();
        // Stage, match and write: one statement for the whole batch, whatever its size.
        const staged = valid.length ? await this.stage(em, spec, columns, { agencyId, agencyRegion, batchId, now }) : [];
        const committed = await this.committedMeanwhile(em, spec, agencyId, valid, staged);
        const changed: MatchedRecord[] = [];
        for (let i = 0; i < valid.length; i++) {
          const r = valid[i]!;
          const s = staged[i]!;
          const rec = r.record;
          if (s.record_id) {
            r.status = s.inserted ? SyncStatus.CREATED : SyncStatus.UPDATED;
          } else {
            // Not written: what is stored is at least this version (as the snapshot saw it, or as committed meanwhile).
            const stored = wasWritable(s, rec.sourceVersion) ? committed.get(r.externalId)! : { version: s.stored_version!, hash: s.stored_hash };
            if (rec.sourceVersion === stored.version && r.hash === stored.hash) {
              r.status = SyncStatus.UNCHANGED;
            } else {
              r.status = SyncStatus.CONFLICT;
              r.errors = [{
                field: 'sourceVersion',
                message: `已存版本为 ${stored.version}：较旧或同版本不同内容的记录不会覆盖`,
                messageEn: `Stored version is ${stored.version}: an older version, or the same version with other content, does not overwrite it`,
              }];
            }
          }
          const elder = s.elder_id ? { id: s.elder_id, region_code: s.elder_region!, county_code: s.elder_county! } : null;
          r.elderId = elder?.id ?? null;
          if ((r.status === SyncStatus.CREATED || r.status === SyncStatus.UPDATED) && s.record_id) {
            changed.push({
              recordId: s.record_id, externalId: r.externalId, record: rec, elder,
              effectiveOn: spec.effectiveOn(rec), created: r.status === SyncStatus.CREATED, payloadHash: r.hash,
            });
          }
        }

        await applyEffects(this.ctx, em, spec, changed, agencyId);
        const candidates = await this.queueCandidates(em, spec, changed.filter((c) => !c.elder), agencyRegion, day);
        if (candidates.size > 0) {
          for (const r of valid) {
            // Keyed by externalId: a rejected duplicate of a queued record must not borrow its match.
            const candidateId = candidates.get(r.externalId);
            if (candidateId) r.candidateId = candidateId;
          }
        }

        if (dryRun) {
          // Everything above ran for real (the same locks, statements and effects), so its verdicts are a real run's by
          // construction; rolling the transaction back undoes every write. Ids made inside it name nothing afterwards.
          const { status: _s, match: _m, elders: _e, candidates: _c, errors: _x, v: _v, ...counts } = storedAnswerOf(batchId, key, rows);
          const results = rows.map((r) => ({ ...resultOf(r), candidateId: null }));
          throw new DryRunRollback({ ...counts, batchId: null, dryRun: true, replayed: false, results });
        }

        const stored = storedAnswerOf(batchId, key, rows);
        await executeBound(em,
          `insert into sync_batch (id, agency_id, kind, idempotency_key, request_hash, response, records, created_by, created_at)
           values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)`,
          [batchId, agencyId, kindName, key, requestHash, JSON.stringify(stored), rows.length, actor.userId, now],
        );
        await writeAudit(this.ctx, [{
          action: AuditAction.AgencySync,
          regionCode: agencyRegion,
          detail: { kind: kindName, batchId, idempotencyKey: key, received: stored.received, created: stored.created, updated: stored.updated, rejected: stored.rejected, conflicts: stored.conflicts },
        }], em);
        const { status: _s, match: _m, elders: _e, candidates: _c, errors: _x, v: _v, ...counts } = stored;
        return answerWith({ ...counts, dryRun: false, replayed: false }, () => rows.map(resultOf));
      }));
    } catch (error) {
      if (error instanceof DryRunRollback) return error.answer;
      // The same key committed by a concurrent call between our check and our insert.
      if (error instanceof UniqueConstraintViolationException) {
        const again = await this.replay(agencyId, key, requestHash, batch.records);
        if (again) return again;
      }
      throw error;
    }
  }

  private async stage(
    em: EntityManager,
    spec: RecordKind,
    columns: StagedColumns,
    at: { agencyId: string; agencyRegion: string; batchId: string; now: Date },
  ): Promise<StagedRow[]> {
    const { agencyId, agencyRegion: region, batchId, now } = at;
    const rows = await executeBound<StagedRow>(em, STAGE_AND_UPSERT, [
      ...columns.arrays,
      region, agencyId, spec.kind, // matched
      agencyId, spec.agency, spec.kind, region, region, region, batchId, now, now, // written
    ]);
    // Back in the order staged (the statement's answer has no order of its own).
    const byOrd: StagedRow[] = new Array(columns.n);
    for (const r of rows) byOrd[r.ord] = r;
    return byOrd;
  }

  /**
   * The committed version and hash of the records the staging statement meant to write and did not: a concurrent
   * batch committed them (at this version or higher) after the statement's snapshot, and the upsert, having waited
   * for it, left them. Usually none, and then no statement.
   */
  private async committedMeanwhile(em: EntityManager, spec: RecordKind, agencyId: string, valid: Row[], staged: StagedRow[]): Promise<Map<string, { version: number; hash: string | null }>> {
    const ids = valid.filter((r, i) => !staged[i]!.record_id && wasWritable(staged[i]!, r.record.sourceVersion)).map((r) => r.externalId);
    if (ids.length === 0) return new Map();
    const rows = await em.execute<{ external_id: string; source_version: number; payload_hash: string }[]>(
      `select external_id, source_version, payload_hash from agency_record where agency_id = ? and kind = ? and external_id = any(?::text[])`,
      [agencyId, spec.kind, pgArray(ids)],
    );
    const found = new Map(rows.map((r) => [r.external_id, { version: r.source_version, hash: r.payload_hash }]));
    if (found.size < ids.length) {
      // Nothing deletes agency records today; should something come to, a batch is never answered on a row that is
      // gone: nothing is kept and the partner sends it again.
      throw conflict('本批部分记录在同步过程中被删除，请重新发送此批次', 'Some records of this batch were removed while it was synced: send the batch again', { field: 'records' });
    }
    return found;
  }

  private async replay(agencyId: string, key: string, hash: string, records: readonly AgencyRecordBase[], em: EntityManager = this.ctx.em): Promise<SyncResultType | null> {
    const [prior] = await em.execute<{ request_hash: string; response: unknown }[]>(
      `select request_hash, response from sync_batch where agency_id = ? and idempotency_key = ?`,
      [agencyId, key],
    );
    return prior ? replayOf(prior, hash, records) : null;
  }

  /**
   * People not in the registry whose record meets the criteria (60 or over on the record's date, and a kind and
   * content that signal special difficulty) join the survey queue of their town, one candidate per person however
   * many agencies report them. Never a silent new archive.
   */
  private async queueCandidates(em: EntityManager, spec: RecordKind, unmatched: MatchedRecord[], agencyRegion: string, day: string): Promise<Map<string, string>> {
    const rows = unmatched
      .filter((m) => spec.makesCandidate(m.record))
      .filter((m) => {
        const parsed = parseIdNumber(m.record.idNumber, day);
        return !('problem' in parsed) && ageOn(parsed.birthDate, m.effectiveOn > day ? day : m.effectiveOn) >= 60;
      })
      .map((m) => {
        const region = m.record.regionCode && m.record.regionCode.startsWith(agencyRegion) ? m.record.regionCode : agencyRegion;
        return {
          external_id: m.externalId,
          id_number: m.record.idNumber,
          name: m.record.name?.trim() || null,
          region_code: region,
          reason: { kind: spec.kind, label: spec.label, agency: spec.agency, externalId: m.externalId, recordId: m.recordId, effectiveOn: m.effectiveOn, payloadHash: m.payloadHash },
        };
      });
    if (rows.length === 0) return new Map();
    const now = this.ctx.now();
    const out = await em.execute<{ id: string; id_number: string }[]>(
      `insert into candidate (id_number, name, region_code, county_code, reasons, first_seen_at, last_seen_at)
       select c.id_number, c.name, c.region_code, left(c.region_code, 6), c.reasons, ?, ?
         from jsonb_to_recordset(?::jsonb) as c(id_number text, name text, region_code text, reasons jsonb)
          where not exists (select 1 from elder e where e.id_number = c.id_number)
            -- A dismissal stands until something new is said: a record not among the dismissed reasons, or one whose
            -- content changed (a newer version with the same content is not a reason to survey the person again).
            and exists (select 1 from jsonb_array_elements(c.reasons) n
                         where not exists (select 1 from candidate d cross join jsonb_array_elements(d.reasons) o
                                            where d.id_number = c.id_number and d.status = 'DISMISSED'
                                              and o->>'recordId' = n->>'recordId' and o->>'payloadHash' = n->>'payloadHash'))
       on conflict (id_number) where status = 'PENDING' do update
         -- A newer version of a record already listed replaces its reason rather than listing it twice.
         set reasons = coalesce((select jsonb_agg(o order by i) from jsonb_array_elements(candidate.reasons) with ordinality as x(o, i)
                                  where not exists (select 1 from jsonb_array_elements(excluded.reasons) n where n->>'recordId' = o->>'recordId')), '[]'::jsonb)
                       || excluded.reasons,
             last_seen_at = excluded.last_seen_at,
             name = coalesce(candidate.name, excluded.name),
             region_code = case when length(excluded.region_code) > length(candidate.region_code) then excluded.region_code else candidate.region_code end
       returning id, id_number`,
      [now, now, JSON.stringify(dedupeByIdNumber(rows))],
    );
    const byIdNumber = new Map(out.map((o) => [o.id_number, o.id]));
    return new Map(rows.flatMap((r) => (byIdNumber.has(r.id_number) ? [[r.external_id, byIdNumber.get(r.id_number)!] as const] : [])));
  }
}

/** Whether the snapshot allowed the record's write (nothing stored, or an older version): then it was meant to be written. */
function wasWritable(s: StagedRow, version: number): boolean {
  return s.stored_version === null || s.stored_version < version;
}

/**
 * Runs a sync transaction again when PostgreSQL broke a deadlock by cancelling it. Batches of one agency run side by
 * side and take their locks in one order (records by externalId, archives by id, counters by key), so this is a
 * guard for orders nothing here controls; the whole transaction is rolled back first, so running it again loses and
 * repeats nothing.
 */
export async function withDeadlockRetry<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      // 40P01: deadlock_detected, however it reaches here (mapped by the ORM or as the driver's error).
      const deadlock = error instanceof DeadlockException || (error as { code?: unknown } | null)?.code === '40P01';
      if (!deadlock || attempt >= attempts) throw error;
    }
  }
}

/**
 * ON CONFLICT cannot touch one row twice in a statement: merge a batch's records about one person first, keeping every
 * reason. In ID-number order, so that two batches queueing the same people lock their rows in one order.
 */
function dedupeByIdNumber<T extends { id_number: string; reason: unknown }>(rows: T[]): (Omit<T, 'reason'> & { reasons: unknown[] })[] {
  const merged = new Map<string, Omit<T, 'reason'> & { reasons: unknown[] }>();
  for (const { reason, ...r } of rows) {
    const prior = merged.get(r.id_number);
    if (prior) prior.reasons.push(reason);
    else merged.set(r.id_number, { ...r, reasons: [reason] });
  }
  return [...merged.values()].sort((a, b) => (a.id_number < b.id_number ? -1 : a.id_number > b.id_number ? 1 : 0));
}


/** The valid records as the staging statement's column arrays, each record's content hash set on its row. */
function stagedColumns(spec: RecordKind, valid: Row[]) {
  const n = valid.length;
  const ord: number[] = new Array(n);
  const externalIds: string[] = new Array(n);
  const idNumbers: string[] = new Array(n);
  const names: (string | null)[] = new Array(n);
  const regions: (string | null)[] = new Array(n);
  const versions: number[] = new Array(n);
  const payloads: string[] = new Array(n);
  const effective: string[] = new Array(n);
  const hashes: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = valid[i]!;
    const rec = r.record;
    const payload = spec.payload(rec);
    const name = rec.name?.trim() || null;
    // The person is part of the content: the same version about another ID number is a conflict, not "unchanged".
    r.hash = createHash('sha256').update(stableJson({ payload, idNumber: rec.idNumber, name: rec.name ?? null, regionCode: rec.regionCode ?? null })).digest('hex');
    ord[i] = i;
    externalIds[i] = r.externalId;
    idNumbers[i] = rec.idNumber;
    names[i] = name;
    regions[i] = rec.regionCode ?? null;
    versions[i] = rec.sourceVersion;
    payloads[i] = JSON.stringify(payload);
    effective[i] = spec.effectiveOn(rec);
    hashes[i] = r.hash;
  }
  // In STAGE_AND_UPSERT's unnest order.
  const arrays = [
    pgArrayOrNull(ord), pgArray(externalIds), pgArray(idNumbers), pgArrayOrNull(names), pgArrayOrNull(regions),
    pgArrayOrNull(versions), pgArray(payloads), pgArray(effective), pgArray(hashes),
  ];
  return { n, arrays };
}
type StagedColumns = ReturnType<typeof stagedColumns>;

/**
 * Every record checked on its own, in order: the fields all kinds share, then the kind's own rules. Duplicates of an
 * externalId in the batch are rejected after the first. Valid records start as CREATED; the staging statement decides
 * UPDATED, UNCHANGED and CONFLICT from what is stored.
 */
function validate(spec: RecordKind, records: readonly AgencyRecordBase[], day: string): Row[] {
  const rows: Row[] = new Array(records.length);
  const seen = new Set<string>();
  const errors = new FieldErrors();
  for (let i = 0; i < records.length; i++) {
    const raw = records[i]!;
    const record = { ...raw, idNumber: normalizeIdNumber(raw.idNumber ?? ''), externalId: (raw.externalId ?? '').trim() } as AgencyRecordBase & Record<string, any>;
    // One collector reused across records: only a record with errors gets its own list.
    errors.errors.length = 0;
    if (!record.externalId || record.externalId.length > 100) errors.add('externalId', '部门记录编号应为1至100个字符', 'externalId must be 1 to 100 characters');
    else if (seen.has(record.externalId)) errors.add('externalId', '同一批次中重复的记录编号：只处理第一条', 'Duplicate externalId in this batch: only the first is taken');
    seen.add(record.externalId);
    const parsed = parseIdNumber(record.idNumber, day);
    if ('problem' in parsed) errors.add('idNumber', '身份证号无效（18位，校验位须正确、出生日期真实）', 'idNumber is not a valid 18-character ID number');
    if (!Number.isInteger(record.sourceVersion) || record.sourceVersion < 1) errors.add('sourceVersion', '来源版本应为正整数', 'sourceVersion must be a positive integer');
    if (record.regionCode != null && !/^\d{12}$/.test(record.regionCode)) errors.add('regionCode', '所在村（社区）应为12位代码', 'regionCode must be a 12-digit village code');
    if (record.name != null && record.name.trim().length > 50) errors.add('name', '姓名最多50字', 'name: at most 50 characters');
    spec.validate(record, errors, day);
    const bad = errors.errors.length > 0;
    rows[i] = {
      externalId: record.externalId || String(raw.externalId ?? ''),
      status: bad ? SyncStatus.REJECTED : SyncStatus.CREATED,
      errors: bad ? errors.errors.slice() : null,
      record,
      elderId: null,
      candidateId: null,
    };
  }
  return rows;
}

function resultOf(r: Row): SyncRecordResultType {
  const match = r.candidateId ? MatchKind.CANDIDATE : r.elderId ? MatchKind.ELDER : MatchKind.NONE;
  return { externalId: r.externalId, status: r.status, match, elderId: r.elderId, candidateId: r.candidateId, errors: r.errors ?? [] };
}

function storedAnswerOf(batchId: string, idempotencyKey: string, rows: readonly Row[]): StoredAnswer {
  const counts = { CREATED: 0, UPDATED: 0, UNCHANGED: 0, REJECTED: 0, CONFLICT: 0 } as Record<SyncStatus, number>;
  let status = '';
  let match = '';
  const elders: string[] = [];
  const candidates: string[] = [];
  const errors: Record<string, SyncFieldErrorType[]> = {};
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    counts[r.status]++;
    status += STATUS_LETTER[r.status];
    if (r.candidateId) {
      match += 'C';
      candidates.push(r.candidateId);
    } else if (r.elderId) {
      match += 'E';
      elders.push(r.elderId);
    } else {
      match += 'N';
    }
    if (r.errors) errors[i] = r.errors;
  }
  return {
    v: 2, batchId, idempotencyKey, received: rows.length,
    created: counts.CREATED, updated: counts.UPDATED, unchanged: counts.UNCHANGED, rejected: counts.REJECTED, conflicts: counts.CONFLICT,
    status, match, elders, candidates, errors,
  };
}

/** The stored answer to a key, for a request with the same hash; another request under the key is CONFLICT. */
function replayOf(prior: { request_hash: string; response: unknown }, hash: string, records: readonly AgencyRecordBase[]): SyncResultType {
  if (prior.request_hash !== hash) {
    throw conflict(
      '该批次编号（idempotencyKey）已用于另一批不同的数据，请换一个编号',
      'This idempotencyKey was already used for a different batch: use a new key',
      { field: 'idempotencyKey' },
    );
  }
  const response = (typeof prior.response === 'string' ? JSON.parse(prior.response) : prior.response) as StoredAnswer | SyncResultType;
  // Answers stored before the compact form carry their results in full.
  if (!('v' in response)) return { ...response, dryRun: false, replayed: true };
  const { status: _s, match: _m, elders: _e, candidates: _c, errors: _x, v: _v, ...counts } = response;
  // A stored answer is always a real run's (dry runs store nothing): dryRun false, whatever this call asked.
  return answerWith({ ...counts, dryRun: false, replayed: true }, () => resultsOf(response, records));
}
