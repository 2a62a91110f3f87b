import { createHash, randomUUID } from 'node:crypto';
import { stableJson } from '../../shared/json.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, FieldErrors, forbidden } from '../../graphql/errors.js';
import { pgArray } from '../../shared/sql.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { ageOn, normalizeIdNumber, parseIdNumber } from '../elders/id-number.js';
import { applyEffects, type MatchedRecord } from './sync.effects.js';
import { RECORD_KINDS, type RecordKind } from './sync.kinds.js';
import { MatchKind, SyncStatus, type AgencyRecordBase, type SyncRecordResultType, type SyncResultType } from './sync.types.js';
import { inSubtree } from '../../shared/jurisdiction.js';

export const MAX_SYNC_RECORDS = 5000;
/** Rows per upsert statement: big enough to be set-based, small enough for one JSON parameter. */
const CHUNK = 2500;

interface ExistingRow {
  id: string;
  external_id: string;
  source_version: number;
  payload_hash: string;
}

interface ElderRow {
  id: string;
  id_number: string;
  region_code: string;
  county_code: string;
}

/**
 * Sync of one kind of agency record: validate every record on its own (a bad one never blocks the rest), upsert the
 * good ones keyed by (agency, kind, externalId) with a source version, match them to archives by ID number, apply
 * their effects, queue unregistered people as survey candidates, and store the answer under the idempotency key.
 * Batches of one agency and kind run one at a time (an advisory lock), so two concurrent batches cannot interleave.
 */
export class SyncService {
  constructor(private readonly ctx: RequestContext) {}

