import { randomBytes } from 'node:crypto';
import { Scope } from '@tanfang/schema';
import { requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, forbidden, notFound } from '../../graphql/errors.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { maskCertificateNumber, maskIdNumber } from '../../shared/masking.js';
import { pgArray, toDate } from '../../shared/sql.js';
import { API_KEY_PREFIX, hashToken } from '../auth/auth.service.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderService } from '../elders/elder.service.js';
import { RegionService } from '../regions/region.service.js';
import { applyWaitingRecords, type LinkedRecord } from './sync.effects.js';
import { applyArchiveChanges } from '../elders/archive-changes.js';
import { CandidateStatus, DataConflictStatus, TransferStatus } from './agencies.types.js';
import { statusFilterOf, type StatusChoice } from '../../graphql/enums.js';
import {
  AgencyKindEnum,
  type AgencyRecordType,
  AgencyType,
  ApiClientType,
  CandidateType,
  ConflictDecision,
  CreatedApiClientType,
  DataConflictType,
  EnrollCandidateInput,
  TransferType,
} from './agencies.types.js';
import { inSubtree, isAncestorOrSelf } from '../../shared/jurisdiction.js';

interface ClientRow {
  id: string;
  agency_id: string;
  name: string;
  key_prefix: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  revoked_at: Date | string | null;
}

const toClient = (c: ClientRow): ApiClientType => ({
  id: c.id, agencyId: c.agency_id, name: c.name, keyPrefix: c.key_prefix, createdAt: toDate(c.created_at),
  lastUsedAt: toDate(c.last_used_at), revokedAt: toDate(c.revoked_at),
});

export class AgenciesService {
  constructor(private readonly ctx: RequestContext) {}

  /** Agencies in the caller's jurisdiction (partner users: their own). */
  async agencies(): Promise<AgencyType[]> {
    const actor = requireScope(this.ctx, Scope.RegionRead);
    const rows = await this.ctx.em.execute<{ id: string; kind: string; name: string; region_code: string }[]>(
      `select id, kind, name, region_code from agency
        where (?::uuid is null and (${inSubtree('region_code')} or ${isAncestorOrSelf('region_code')})) or id = ?::uuid
        order by region_code, kind`,
      [actor.agencyId, actor.regionCode, actor.regionCode, actor.agencyId],
    );
    return rows.map((a) => ({ id: a.id, kind: a.kind as AgencyKindEnum, name: a.name, regionCode: a.region_code }));
  }

  /**
   * Registers an agency (a partner, or a service organisation alerts are referred to) at a region of the caller's
   * jurisdiction, so that its people can get accounts and its systems keys. Admins (user.manage), who make those
   * accounts. One agency per kind and region: a second is CONFLICT. Audited.
   */
  async createAgency(kind: AgencyKindEnum, regionCode: string, nameRaw: string): Promise<AgencyType> {
    const actor = requireScope(this.ctx, Scope.UserManage);
    const name = nameRaw.trim();
    if (name.length < 2 || name.length > 100) throw badInput('请填写部门或机构名称（2至100字）', 'Give the agency a name (2-100 characters)', 'name');
    if (kind === 'CIVIL_AFFAIRS') throw badInput('民政部门无需登记为合作部门', 'Civil affairs is not registered as a partner agency', 'kind');
    const region = await new RegionService(this.ctx).requireRegionInJurisdiction(actor, regionCode);
    return this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<{ id: string }[]>(
        `insert into agency (kind, name, region_code, created_at) values (?, ?, ?, ?) on conflict (kind, region_code) do nothing returning id`,
        [kind, name, region.code, this.ctx.now()],
      );
      if (!row) throw conflict('该地区已登记此类部门或机构，请直接为其创建账号', 'This region already has an agency of that kind: create accounts for it');
      await writeAudit(this.ctx, [{ action: AuditAction.AgencyCreate, regionCode: region.code, detail: { agencyId: row.id, kind, name } }], em);
      return { id: row.id, kind, name, regionCode: region.code };
    });
  }

  /** Agency users manage their own agency's keys; admins any partner agency in their jurisdiction. */
  private async manageableAgency(agencyId: string): Promise<{ id: string; kind: string; region_code: string }> {
    const actor = requireScope(this.ctx, Scope.ApiClientManage);
    // A key syncs; it never mints or revokes keys (a leaked key could otherwise outlive its own revocation).
    if (actor.apiClient) throw forbidden('接口密钥不能创建或吊销接口密钥，请由本部门人员登录办理', 'An API key cannot create or revoke API keys: a person of the agency must log in');
    const [agency] = isUuid(agencyId)
      ? await this.ctx.em.execute<{ id: string; kind: string; region_code: string }[]>(`select id, kind, region_code from agency where id = ?`, [agencyId])
      : [];
    const mine = actor.agencyId ? agency?.id === actor.agencyId : agency?.region_code.startsWith(actor.regionCode);
    if (!agency || !mine) throw notFound('部门', 'agency');
    if (agency.kind === 'CIVIL_AFFAIRS') {
      throw badInput(
        '接口密钥只发给合作部门（公安、卫健、残联、住建）和服务机构（社工、心理、司法所）的系统',
        'API keys are for the systems of partner agencies (police, health, disability, housing) and service organisations (social work, counselling, legal aid)',
        'agencyId',
      );
    }
    return agency;
  }

  async apiClients(agencyId: string): Promise<ApiClientType[]> {
    const agency = await this.manageableAgency(agencyId);
    const rows = await this.ctx.em.execute<ClientRow[]>(
      `select id, agency_id, name, key_prefix, created_at, last_used_at, revoked_at from api_client where agency_id = ? order by created_at desc`,
      [agency.id],
    );
    return rows.map(toClient);
  }

  async createApiClient(agencyId: string, nameRaw: string): Promise<CreatedApiClientType> {
    const agency = await this.manageableAgency(agencyId);
    const name = nameRaw.trim();
    if (name.length < 2 || name.length > 100) throw badInput('请为接口密钥命名（2至100字，如“残联业务系统”）', 'Name the key (2-100 characters)', 'name');
    // 32 random bytes: guessing is hopeless; only the SHA-256 is stored, so a database leak reveals no key.
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const prefix = key.slice(0, 12);
    return this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<ClientRow[]>(
        `insert into api_client (agency_id, name, key_prefix, key_hash, created_by, created_at) values (?, ?, ?, ?, ?, ?)
         returning id, agency_id, name, key_prefix, created_at, last_used_at, revoked_at`,
        [agency.id, name, prefix, hashToken(key), this.ctx.actor!.userId, this.ctx.now()],
      );
      await writeAudit(this.ctx, [{ action: AuditAction.ApiClientCreate, regionCode: agency.region_code, detail: { agencyId: agency.id, clientId: row!.id, name, keyPrefix: prefix } }], em);
      return { client: toClient(row!), key };
    });
  }

  async revokeApiClient(id: string): Promise<ApiClientType> {
    requireScope(this.ctx, Scope.ApiClientManage);
    const [row] = isUuid(id) ? await this.ctx.em.execute<{ agency_id: string }[]>(`select agency_id from api_client where id = ?`, [id]) : [];
    if (!row) throw notFound('接口密钥', 'API key');
    const agency = await this.manageableAgency(row.agency_id);
    return this.ctx.em.transactional(async (em) => {
      const [client] = await em.execute<ClientRow[]>(
        `update api_client set revoked_at = coalesce(revoked_at, ?), revoked_by = coalesce(revoked_by, ?) where id = ?
         returning id, agency_id, name, key_prefix, created_at, last_used_at, revoked_at`,
        [this.ctx.now(), this.ctx.actor!.userId, id],
      );
      await writeAudit(this.ctx, [{ action: AuditAction.ApiClientRevoke, regionCode: agency.region_code, detail: { clientId: id } }], em);
      return toClient(client!);
    });
  }

  /** An agency reads its own records; civil affairs reads every agency's records about elders in its jurisdiction. */
  async records(filter: { kind?: string | null; elderId?: string | null } | null, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<AgencyRecordType>> {
    const actor = this.ctx.actor;
    const own = actor?.agencyId ?? null;
    if (own) requireScope(this.ctx, Scope.AgencyViewRead);
    else requireScope(this.ctx, Scope.AgencyRecordsRead);
    const size = pageSize(first);
    const start = decodeOffset(after);
    if (filter?.elderId && !isUuid(filter.elderId)) return toConnection([], () => '', false, false, 0);
    // An agency's own records, or those of the jurisdiction; said apart so that each follows its index in the page's
    // order (newest first) and stops after the page, instead of sorting every record of a city.
    const scope = own ? `r.agency_id = ?::uuid` : inSubtree("coalesce(r.region_code, '')");
    const scopeParam = own ?? actor!.regionCode;
    const kind = filter?.kind ?? null;
    const elderId = filter?.elderId ?? null;
    const rows = await this.ctx.em.execute<Record<string, any>[]>(
      `select r.id, r.agency_kind, r.kind, r.external_id, r.elder_id, r.id_number, to_char(r.effective_on, 'YYYY-MM-DD') as effective_on,
              r.received_at, r.batch_id, r.source_version, r.payload
         from agency_record r
        where ${scope} and (?::text is null or r.kind = ?) and (?::uuid is null or r.elder_id = ?::uuid)
        order by r.received_at desc, r.id limit ? offset ?`,
      [scopeParam, kind, kind, elderId, elderId, size + 1, start],
    );
    const total = await this.recordCount(scope, scopeParam, kind, elderId);
    const nodes: AgencyRecordType[] = rows.slice(0, size).map((r) => ({
      id: r.id, agencyKind: r.agency_kind, kind: r.kind, externalId: r.external_id, elderId: r.elder_id, idNumber: maskIdNumber(r.id_number) ?? '',
      effectiveOn: r.effective_on, receivedAt: toDate(r.received_at), batchId: r.batch_id, sourceVersion: r.source_version,
      payload: maskPayload(typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload),
    }));
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, total);
  }

  /**
   * The screen's total, counted apart from its page. Without an elder: a sum of the counts kept per agency, village
   * and kind (agency_record_count, exact: written by triggers with the records), a few hundred rows for a city.
   * One elder's records are few: counted directly.
   */
  private async recordCount(scope: string, scopeParam: string, kind: string | null, elderId: string | null): Promise<number> {
    const [row] = elderId
      ? await this.ctx.em.execute<{ n: string }[]>(
          `select count(*) as n from agency_record r where ${scope} and (?::text is null or r.kind = ?) and r.elder_id = ?::uuid`,
          [scopeParam, kind, kind, elderId],
        )
      : await this.ctx.em.execute<{ n: string }[]>(
          `select coalesce(sum(r.n), 0) as n from agency_record_count r where ${scope} and (?::text is null or r.kind = ?)`,
          [scopeParam, kind, kind],
        );
    return Number(row?.n ?? 0);
  }

  // ---- survey queue
  async candidates(regionCode: string | null | undefined, filter: StatusChoice<CandidateStatus>, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<CandidateType>> {
    const actor = requireScope(this.ctx, Scope.AgencyDataSettle);
    const statuses = statusFilterOf(filter.status, filter.statuses, CandidateStatus, CandidateStatus.PENDING);
    const region = regionCode ? (await new RegionService(this.ctx).requireRegionInJurisdiction(actor, regionCode)).code : actor.regionCode;
    const size = pageSize(first);
    const start = decodeOffset(after);
    const rows = await this.ctx.em.execute<(Record<string, any> & { total: string })[]>(
      `select *, count(*) over () as total from candidate
        where (${inSubtree('region_code')} or (${isAncestorOrSelf('region_code')} and length(region_code) < 12 and ${inSubtree('region_code')}))
          and status = any(?::text[])
        order by first_seen_at, id limit ? offset ?`,
      [region, region, actor.regionCode, pgArray(statuses), size + 1, start],
    );
    const nodes = rows.slice(0, size).map(toCandidate);
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }

  /**
   * Enrolling registers the archive (the registry's own rules: ID number, age, village, one archive per person) and,
   * in the same transaction, applies the agency records waiting for it exactly as if they had arrived after it: a
   * grade-1 certificate holder is registered disabled and classified as such, a death closes the archive, a level fills
   * it. Before, the archive was created bare and the records' effects never happened.
   */
  async enrollCandidate(id: string, input: EnrollCandidateInput): Promise<Elder> {
    const actor = requireScope(this.ctx, Scope.AgencyDataSettle);
    const candidate = await this.pendingCandidate(id, actor.regionCode);
    const [fullIdNumber] = await this.ctx.em.execute<{ id_number: string }[]>(`select id_number from candidate where id = ?`, [id]);
    const elderId = await this.ctx.em.transactional(async (em) => {
      // The registry's service, on this transaction: the archive and the records' effects commit together or not at all.
      const tx: RequestContext = { ...this.ctx, em };
      const elder = await new ElderService(tx).register({
        name: input.name?.trim() || candidate.name || '',
        idNumber: fullIdNumber!.id_number,
        regionCode: input.regionCode,
      } as never);
      const done = await em.execute<{ id: string }[]>(
        `update candidate set status = 'ENROLLED', elder_id = ?, decided_by = ?, decided_at = ? where id = ? and status = 'PENDING' returning id`,
        [elder.id, actor.userId, this.ctx.now(), id],
      );
      if (done.length === 0) throw conflict('该候选对象已被他人处理', 'Someone else already handled this candidate');
      // The agency records that found them now point at the archive, and do to it what they do to any archive.
      const linked = await em.execute<LinkedRecord[]>(
        `update agency_record set elder_id = ?, region_code = ?, county_code = ? where id_number = ? and elder_id is null
         returning id, agency_id, kind, external_id, id_number, name, region_code, source_version, payload, to_char(effective_on, 'YYYY-MM-DD') as effective_on`,
        [elder.id, elder.regionCode, elder.countyCode, fullIdNumber!.id_number],
      );
      await writeAudit(tx, [{ action: AuditAction.CandidateEnroll, elderId: elder.id, regionCode: elder.regionCode, detail: { candidateId: id, records: linked.length } }], em);
      await applyWaitingRecords(tx, em, { id: elder.id, region_code: elder.regionCode, county_code: elder.countyCode }, linked);
      return elder.id;
    });
    return new ElderService(this.ctx).refetch(elderId);
  }

  async dismissCandidate(id: string, reasonRaw: string): Promise<CandidateType> {
    const actor = requireScope(this.ctx, Scope.AgencyDataSettle);
    const reason = reasonRaw.trim();
    if (reason.length < 2 || reason.length > 500) throw badInput('请填写不纳入的理由（2至500字）', 'Give the reason (2-500 characters)', 'reason');
    const candidate = await this.pendingCandidate(id, actor.regionCode);
    return this.ctx.em.transactional(async (em) => {
      const [row] = await em.execute<Record<string, any>[]>(
        `update candidate set status = 'DISMISSED', dismiss_reason = ?, decided_by = ?, decided_at = ? where id = ? and status = 'PENDING' returning *`,
        [reason, actor.userId, this.ctx.now(), id],
      );
      if (!row) throw conflict('该候选对象已被他人处理', 'Someone else already handled this candidate');
      await writeAudit(this.ctx, [{ action: AuditAction.CandidateDismiss, regionCode: candidate.regionCode, detail: { candidateId: id, reason } }], em);
      return toCandidate(row);
    });
  }

  private async pendingCandidate(id: string, regionCode: string): Promise<CandidateType> {
    const [row] = isUuid(id) ? await this.ctx.em.execute<Record<string, any>[]>(`select * from candidate where id = ?`, [id]) : [];
    if (!row || !(row.region_code as string).startsWith(regionCode)) throw notFound('候选对象', 'candidate');
    if (row.status !== 'PENDING') throw conflict('该候选对象已处理过', 'This candidate was already handled', { status: row.status });
    return toCandidate(row);
  }

  // ---- transfers
  async transfers(filter: StatusChoice<TransferStatus>): Promise<TransferType[]> {
    const actor = requireScope(this.ctx, Scope.AgencyDataSettle);
    const statuses = statusFilterOf(filter.status, filter.statuses, TransferStatus, TransferStatus.PROPOSED);
    const rows = await this.ctx.em.execute<Record<string, any>[]>(
      `select t.id, t.elder_id, e.name as elder_name, t.from_region_code, t.to_region_code, to_char(t.moved_on, 'YYYY-MM-DD') as moved_on,
              t.status, t.proposed_at, t.note
         from transfer t join elder e on e.id = t.elder_id
        where (${inSubtree('t.to_region_code')} or ${inSubtree('t.from_region_code')}) and t.status = any(?::text[])
        order by t.proposed_at limit 500`,
      [actor.regionCode, actor.regionCode, pgArray(statuses)],
    );
    return rows.map(toTransfer);
  }

  /**
   * The receiving town accepts: the archive moves to the new village, its old assignments end (the new town
   * assigns its own visitor; the elder shows in unassignedElders until then). Rejecting leaves everything as it was.
   */
  async decideTransfer(id: string, accept: boolean, noteRaw: string | null): Promise<TransferType> {
    const actor = requireScope(this.ctx, Scope.AgencyDataSettle);
    const [t] = isUuid(id) ? await this.ctx.em.execute<Record<string, any>[]>(`select * from transfer where id = ?`, [id]) : [];
    if (!t || !(t.to_region_code as string).startsWith(actor.regionCode)) throw notFound('迁移申请', 'transfer');
    if (t.status !== 'PROPOSED') throw conflict('该迁移已处理过', 'This transfer was already decided', { status: t.status });
    const note = noteRaw?.trim() || null;
    if (!accept && !note) throw badInput('请填写不接收的理由', 'Give the reason for rejecting', 'note');
    await this.ctx.em.transactional(async (em) => {
      // The archive is locked before the transfer, the order sync uses (elder, then its transfer): no deadlock with a
      // residence batch about the same person, and a closure committing meanwhile is seen here or waits for this move.
      const [archive] = await em.execute<{ status: string; status_date: string | null; region_code: string }[]>(
        `select status, to_char(status_date, 'YYYY-MM-DD') as status_date, region_code from elder where id = ? for update`,
        [t.elder_id],
      );
      const done = await em.execute<{ id: string }[]>(
        `update transfer set status = ?, decided_by = ?, decided_at = ?, note = ? where id = ? and status = 'PROPOSED' returning id`,
        [accept ? 'ACCEPTED' : 'REJECTED', actor.userId, this.ctx.now(), note, id],
      );
      if (done.length === 0) throw conflict('该迁移已被他人处理', 'Someone else decided this transfer');
      if (accept) {
        if (archive && archive.status !== 'ACTIVE') {
          // A closed archive (death, moved away, institution) stays where it was closed; the transfer can only be rejected.
          throw conflict(
            `该档案已于 ${archive.status_date ?? ''} 关闭（${archive.status}），不能接收迁入；请选择不接收并说明`,
            `The archive was closed on ${archive.status_date ?? ''} (${archive.status}): it cannot be moved; reject the transfer instead`,
            { status: archive.status },
          );
        }
        if (!archive || archive.region_code !== t.from_region_code) throw conflict('档案的所在村已变化，请重新核实', 'The archive has moved since: check again');
        await applyArchiveChanges(this.ctx, em, [{
          elderId: t.elder_id, action: AuditAction.ElderUpdate, detail: { source: '公安户籍/居住地变化（迁移已接收）', transferId: id },
          set: { region_code: t.to_region_code },
        }]);
        await em.execute(`update assignment set ends_at = ?, end_reason = '迁往他村（公安户籍变化）' where elder_id = ? and ends_at is null`, [this.ctx.now(), t.elder_id], 'run');
      }
      await writeAudit(this.ctx, [{
        action: accept ? AuditAction.TransferAccept : AuditAction.TransferReject, elderId: t.elder_id, regionCode: t.to_region_code,
        changes: accept ? [{ field: 'regionCode', old: t.from_region_code, new: t.to_region_code }] : null, detail: { transferId: id, note },
      }], em);
    });
    const [row] = await this.ctx.em.execute<Record<string, any>[]>(
      `select t.id, t.elder_id, e.name as elder_name, t.from_region_code, t.to_region_code, to_char(t.moved_on, 'YYYY-MM-DD') as moved_on,
              t.status, t.proposed_at, t.note
         from transfer t join elder e on e.id = t.elder_id where t.id = ?`,
      [id],
    );
    return toTransfer(row!);
  }

  // ---- data conflicts
  async conflicts(filter: StatusChoice<DataConflictStatus>, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<DataConflictType>> {
    const actor = requireScope(this.ctx, Scope.AgencyDataSettle);
    const statuses = statusFilterOf(filter.status, filter.statuses, DataConflictStatus, DataConflictStatus.OPEN);
    const size = pageSize(first);
    const start = decodeOffset(after);
    const rows = await this.ctx.em.execute<(Record<string, any> & { total: string })[]>(
      `select c.*, e.name as elder_name, count(*) over () as total from data_conflict c join elder e on e.id = c.elder_id
        where ${inSubtree('e.region_code')} and c.status = any(?::text[]) order by c.raised_at, c.id limit ? offset ?`,
      [actor.regionCode, pgArray(statuses), size + 1, start],
    );
    const nodes = rows.slice(0, size).map(toConflict);
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }

  /** Settling records the decision; APPLY_AGENCY writes a death or a level into the archive (and reclassifies). */
  async settleConflict(id: string, decision: ConflictDecision, noteRaw: string): Promise<DataConflictType> {
    const actor = requireScope(this.ctx, Scope.AgencyDataSettle);
    const note = noteRaw.trim();
    if (note.length < 2 || note.length > 1000) throw badInput('请说明核实情况（2至1000字）', 'Say what was checked (2-1000 characters)', 'note');
    const [c] = isUuid(id)
      ? await this.ctx.em.execute<Record<string, any>[]>(`select c.*, e.region_code as elder_region, e.circumstances as elder_circumstances from data_conflict c join elder e on e.id = c.elder_id where c.id = ?`, [id])
      : [];
    if (!c || !(c.elder_region as string).startsWith(actor.regionCode)) throw notFound('数据冲突', 'data conflict');
    if (c.status !== 'OPEN') throw conflict('该冲突已处理过', 'This conflict was already settled');
    if (decision === 'APPLY_AGENCY' && !['incapacityLevel', 'status'].includes(c.field)) {
      throw badInput('该类冲突请核实后在档案中手工更正，再选择“已手工更正”', 'Correct the archive by hand for this kind, then choose CORRECTED_BY_HAND', 'decision');
    }
    if (decision === 'APPLY_AGENCY' && c.kind === 'DEATH_VS_ACTIVITY') {
      throw forbidden('死亡与后续活动记录冲突时，请先核实再在档案中处理', 'A death contradicted by later activity must be checked and handled in the archive');
    }
    await this.ctx.em.transactional(async (em) => {
      const done = await em.execute<{ id: string }[]>(
        `update data_conflict set status = 'SETTLED', decision = ?, note = ?, settled_by = ?, settled_at = ? where id = ? and status = 'OPEN' returning id`,
        [decision, note, actor.userId, this.ctx.now(), id],
      );
      if (done.length === 0) throw conflict('该冲突已被他人处理', 'Someone else settled this conflict');
      // The agency's value goes through the archive's one write path: version, class and history follow.
      const detail = { source: `数据冲突 ${id.slice(0, 8)}（经核实采用）`, conflictId: id };
      if (decision === 'APPLY_AGENCY' && c.field === 'incapacityLevel') {
        const level = c.agency_value === 'NONE' ? null : (c.agency_value as string);
        const circumstances = (c.elder_circumstances as string[]).filter((x) => x !== 'INCAPACITATED').concat(level ? ['INCAPACITATED'] : []);
        await applyArchiveChanges(this.ctx, em, [{
          elderId: c.elder_id, action: AuditAction.ElderUpdate, detail,
          set: { incapacity_level: level, incapacity_source: level ? `卫健失能评估（经核实采用，冲突 ${id.slice(0, 8)}）` : null, circumstances },
        }]);
      }
      if (decision === 'APPLY_AGENCY' && c.field === 'status' && typeof c.agency_value === 'string' && c.agency_value.startsWith('DECEASED ')) {
        await applyArchiveChanges(this.ctx, em, [{
          elderId: c.elder_id, action: AuditAction.ElderClose, detail,
          set: { status: 'DECEASED', status_date: c.agency_value.slice(9), status_reason: '公安死亡登记（经核实采用）' },
        }]);
      }
      await writeAudit(this.ctx, [{ action: AuditAction.ConflictSettle, elderId: c.elder_id, regionCode: c.elder_region, detail: { conflictId: id, decision, note } }], em);
    });
    const [row] = await this.ctx.em.execute<Record<string, any>[]>(`select c.*, e.name as elder_name from data_conflict c join elder e on e.id = c.elder_id where c.id = ?`, [id]);
    return toConflict(row!);
  }
}

/** A certificate number contains the ID number: masked like it (the full value only through a reveal). */
function maskPayload(payload: Record<string, unknown>): Record<string, unknown> {
  if (typeof payload.certificateNumber !== 'string') return payload;
  return { ...payload, certificateNumber: maskCertificateNumber(payload.certificateNumber) };
}

function toCandidate(r: Record<string, any>): CandidateType {
  return {
    id: r.id, idNumber: maskIdNumber(r.id_number) ?? '', name: r.name, regionCode: r.region_code,
    // The content hash of each reason's record is bookkeeping (see queueCandidates), not for readers.
    reasons: ((typeof r.reasons === 'string' ? JSON.parse(r.reasons) : r.reasons) as Record<string, unknown>[]).map(({ payloadHash: _h, ...x }) => x), status: r.status, firstSeenAt: toDate(r.first_seen_at),
    elderId: r.elder_id, dismissReason: r.dismiss_reason,
  };
}

function toTransfer(r: Record<string, any>): TransferType {
  return {
    id: r.id, elderId: r.elder_id, elderName: r.elder_name, fromRegionCode: r.from_region_code, toRegionCode: r.to_region_code, movedOn: r.moved_on,
    status: r.status, proposedAt: toDate(r.proposed_at), note: r.note,
  };
}

function toConflict(r: Record<string, any>): DataConflictType {
  return {
    id: r.id, elderId: r.elder_id, elderName: r.elder_name, regionCode: r.region_code, kind: r.kind, field: r.field, archiveValue: r.archive_value,
    agencyValue: r.agency_value, recordIds: typeof r.record_ids === 'string' ? r.record_ids.replace(/[{}]/g, '').split(',').filter(Boolean) : r.record_ids,
    detail: r.detail, status: r.status, raisedAt: toDate(r.raised_at), decision: r.decision, note: r.note,
  };
}