  async sync(kindName: string, batch: { idempotencyKey: string; records: AgencyRecordBase[] }): Promise<SyncResultType> {
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
    const requestHash = createHash('sha256').update(`${kindName}\n${stableJson(batch.records)}`).digest('hex');
    const replay = await this.replay(actor.agencyId, key, requestHash);
    if (replay) return replay;

    const agencyId = actor.agencyId;
    const [agency] = await this.ctx.em.execute<{ region_code: string }[]>(`select region_code from agency where id = ?`, [agencyId]);
    const agencyRegion = agency!.region_code;
    const day = today(this.ctx);
    const now = this.ctx.now();
    try {
      return await this.ctx.em.transactional(async (em) => {
        await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`sync:${agencyId}:${kindName}`]);
        // A concurrent twin of this batch may have committed while we waited.
        const twin = await this.replay(agencyId, key, requestHash, em);
        if (twin) return twin;

        const batchId = randomUUID();
        const results: (SyncRecordResultType & { hash?: string; normalized?: AgencyRecordBase & Record<string, any> })[] = [];
        const seen = new Set<string>();
        for (const raw of batch.records) {
          const record = { ...raw, idNumber: normalizeIdNumber(raw.idNumber ?? ''), externalId: (raw.externalId ?? '').trim() } as AgencyRecordBase & Record<string, any>;
          const errors = new FieldErrors();
          if (!record.externalId || record.externalId.length > 100) errors.add('externalId', '部门记录编号应为1至100个字符', 'externalId must be 1 to 100 characters');
          else if (seen.has(record.externalId)) errors.add('externalId', '同一批次中重复的记录编号：只处理第一条', 'Duplicate externalId in this batch: only the first is taken');
          seen.add(record.externalId);
          const parsed = parseIdNumber(record.idNumber, day);
          if ('problem' in parsed) errors.add('idNumber', '身份证号无效（18位，校验位须正确、出生日期真实）', 'idNumber is not a valid 18-character ID number');
          if (!Number.isInteger(record.sourceVersion) || record.sourceVersion < 1) errors.add('sourceVersion', '来源版本应为正整数', 'sourceVersion must be a positive integer');
          if (record.regionCode != null && !/^\d{12}$/.test(record.regionCode)) errors.add('regionCode', '所在村（社区）应为12位代码', 'regionCode must be a 12-digit village code');
          if (record.name != null && record.name.trim().length > 50) errors.add('name', '姓名最多50字', 'name: at most 50 characters');
          spec.validate(record, errors, day);
          results.push({
            externalId: record.externalId || String(raw.externalId ?? ''),
            status: errors.has() ? SyncStatus.REJECTED : SyncStatus.CREATED,
            match: MatchKind.NONE,
            elderId: null,
            candidateId: null,
            errors: errors.errors,
            normalized: record,
          });
        }
        const valid = results.filter((r) => r.status !== SyncStatus.REJECTED);

        // What is stored already, and whom the records are about: two statements for the whole batch.
        const existing = valid.length
          ? await em.execute<ExistingRow[]>(
              `select id, external_id, source_version, payload_hash from agency_record where agency_id = ? and kind = ? and external_id = any(?::text[])`,
              [agencyId, kindName, pgArray(valid.map((r) => r.externalId))],
            )
          : [];
        const stored = new Map(existing.map((r) => [r.external_id, r]));
        const elders = valid.length
          ? await em.execute<ElderRow[]>(
              `select id, id_number, region_code, county_code from elder where id_number = any(?::text[]) and ${inSubtree('region_code')}`,
              [pgArray([...new Set(valid.map((r) => r.normalized!.idNumber))]), agencyRegion],
            )
          : [];
        const elderOf = new Map(elders.map((e) => [e.id_number, e]));

        const writes: Record<string, unknown>[] = [];
        for (const r of valid) {
          const rec = r.normalized!;
          const payload = spec.payload(rec);
          // The person is part of the content: the same version about another ID number is a conflict, not "unchanged".
          const hash = createHash('sha256').update(stableJson({ payload, idNumber: rec.idNumber, name: rec.name ?? null, regionCode: rec.regionCode ?? null })).digest('hex');
          r.hash = hash;
          const before = stored.get(r.externalId);
          if (before) {
            if (rec.sourceVersion < before.source_version || (rec.sourceVersion === before.source_version && hash !== before.payload_hash)) {
              r.status = SyncStatus.CONFLICT;
              r.errors = [{
                field: 'sourceVersion',
                message: `已存版本为 ${before.source_version}：较旧或同版本不同内容的记录不会覆盖`,
                messageEn: `Stored version is ${before.source_version}: an older version, or the same version with other content, does not overwrite it`,
              }];
            } else if (rec.sourceVersion === before.source_version) {
              r.status = SyncStatus.UNCHANGED;
            } else {
              r.status = SyncStatus.UPDATED;
            }
          }
          const elder = elderOf.get(rec.idNumber);
          if (elder) {
            r.match = MatchKind.ELDER;
            r.elderId = elder.id;
          }
          if (r.status === SyncStatus.CREATED || r.status === SyncStatus.UPDATED) {
            writes.push({
              external_id: r.externalId, id_number: rec.idNumber, name: rec.name?.trim() || null,
              // Never null: the change feed and civil affairs' reads find unmatched records by region too.
              region_code: elder?.region_code ?? (rec.regionCode?.startsWith(agencyRegion) ? rec.regionCode : agencyRegion), elder_id: elder?.id ?? null,
              county_code: (elder?.region_code ?? rec.regionCode ?? agencyRegion).slice(0, 6).padEnd(6, '0'),
              effective_on: spec.effectiveOn(rec), source_version: rec.sourceVersion, payload, payload_hash: hash,
            });
          }
        }

        const upserted: { id: string; external_id: string }[] = [];
        for (let i = 0; i < writes.length; i += CHUNK) {
          upserted.push(...(await em.execute<{ id: string; external_id: string }[]>(
            `insert into agency_record (agency_id, agency_kind, kind, external_id, id_number, name, region_code, elder_id, county_code,
                                        effective_on, source_version, payload, payload_hash, batch_id, received_at, updated_at)
             select ?, ?, ?, w.external_id, w.id_number, w.name, w.region_code, w.elder_id, w.county_code, w.effective_on,
                    w.source_version, w.payload, w.payload_hash, ?, ?, ?
               from jsonb_to_recordset(?::jsonb) as w(external_id text, id_number text, name text, region_code text, elder_id uuid,
                    county_code text, effective_on date, source_version int, payload jsonb, payload_hash text)
             on conflict (agency_id, kind, external_id) do update
               set id_number = excluded.id_number, name = excluded.name, region_code = excluded.region_code, elder_id = excluded.elder_id,
                   county_code = excluded.county_code, effective_on = excluded.effective_on, source_version = excluded.source_version,
                   payload = excluded.payload, payload_hash = excluded.payload_hash, batch_id = excluded.batch_id, updated_at = excluded.updated_at
               where agency_record.source_version < excluded.source_version
             returning id, external_id`,
            [agencyId, spec.agency, kindName, batchId, now, now, JSON.stringify(writes.slice(i, i + CHUNK))],
          )));
        }
        const idOf = new Map(upserted.map((u) => [u.external_id, u.id]));
        const changed: MatchedRecord[] = valid
          .filter((r) => (r.status === SyncStatus.CREATED || r.status === SyncStatus.UPDATED) && idOf.has(r.externalId))
          .map((r) => ({
            recordId: idOf.get(r.externalId)!,
            externalId: r.externalId,
            record: r.normalized!,
            elder: r.elderId ? elderOf.get(r.normalized!.idNumber)! : null,
            effectiveOn: spec.effectiveOn(r.normalized!),
            created: r.status === SyncStatus.CREATED,
            payloadHash: r.hash,
          }));

        await applyEffects(this.ctx, em, spec, changed, agencyId);
        const candidates = await this.queueCandidates(em, spec, changed.filter((c) => !c.elder), agencyRegion, day);
        for (const r of results) {
          // Keyed by externalId: a rejected duplicate of a queued record must not borrow its match.
          const candidateId = r.status === SyncStatus.REJECTED ? undefined : candidates.get(r.externalId);
          if (candidateId) {
            r.match = MatchKind.CANDIDATE;
            r.candidateId = candidateId;
          }
        }

        const answer: SyncResultType = {
          batchId,
          idempotencyKey: key,
          replayed: false,
          received: results.length,
          created: results.filter((r) => r.status === SyncStatus.CREATED).length,
          updated: results.filter((r) => r.status === SyncStatus.UPDATED).length,
          unchanged: results.filter((r) => r.status === SyncStatus.UNCHANGED).length,
          rejected: results.filter((r) => r.status === SyncStatus.REJECTED).length,
          conflicts: results.filter((r) => r.status === SyncStatus.CONFLICT).length,
          results: results.map(({ normalized: _n, hash: _h, ...r }) => r),
        };
        await em.execute(
          `insert into sync_batch (id, agency_id, kind, idempotency_key, request_hash, response, records, created_by, created_at)
           values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)`,
          [batchId, agencyId, kindName, key, requestHash, JSON.stringify(answer), results.length, actor.userId, now],
          'run',
        );
        await writeAudit(this.ctx, [{
          action: AuditAction.AgencySync,
          regionCode: agencyRegion,
          detail: { kind: kindName, batchId, idempotencyKey: key, received: answer.received, created: answer.created, updated: answer.updated, rejected: answer.rejected, conflicts: answer.conflicts },
        }], em);
        return answer;
      });
    } catch (error) {
      // The same key committed by a concurrent call between our check and our insert.
      if (error instanceof UniqueConstraintViolationException) {
        const again = await this.replay(agencyId, key, requestHash);
        if (again) return again;
      }
      throw error;
    }
  }

  private async replay(agencyId: string, key: string, hash: string, em: EntityManager = this.ctx.em): Promise<SyncResultType | null> {
    const [prior] = await em.execute<{ request_hash: string; response: SyncResultType | string }[]>(
      `select request_hash, response from sync_batch where agency_id = ? and idempotency_key = ?`,
      [agencyId, key],
    );
    if (!prior) return null;
    if (prior.request_hash !== hash) {
      throw conflict(
        '该批次编号（idempotencyKey）已用于另一批不同的数据，请换一个编号',
        'This idempotencyKey was already used for a different batch: use a new key',
        { field: 'idempotencyKey' },
      );
    }
    const response = typeof prior.response === 'string' ? (JSON.parse(prior.response) as SyncResultType) : prior.response;
    return { ...response, replayed: true };
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

/** ON CONFLICT cannot touch one row twice in a statement: merge a batch's records about one person first, keeping every reason. */
function dedupeByIdNumber<T extends { id_number: string; reason: unknown }>(rows: T[]): (Omit<T, 'reason'> & { reasons: unknown[] })[] {
  const merged = new Map<string, Omit<T, 'reason'> & { reasons: unknown[] }>();
  for (const { reason, ...r } of rows) {
    const prior = merged.get(r.id_number);
    if (prior) prior.reasons.push(reason);
    else merged.set(r.id_number, { ...r, reasons: [reason] });
  }
  return [...merged.values()];
}

