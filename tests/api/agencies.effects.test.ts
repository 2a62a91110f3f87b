import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * What partner agencies' records do (sync.effects.ts, agencies.service.ts): deaths close archives and raise alerts,
 * moves propose transfers the receiving town decides, assessments and certificates reclassify with the record named,
 * hand-entered data is never overwritten (a data conflict instead), housing grades raise alerts, unregistered people
 * join the survey queue, and partner systems authenticate with API keys.
 */
const NOW = '2026-11-15T02:00:00Z'; // Sunday 15 November 2026, 10:00 in China
const HISTORY = '2026-09-10T02:00:00Z';

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let townB: TestUser;
let police: TestUser;
let health: TestUser;
let disability: TestUser;
let housing: TestUser;

const RESULT = `batchId replayed created updated unchanged rejected conflicts results { externalId status match elderId candidateId errors { field } }`;
const SYNC = {
  death: `mutation($batch: DeathRegistrationBatch!) { r: syncDeathRegistrations(batch: $batch) { ${RESULT} } }`,
  residence: `mutation($batch: ResidenceChangeBatch!) { r: syncResidenceChanges(batch: $batch) { ${RESULT} } }`,
  missing: `mutation($batch: MissingPersonReportBatch!) { r: syncMissingPersonReports(batch: $batch) { ${RESULT} } }`,
  incident: `mutation($batch: IncidentBatch!) { r: syncIncidents(batch: $batch) { ${RESULT} } }`,
  incapacity: `mutation($batch: IncapacityAssessmentBatch!) { r: syncIncapacityAssessments(batch: $batch) { ${RESULT} } }`,
  familyPlanning: `mutation($batch: FamilyPlanningFamilyBatch!) { r: syncFamilyPlanningFamilies(batch: $batch) { ${RESULT} } }`,
  healthCheck: `mutation($batch: HealthCheckBatch!) { r: syncHealthChecks(batch: $batch) { ${RESULT} } }`,
  certificate: `mutation($batch: DisabilityCertificateBatch!) { r: syncDisabilityCertificates(batch: $batch) { ${RESULT} } }`,
  housing: `mutation($batch: HousingAppraisalBatch!) { r: syncHousingAppraisals(batch: $batch) { ${RESULT} } }`,
} as const;

interface Result {
  batchId: string;
  replayed: boolean;
  created: number;
  updated: number;
  conflicts: number;
  results: { externalId: string; status: string; match: string; elderId: string | null; candidateId: string | null; errors: { field: string }[] }[];
}

const ELDER = `query($id: ID!, $asOf: Date) { elder(id: $id) {
  id version status statusDate statusReason incapacityLevel familyPlanningKind circumstances region { code }
  disability { certificateNumber category grade severe }
  classification { class computedClass reasons { code text } }
  compliance(asOf: $asOf) { asOf stoppedReason requirements { description } }
  assignments { id role endsAt visitor { id } }
  ended: assignments(includeEnded: true) { id role endsAt endReason visitor { id } } } }`;
const CONFLICTS = `query($status: String) { dataConflicts(status: $status, first: 100) { totalCount
  nodes { id elderId elderName regionCode kind field archiveValue agencyValue recordIds detail status decision note } } }`;
const SETTLE = `mutation($id: ID!, $decision: ConflictDecision!, $note: String!) { settleDataConflict(id: $id, decision: $decision, note: $note) {
  id elderName status decision note } }`;
const TRANSFERS = `query($status: String) { transfers(status: $status) { id elderId elderName fromRegionCode toRegionCode movedOn status note } }`;
const ACCEPT = `mutation($id: ID!, $note: String) { acceptTransfer(id: $id, note: $note) { id elderName status note } }`;
const REJECT = `mutation($id: ID!, $note: String!) { rejectTransfer(id: $id, note: $note) { id status note } }`;
const CANDIDATES = `query($regionCode: String, $status: String) { candidates(regionCode: $regionCode, status: $status, first: 100) { totalCount
  nodes { id idNumber name regionCode reasons status elderId dismissReason } } }`;
const ENROLL = `mutation($id: ID!, $input: EnrollCandidateInput!) { enrollCandidate(id: $id, input: $input) { id name idNumber status region { code } } }`;
const DISMISS = `mutation($id: ID!, $reason: String!) { dismissCandidate(id: $id, reason: $reason) { id status dismissReason } }`;
const RECORDS = `query($filter: AgencyRecordFilter) { agencyRecords(filter: $filter, first: 100) { totalCount
  nodes { id agencyKind kind externalId elderId idNumber effectiveOn sourceVersion payload } } }`;
const CREATE_VISITOR = `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id name } }`;
const ASSIGN = `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned } }`;
const VISIT = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id visitedOn } }`;
const CREATE_KEY = `mutation($agencyId: ID!, $name: String!) { createApiClient(agencyId: $agencyId, name: $name) {
  key client { id agencyId name keyPrefix createdAt lastUsedAt revokedAt } } }`;
const KEYS = `query($agencyId: ID!) { apiClients(agencyId: $agencyId) { id name keyPrefix lastUsedAt revokedAt } }`;
const REVOKE = `mutation($id: ID!) { revokeApiClient(id: $id) { id revokedAt } }`;

type Elder = Record<string, any> & { id: string; version: number };
interface Conflict {
  id: string;
  elderId: string;
  elderName: string;
  kind: string;
  field: string | null;
  archiveValue: string | null;
  agencyValue: string | null;
  recordIds: string[];
  detail: string;
  status: string;
}
interface Candidate {
  id: string;
  idNumber: string;
  name: string | null;
  regionCode: string;
  reasons: { kind: string; agency: string; externalId: string; effectiveOn: string }[];
  status: string;
  elderId: string | null;
  dismissReason: string | null;
}

let birthSeq = 0;
/** A distinct birth date in `year` on every call, so ID numbers never repeat. */
function birth(year: number): string {
  birthSeq++;
  return new Date(Date.UTC(year, 0, 1) + birthSeq * 86_400_000).toISOString().slice(0, 10);
}
let externalSeq = 0;
const ext = (prefix: string) => `${prefix}-${++externalSeq}`;

async function sync(mutation: string, as: TestUser, records: Record<string, unknown>[], key = ext('key')): Promise<Result> {
  return ok(await t.exec<{ r: Result }>(as, mutation, { batch: { idempotencyKey: key, records } })).r;
}
async function elderAt(regionCode: string = REGIONS.villageA1, extra: Record<string, unknown> = {}): Promise<ElderData & { fullIdNumber: string }> {
  t.clock.set(HISTORY);
  try {
    return await registerElder(t, admin, { name: '关国华', regionCode, idNumber: idNumberFor(birth(1950)), ...extra });
  } finally {
    t.clock.set(NOW);
  }
}
async function getElder(id: string, asOf?: string, as: TestUser = admin): Promise<Elder> {
  return ok(await t.exec<{ elder: Elder }>(as, ELDER, { id, asOf })).elder;
}
async function conflictsOf(elderId: string, as: TestUser = admin, status = 'OPEN'): Promise<Conflict[]> {
  const list = ok(await t.exec<{ dataConflicts: { nodes: Conflict[] } }>(as, CONFLICTS, { status })).dataConflicts.nodes;
  return list.filter((c) => c.elderId === elderId);
}
async function alertsOf(elderId: string): Promise<{ rule_code: string; severity: string; region_code: string; status: string; detail: string; suggested: string | null }[]> {
  return t.sql(
    `select a.rule_code, a.severity, a.region_code, a.status, a.detail, r.suggested_referral as suggested
       from alert a left join alert_rule r on r.code = a.rule_code where a.elder_id = $1 order by a.raised_at, a.rule_code`,
    [elderId],
  );
}
async function recordIdOf(agency: TestUser, externalId: string): Promise<string> {
  const [row] = await t.sql<{ id: string }>(`select id from agency_record where agency_id = $1 and external_id = $2`, [agency.actor.agencyId, externalId]);
  return row!.id;
}
async function candidatesOf(as: TestUser, status?: string, regionCode?: string): Promise<Candidate[]> {
  return ok(await t.exec<{ candidates: { nodes: Candidate[] } }>(as, CANDIDATES, { status, regionCode })).candidates.nodes;
}

async function gqlHttp(url: string, query: string, token: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions: { code: string } }[] };
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  police = await t.user('POLICE', REGIONS.city);
  health = await t.user('HEALTH', REGIONS.city);
  disability = await t.user('DISABILITY', REGIONS.city);
  housing = await t.user('HOUSING', REGIONS.city);
});
afterAll(() => t.close());

describe('death registration', () => {
  it('closes an ACTIVE archive from the date of death, stops its requirements and alerts the village', async () => {
    const elder = await elderAt(REGIONS.villageA1, { circumstances: ['LIVING_ALONE'] });
    const before = await getElder(elder.id, '2026-10-25');
    expect(before.status).toBe('ACTIVE');
    expect(before.compliance.requirements.length).toBeGreaterThan(0);
    expect(before.compliance.stoppedReason).toBeNull();

    const id = ext('SW');
    const r = await sync(SYNC.death, police, [{ externalId: id, idNumber: elder.fullIdNumber, diedOn: '2026-10-28', certificateNumber: 'SW-2026-1' }]);
    expect(r.results).toEqual([{ externalId: id, status: 'CREATED', match: 'ELDER', elderId: elder.id, candidateId: null, errors: [] }]);

    const after = await getElder(elder.id, '2026-11-01');
    expect(after).toMatchObject({ status: 'DECEASED', statusDate: '2026-10-28', version: before.version + 1 });
    expect(after.statusReason).toContain(id);
    expect(after.compliance.stoppedReason).toBeTruthy();
    expect(after.compliance.requirements).toEqual([]);
    // Before the death the requirements still stood.
    expect((await getElder(elder.id, '2026-10-27')).compliance).toMatchObject({ stoppedReason: null });
    expect((await getElder(elder.id, '2026-10-27')).compliance.requirements.length).toBeGreaterThan(0);

    const alerts = await alertsOf(elder.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule_code: 'DEATH_REGISTERED', region_code: REGIONS.villageA1, status: 'OPEN' });
    expect(alerts[0]!.detail).toContain(id);
    // The close is audited with its source.
    const [audit] = await t.sql<{ detail: Record<string, unknown> }>(`select detail from audit_event where elder_id = $1 and action = 'ELDER_CLOSE'`, [elder.id]);
    expect(JSON.stringify(audit!.detail)).toContain(id);
    expect(await conflictsOf(elder.id)).toEqual([]);

    // Sent again in a later batch (same version, same content): unchanged, nothing more.
    const again = await sync(SYNC.death, police, [{ externalId: id, idNumber: elder.fullIdNumber, diedOn: '2026-10-28', certificateNumber: 'SW-2026-1' }]);
    expect(again.results[0]!.status).toBe('UNCHANGED');
    expect(await alertsOf(elder.id)).toHaveLength(1);
  });

  it('with visits recorded after the date of death: the archive closes and a DEATH_VS_ACTIVITY conflict goes to civil affairs', async () => {
    const elder = await elderAt();
    ok(await t.exec(town, VISIT, { input: { elderId: elder.id, visitedAt: '2026-11-05T02:00:00Z', method: 'HOME' } }));
    const id = ext('SW');
    await sync(SYNC.death, police, [{ externalId: id, idNumber: elder.fullIdNumber, diedOn: '2026-11-01' }]);

    const conflicts = await conflictsOf(elder.id, town);
    expect(conflicts).toHaveLength(1);
    // The list names the person (the console shows the name, not an id fragment).
    expect(conflicts[0]).toMatchObject({ elderName: '关国华', kind: 'DEATH_VS_ACTIVITY', field: 'status', status: 'OPEN', recordIds: [await recordIdOf(police, id)] });
    expect(conflicts[0]!.detail).toContain('2026-11-05');
    expect((await getElder(elder.id)).status).toBe('DECEASED');
    // Such a conflict is checked and handled in the archive, never applied blindly.
    const apply = await t.exec(town, SETTLE, { id: conflicts[0]!.id, decision: 'APPLY_AGENCY', note: '已核实' });
    expect(codeOf(apply)).toBe('FORBIDDEN');
    const settled = ok(await t.exec<any>(town, SETTLE, { id: conflicts[0]!.id, decision: 'CORRECTED_BY_HAND', note: '探访记录日期录错，已更正' })).settleDataConflict;
    expect(settled).toMatchObject({ elderName: '关国华', status: 'SETTLED', decision: 'CORRECTED_BY_HAND' });
    expect(codeOf(await t.exec(town, SETTLE, { id: conflicts[0]!.id, decision: 'KEEP_ARCHIVE', note: '再次处理' }))).toBe('CONFLICT');
    // Another town cannot see or settle it.
    expect(await conflictsOf(elder.id, townB, 'SETTLED')).toEqual([]);
  });

  it('a health check dated after a registered death is a DEATH_VS_ACTIVITY conflict; one dated before is not', async () => {
    const elder = await elderAt();
    await sync(SYNC.death, police, [{ externalId: ext('SW'), idNumber: elder.fullIdNumber, diedOn: '2026-10-20' }]);
    const before = ext('TJ');
    const later = ext('TJ');
    const r = await sync(SYNC.healthCheck, health, [
      { externalId: before, idNumber: elder.fullIdNumber, checkedOn: '2026-10-10', summary: '正常' },
      { externalId: later, idNumber: elder.fullIdNumber, checkedOn: '2026-10-27', summary: '血压偏高' },
    ]);
    expect(r.results.map((x) => [x.status, x.match])).toEqual([['CREATED', 'ELDER'], ['CREATED', 'ELDER']]);
    const conflicts = await conflictsOf(elder.id);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'DEATH_VS_ACTIVITY', field: 'status', recordIds: [await recordIdOf(health, later)] });
    expect(conflicts[0]!.detail).toContain(later);
    expect((await getElder(elder.id)).status).toBe('DECEASED');
  });

  it('a death registered after another agency already recorded later activity is a conflict too', async () => {
    const elder = await elderAt();
    const check = ext('TJ');
    await sync(SYNC.healthCheck, health, [{ externalId: check, idNumber: elder.fullIdNumber, checkedOn: '2026-11-02' }]);
    const death = ext('SW');
    await sync(SYNC.death, police, [{ externalId: death, idNumber: elder.fullIdNumber, diedOn: '2026-10-30' }]);
    const conflicts = await conflictsOf(elder.id);
    expect(conflicts.map((c) => [c.kind, c.recordIds])).toEqual([['DEATH_VS_ACTIVITY', [await recordIdOf(police, death)]]]);
    expect(conflicts[0]!.detail).toContain('2026-11-02');
  });

  it('an archive closed by hand with another date: ARCHIVE_DIFFERS, and APPLY_AGENCY writes the registered death', async () => {
    const elder = await elderAt();
    ok(await t.exec(town, `mutation($id: ID!, $version: Int!, $input: CloseElderInput!) { closeElder(id: $id, version: $version, input: $input) { id } }`, {
      id: elder.id, version: elder.version, input: { status: 'MOVED_AWAY', effectiveDate: '2026-10-01', reason: '随子女迁居' },
    }));
    const id = ext('SW');
    await sync(SYNC.death, police, [{ externalId: id, idNumber: elder.fullIdNumber, diedOn: '2026-10-15' }]);
    const closed = await getElder(elder.id);
    expect(closed).toMatchObject({ status: 'MOVED_AWAY', statusDate: '2026-10-01' });
    const [c] = await conflictsOf(elder.id);
    expect(c).toMatchObject({ kind: 'ARCHIVE_DIFFERS', field: 'status', archiveValue: 'MOVED_AWAY 2026-10-01', agencyValue: 'DECEASED 2026-10-15' });
    expect(await alertsOf(elder.id)).toEqual([]);
    ok(await t.exec(town, SETTLE, { id: c!.id, decision: 'APPLY_AGENCY', note: '经核实已于迁居后去世' }));
    expect(await getElder(elder.id)).toMatchObject({ status: 'DECEASED', statusDate: '2026-10-15' });
  });
});

describe('residence change', () => {
  it('to another village proposes a transfer; the receiving town accepts; until then the old visitor keeps the elder', async () => {
    const elder = await elderAt(REGIONS.villageA1);
    const visitor = ok(await t.exec<any>(town, CREATE_VISITOR, { input: { name: '探访员甲', kind: 'VILLAGE_STAFF', regionCode: REGIONS.villageA1 } })).createVisitor;
    ok(await t.exec(town, ASSIGN, { input: { visitorId: visitor.id, elderIds: [elder.id], role: 'PRIMARY' } }));
    const id = ext('HJ');
    const r = await sync(SYNC.residence, police, [{ externalId: id, idNumber: elder.fullIdNumber, newRegionCode: REGIONS.villageB1, newAddress: '沙塘墟1号', movedOn: '2026-11-01' }]);
    expect(r.results[0]).toMatchObject({ status: 'CREATED', match: 'ELDER', elderId: elder.id });

    // The archive does not move yet; the old visitor keeps the elder.
    const pending = await getElder(elder.id);
    expect(pending.region.code).toBe(REGIONS.villageA1);
    expect(pending.version).toBe(elder.version);
    expect(pending.assignments.map((a: any) => [a.role, a.visitor.id, a.endsAt])).toEqual([['PRIMARY', visitor.id, null]]);

    const proposed = ok(await t.exec<{ transfers: any[] }>(townB, TRANSFERS, {})).transfers.filter((x) => x.elderId === elder.id);
    expect(proposed).toEqual([{ id: expect.any(String), elderId: elder.id, elderName: '关国华', fromRegionCode: REGIONS.villageA1, toRegionCode: REGIONS.villageB1, movedOn: '2026-11-01', status: 'PROPOSED', note: null }]);
    const transferId = proposed[0].id;
    // The sending town sees it going out but cannot decide it.
    expect(ok(await t.exec<{ transfers: any[] }>(town, TRANSFERS, {})).transfers.map((x) => x.id)).toContain(transferId);
    expect(codeOf(await t.exec(town, ACCEPT, { id: transferId }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(town, REJECT, { id: transferId, note: '不同意' }))).toBe('NOT_FOUND');
    // Rejecting needs a reason.
    const noNote = await t.exec(townB, REJECT, { id: transferId, note: '  ' });
    expect(codeOf(noNote)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(noNote)).toEqual(['note']);

    const accepted = ok(await t.exec<any>(townB, ACCEPT, { id: transferId, note: '已核实入住' })).acceptTransfer;
    expect(accepted).toMatchObject({ id: transferId, elderName: '关国华', status: 'ACCEPTED', note: '已核实入住' });
    const moved = await getElder(elder.id);
    expect(moved.region.code).toBe(REGIONS.villageB1);
    expect(moved.version).toBe(elder.version + 1);
    expect(moved.assignments).toEqual([]);
    expect(moved.ended).toHaveLength(1);
    expect(moved.ended[0].endsAt).toBeTruthy();
    expect(moved.ended[0].endReason).toBeTruthy();
    // Now town B's elder, no longer town A's.
    expect((await t.exec<{ elder: Elder | null }>(townB, `query($id: ID!) { elder(id: $id) { id } }`, { id: elder.id })).data?.elder?.id).toBe(elder.id);
    expect((await t.exec<{ elder: Elder | null }>(town, `query($id: ID!) { elder(id: $id) { id } }`, { id: elder.id })).data?.elder ?? null).toBeNull();
    expect(codeOf(await t.exec(townB, ACCEPT, { id: transferId }))).toBe('CONFLICT');
  });

  it('a rejected transfer leaves everything as it was', async () => {
    const elder = await elderAt(REGIONS.villageA1);
    await sync(SYNC.residence, police, [{ externalId: ext('HJ'), idNumber: elder.fullIdNumber, newRegionCode: REGIONS.villageB1, movedOn: '2026-11-02' }]);
    const [transfer] = ok(await t.exec<{ transfers: any[] }>(townB, TRANSFERS, {})).transfers.filter((x) => x.elderId === elder.id);
    const rejected = ok(await t.exec<any>(townB, REJECT, { id: transfer.id, note: '查无此人，未在本村居住' })).rejectTransfer;
    expect(rejected).toMatchObject({ status: 'REJECTED', note: '查无此人，未在本村居住' });
    const after = await getElder(elder.id);
    expect([after.region.code, after.version]).toEqual([REGIONS.villageA1, elder.version]);
    expect(ok(await t.exec<{ transfers: any[] }>(townB, TRANSFERS, { status: 'REJECTED' })).transfers.map((x) => x.id)).toContain(transfer.id);
  });

  it('to a region outside the system raises a MOVED_OUTSIDE conflict and moves nothing; a move to the same village does nothing', async () => {
    const elder = await elderAt(REGIONS.villageA1);
    const outside = '310101002001';
    expect(await t.sql(`select code from region where code = $1`, [outside])).toEqual([]);
    const id = ext('HJ');
    await sync(SYNC.residence, police, [{ externalId: id, idNumber: elder.fullIdNumber, newRegionCode: outside, movedOn: '2026-11-03' }]);
    const [c] = await conflictsOf(elder.id);
    expect(c).toMatchObject({ kind: 'MOVED_OUTSIDE', field: 'regionCode', archiveValue: REGIONS.villageA1, agencyValue: outside, recordIds: [await recordIdOf(police, id)] });
    expect(await t.sql(`select id from transfer where elder_id = $1`, [elder.id])).toEqual([]);
    expect((await getElder(elder.id)).region.code).toBe(REGIONS.villageA1);

    const stay = await elderAt(REGIONS.villageA2);
    await sync(SYNC.residence, police, [{ externalId: ext('HJ'), idNumber: stay.fullIdNumber, newRegionCode: REGIONS.villageA2, movedOn: '2026-11-03' }]);
    expect(await t.sql(`select id from transfer where elder_id = $1`, [stay.id])).toEqual([]);
    expect(await conflictsOf(stay.id)).toEqual([]);
  });
});

describe('incapacity and disability', () => {
  it('an incapacity assessment FULL makes a living-alone elder class A, naming the assessment in the reasons', async () => {
    const elder = await elderAt(REGIONS.villageA1, { idNumber: idNumberFor(birth(1956)), circumstances: ['LIVING_ALONE'] });
    expect((await getElder(elder.id)).classification.class).toBe('C');
    const id = ext('SN');
    const r = await sync(SYNC.incapacity, health, [{ externalId: id, idNumber: elder.fullIdNumber, level: 'FULL', assessedOn: '2026-10-12' }]);
    expect(r.results[0]).toMatchObject({ status: 'CREATED', match: 'ELDER' });
    const after = await getElder(elder.id);
    expect(after.incapacityLevel).toBe('FULL');
    expect(after.circumstances).toContain('INCAPACITATED');
    expect(after.classification.class).toBe('A');
    const reason = after.classification.reasons.find((x: any) => x.code === 'A_INCAPACITATED');
    expect(reason.text).toContain(id);
    const [history] = await t.sql<{ class: string; reasons: unknown }>(`select class, reasons from class_history where elder_id = $1 order by at desc, id desc limit 1`, [elder.id]);
    expect(history!.class).toBe('A');
    expect(JSON.stringify(history!.reasons)).toContain(id);
    expect(await conflictsOf(elder.id)).toEqual([]);

    // A later assessment (a higher version) that finds no incapacity takes it back: the level came from health.
    await sync(SYNC.incapacity, health, [{ externalId: id, idNumber: elder.fullIdNumber, level: 'NONE', assessedOn: '2026-11-10', sourceVersion: 2 }]);
    const recovered = await getElder(elder.id);
    expect(recovered.incapacityLevel).toBeNull();
    expect(recovered.circumstances).not.toContain('INCAPACITATED');
    expect(recovered.classification.class).toBe('C');
  });

  it('a person cannot overwrite an agency-sourced level by hand (CONFLICT naming the assessment); the next assessment still applies', async () => {
    const elder = await elderAt(REGIONS.villageA1, { idNumber: idNumberFor(birth(1950)), circumstances: ['LIVING_ALONE'] });
    const id = ext('SN');
    await sync(SYNC.incapacity, health, [{ externalId: id, idNumber: elder.fullIdNumber, level: 'FULL', assessedOn: '2026-10-12' }]);
    const synced = await getElder(elder.id);
    expect(synced.incapacityLevel).toBe('FULL');
    const refused = await t.exec(admin, `mutation($id: ID!, $v: Int!) { updateElder(id: $id, version: $v, input: { incapacityLevel: PARTIAL }) { id } }`, { id: elder.id, v: synced.version });
    expect(codeOf(refused)).toBe('CONFLICT');
    expect(refused.errors![0]!.message).toContain(id);
    const kept = await getElder(elder.id);
    expect([kept.incapacityLevel, kept.version]).toEqual(['FULL', synced.version]);
    expect(kept.classification.reasons.find((x: any) => x.code === 'A_INCAPACITATED').text).toContain(id);
    await sync(SYNC.incapacity, health, [{ externalId: id, idNumber: elder.fullIdNumber, level: 'PARTIAL', assessedOn: '2026-11-12', sourceVersion: 2 }]);
    expect((await getElder(elder.id)).incapacityLevel).toBe('PARTIAL');
    expect(await conflictsOf(elder.id)).toEqual([]);
  });

  it('a grade-1 disability certificate makes a living-alone 70-year-old class B, naming the certificate', async () => {
    const idNumber = idNumberFor(birth(1956));
    const elder = await elderAt(REGIONS.villageA1, { idNumber, circumstances: ['LIVING_ALONE'] });
    const age = ok(await t.exec<any>(admin, `query($id: ID!) { elder(id: $id) { age } }`, { id: elder.id })).elder.age;
    expect(age).toBe(70);
    expect((await getElder(elder.id)).classification.class).toBe('C');
    const id = ext('CJ');
    await sync(SYNC.certificate, disability, [
      { externalId: id, idNumber, certificateNumber: `${idNumber}41`, category: 'PHYSICAL', grade: 1, issuedOn: '2026-09-30' },
    ]);
    const after = await getElder(elder.id);
    expect(after.disability).toEqual({ certificateNumber: expect.any(String), category: 'PHYSICAL', grade: 1, severe: true });
    expect(after.circumstances).toContain('DISABLED');
    expect(after.classification.class).toBe('B');
    const reason = after.classification.reasons.find((x: any) => x.code === 'B_SEVERELY_DISABLED_ALONE');
    expect(reason.text).toContain(id);

    // The federation cancels it: the archive's certificate (from the federation) goes, the class follows.
    await sync(SYNC.certificate, disability, [
      { externalId: id, idNumber, certificateNumber: `${idNumber}41`, category: 'PHYSICAL', grade: 1, issuedOn: '2026-09-30', cancelledOn: '2026-11-10', sourceVersion: 2 },
    ]);
    const cancelled = await getElder(elder.id);
    expect(cancelled.disability).toBeNull();
    expect(cancelled.classification.class).toBe('C');
  });

  it('a level entered by hand that differs: ARCHIVE_DIFFERS, the archive unchanged, and APPLY_AGENCY applies it', async () => {
    const elder = await elderAt(REGIONS.villageA1, { circumstances: ['LIVING_ALONE'], incapacityLevel: 'PARTIAL' });
    const before = await getElder(elder.id);
    expect(before.incapacityLevel).toBe('PARTIAL');
    const id = ext('SN');
    const r = await sync(SYNC.incapacity, health, [{ externalId: id, idNumber: elder.fullIdNumber, level: 'FULL', assessedOn: '2026-10-12' }]);
    expect(r.results[0]).toMatchObject({ status: 'CREATED', match: 'ELDER' });

    const unchanged = await getElder(elder.id);
    expect([unchanged.incapacityLevel, unchanged.version]).toEqual(['PARTIAL', before.version]);
    const conflicts = await conflictsOf(elder.id, town);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'ARCHIVE_DIFFERS', field: 'incapacityLevel', archiveValue: 'PARTIAL', agencyValue: 'FULL', recordIds: [await recordIdOf(health, id)] });

    // A note is required; then the agency's level is written and the elder reclassified.
    expect(codeOf(await t.exec(town, SETTLE, { id: conflicts[0]!.id, decision: 'APPLY_AGENCY', note: ' ' }))).toBe('BAD_USER_INPUT');
    const settled = ok(await t.exec<any>(town, SETTLE, { id: conflicts[0]!.id, decision: 'APPLY_AGENCY', note: '入户核实，确已完全失能' })).settleDataConflict;
    expect(settled).toMatchObject({ status: 'SETTLED', decision: 'APPLY_AGENCY', note: '入户核实，确已完全失能' });
    const applied = await getElder(elder.id);
    expect(applied.incapacityLevel).toBe('FULL');
    expect(applied.classification.class).toBe('A');
    expect(await conflictsOf(elder.id, town)).toEqual([]);
  });

  it('KEEP_ARCHIVE leaves the hand-entered level; a hand-entered certificate that differs is a conflict too', async () => {
    const elder = await elderAt(REGIONS.villageA1, { incapacityLevel: 'FULL' });
    await sync(SYNC.incapacity, health, [{ externalId: ext('SN'), idNumber: elder.fullIdNumber, level: 'PARTIAL', assessedOn: '2026-10-12' }]);
    const [c] = await conflictsOf(elder.id);
    ok(await t.exec(town, SETTLE, { id: c!.id, decision: 'KEEP_ARCHIVE', note: '评估有误，保留档案' }));
    expect((await getElder(elder.id)).incapacityLevel).toBe('FULL');

    const idNumber = idNumberFor(birth(1950));
    const other = await elderAt(REGIONS.villageA1, { idNumber, disability: { certificateNumber: `${idNumber}12`, category: 'VISUAL', grade: 2 } });
    await sync(SYNC.certificate, disability, [{ externalId: ext('CJ'), idNumber, certificateNumber: `${idNumber}43`, category: 'PHYSICAL', grade: 3, issuedOn: '2026-09-30' }]);
    const [d] = await conflictsOf(other.id);
    expect(d).toMatchObject({ kind: 'ARCHIVE_DIFFERS', field: 'disability' });
    expect((await getElder(other.id)).disability).toMatchObject({ category: 'VISUAL', grade: 2 });
    // Only a level or a death can be applied from here; other fields are corrected by hand.
    expect(codeOf(await t.exec(town, SETTLE, { id: d!.id, decision: 'APPLY_AGENCY', note: '采用残联数据' }))).toBe('BAD_USER_INPUT');
  });

  it('a family-planning special family fills an empty archive field; a different one entered by hand is a conflict', async () => {
    const empty = await elderAt(REGIONS.villageA1, { circumstances: ['LIVING_ALONE'] });
    await sync(SYNC.familyPlanning, health, [{ externalId: ext('JS'), idNumber: empty.fullIdNumber, familyPlanningKind: 'ONLY_CHILD_DECEASED', recognizedOn: '2026-09-01' }]);
    const filled = await getElder(empty.id);
    expect(filled.familyPlanningKind).toBe('ONLY_CHILD_DECEASED');
    expect(filled.circumstances).toContain('FAMILY_PLANNING_SPECIAL');
    expect(filled.classification.class).toBe('A');

    const set = await elderAt(REGIONS.villageA1, { familyPlanningKind: 'ONLY_CHILD_DISABLED' });
    await sync(SYNC.familyPlanning, health, [{ externalId: ext('JS'), idNumber: set.fullIdNumber, familyPlanningKind: 'ONLY_CHILD_DECEASED', recognizedOn: '2026-09-01' }]);
    expect((await getElder(set.id)).familyPlanningKind).toBe('ONLY_CHILD_DISABLED');
    expect((await conflictsOf(set.id)).map((c) => [c.kind, c.field, c.archiveValue, c.agencyValue])).toEqual([
      ['ARCHIVE_DIFFERS', 'familyPlanningKind', 'ONLY_CHILD_DISABLED', 'ONLY_CHILD_DECEASED'],
    ]);
  });
});

describe('alerts from agency records', () => {
  it('housing grade C raises a NORMAL alert, D an URGENT one, A and B none', async () => {
    const [a, b, c, d] = [await elderAt(), await elderAt(), await elderAt(REGIONS.villageA2), await elderAt(REGIONS.villageB1)];
    const ids = [ext('FW'), ext('FW'), ext('FW'), ext('FW')];
    await sync(SYNC.housing, housing, [
      { externalId: ids[0], idNumber: a.fullIdNumber, grade: 'A', appraisedOn: '2026-10-01' },
      { externalId: ids[1], idNumber: b.fullIdNumber, grade: 'B', appraisedOn: '2026-10-01' },
      { externalId: ids[2], idNumber: c.fullIdNumber, grade: 'C', appraisedOn: '2026-10-01' },
      { externalId: ids[3], idNumber: d.fullIdNumber, grade: 'D', appraisedOn: '2026-10-01' },
    ]);
    expect(await alertsOf(a.id)).toEqual([]);
    expect(await alertsOf(b.id)).toEqual([]);
    const [alertC] = await alertsOf(c.id);
    expect(alertC).toMatchObject({ rule_code: 'HOUSING_GRADE_C', severity: 'NORMAL', region_code: REGIONS.villageA2, status: 'OPEN', suggested: 'HOUSING' });
    expect(alertC!.detail).toContain(ids[2]);
    const [alertD] = await alertsOf(d.id);
    expect(alertD).toMatchObject({ rule_code: 'HOUSING_GRADE_D', severity: 'URGENT', region_code: REGIONS.villageB1, status: 'OPEN' });
    // Visible to the village's civil affairs through the alerts API.
    const list = ok(await t.exec<any>(townB, `{ alerts(first: 100) { nodes { elderId ruleCode severity } } }`)).alerts.nodes;
    expect(list).toContainEqual({ elderId: d.id, ruleCode: 'HOUSING_GRADE_D', severity: 'URGENT' });
  });

  it('an open missing-person report and an incident raise URGENT alerts; a report already found does not', async () => {
    const [missing, found, fraud] = [await elderAt(), await elderAt(), await elderAt()];
    await sync(SYNC.missing, police, [
      { externalId: ext('ZS'), idNumber: missing.fullIdNumber, reportedOn: '2026-11-12' },
      { externalId: ext('ZS'), idNumber: found.fullIdNumber, reportedOn: '2026-11-12', foundOn: '2026-11-13' },
    ]);
    const incident = ext('AJ');
    await sync(SYNC.incident, police, [{ externalId: incident, idNumber: fraud.fullIdNumber, incidentKind: 'FRAUD', occurredOn: '2026-11-01', summary: '保健品诈骗2万元' }]);
    expect((await alertsOf(missing.id)).map((x) => [x.rule_code, x.severity])).toEqual([['MISSING_PERSON', 'URGENT']]);
    expect(await alertsOf(found.id)).toEqual([]);
    expect((await alertsOf(fraud.id)).map((x) => [x.rule_code, x.severity, x.detail])).toEqual([['INCIDENT_FRAUD', 'URGENT', '保健品诈骗2万元']]);
    // An update of the same incident does not raise it again.
    await sync(SYNC.incident, police, [{ externalId: incident, idNumber: fraud.fullIdNumber, incidentKind: 'FRAUD', occurredOn: '2026-11-01', summary: '保健品诈骗2万元，已追回', sourceVersion: 2 }]);
    expect(await alertsOf(fraud.id)).toHaveLength(1);
  });
  it('a newer version of a report still open, or of an appraisal still C or D, does not raise the alert again while it is open', async () => {
    const [missing, house] = [await elderAt(), await elderAt()];
    const [report, appraisal] = [ext('ZS'), ext('FW')];
    await sync(SYNC.missing, police, [{ externalId: report, idNumber: missing.fullIdNumber, reportedOn: '2026-11-12' }]);
    await sync(SYNC.housing, housing, [{ externalId: appraisal, idNumber: house.fullIdNumber, grade: 'D', appraisedOn: '2026-10-01' }]);
    await sync(SYNC.missing, police, [{ externalId: report, idNumber: missing.fullIdNumber, reportedOn: '2026-11-11', sourceVersion: 2 }]);
    await sync(SYNC.housing, housing, [{ externalId: appraisal, idNumber: house.fullIdNumber, grade: 'D', appraisedOn: '2026-10-02', sourceVersion: 2 }]);
    expect((await alertsOf(missing.id)).map((x) => x.rule_code)).toEqual(['MISSING_PERSON']);
    expect((await alertsOf(house.id)).map((x) => x.rule_code)).toEqual(['HOUSING_GRADE_D']);
    // Once resolved, a new report raises a new alert.
    await t.sql(`update alert set status = 'RESOLVED', resolved_at = now() where elder_id = $1`, [missing.id]);
    await sync(SYNC.missing, police, [{ externalId: ext('ZS'), idNumber: missing.fullIdNumber, reportedOn: '2026-11-14' }]);
    expect((await alertsOf(missing.id)).map((x) => `${x.rule_code} ${x.status}`).sort()).toEqual(['MISSING_PERSON OPEN', 'MISSING_PERSON RESOLVED']);
  });
});

describe('survey candidates', () => {
  it('a person aged 60+ not in the registry with a qualifying record joins the town’s queue; a second agency adds a reason', async () => {
    const idNumber = idNumberFor(birth(1952));
    const first = ext('SN');
    const r = await sync(SYNC.incapacity, health, [
      { externalId: first, idNumber, name: '司徒秀英', regionCode: REGIONS.villageA1, level: 'FULL', assessedOn: '2026-10-05' },
    ]);
    expect(r.results[0]).toMatchObject({ status: 'CREATED', match: 'CANDIDATE', elderId: null });
    const candidateId = r.results[0]!.candidateId!;
    expect(candidateId).toBeTruthy();
    // Never a silent archive.
    expect(await t.sql(`select id from elder where id_number = $1`, [idNumber])).toEqual([]);

    const queue = await candidatesOf(town);
    const mine = queue.find((c) => c.id === candidateId)!;
    expect(mine).toMatchObject({ name: '司徒秀英', regionCode: REGIONS.villageA1, status: 'PENDING', elderId: null });
    expect(mine.idNumber).not.toBe(idNumber);
    expect(mine.idNumber.slice(0, 6)).toBe(idNumber.slice(0, 6));
    expect(mine.reasons).toEqual([expect.objectContaining({ kind: 'INCAPACITY_ASSESSMENT', agency: 'HEALTH', externalId: first, effectiveOn: '2026-10-05' })]);
    // Town B's queue does not have them.
    expect((await candidatesOf(townB)).map((c) => c.id)).not.toContain(candidateId);

    const second = ext('CJ');
    const d = await sync(SYNC.certificate, disability, [
      { externalId: second, idNumber, certificateNumber: `${idNumber}12`, category: 'VISUAL', grade: 2, issuedOn: '2026-09-01' },
    ]);
    expect(d.results[0]).toMatchObject({ match: 'CANDIDATE', candidateId });
    const both = (await candidatesOf(town)).find((c) => c.id === candidateId)!;
    expect(both.reasons.map((x) => [x.agency, x.kind, x.externalId])).toEqual([
      ['HEALTH', 'INCAPACITY_ASSESSMENT', first],
      ['DISABILITY', 'DISABILITY_CERTIFICATE', second],
    ]);
    // A newer version of a record already listed does not list it twice.
    await sync(SYNC.incapacity, health, [
      { externalId: first, idNumber, name: '司徒秀英', regionCode: REGIONS.villageA1, level: 'FULL', assessedOn: '2026-11-05', sourceVersion: 2 },
    ]);
    const again = (await candidatesOf(town)).find((c) => c.id === candidateId)!;
    expect(again.reasons.map((x) => x.externalId).sort()).toEqual([first, second].sort());
    expect(await t.sql(`select id from candidate where id_number = $1`, [idNumber])).toHaveLength(1);
  });

  it('two records about one person in one batch give one candidate with both reasons', async () => {
    const idNumber = idNumberFor(birth(1950));
    const [a, b] = [ext('ZS'), ext('ZS')];
    const r = await sync(SYNC.missing, police, [
      { externalId: a, idNumber, regionCode: REGIONS.villageA2, reportedOn: '2026-10-01' },
      { externalId: b, idNumber, regionCode: REGIONS.villageA2, reportedOn: '2026-11-01' },
    ]);
    expect(r.results.map((x) => x.match)).toEqual(['CANDIDATE', 'CANDIDATE']);
    expect(r.results[0]!.candidateId).toBe(r.results[1]!.candidateId);
    const c = (await candidatesOf(town)).find((x) => x.id === r.results[0]!.candidateId)!;
    expect(c.reasons.map((x) => x.externalId)).toEqual([a, b]);
  });

  it('under 60, non-qualifying kinds and content, and people with an archive elsewhere do not become candidates', async () => {
    const before = (await t.sql<{ n: number }>(`select count(*)::int as n from candidate`))[0]!.n;
    const young = idNumberFor(birth(1970)); // 56
    const old = idNumberFor(birth(1948));
    const elsewhere = await elderAt(REGIONS.villageB1);
    const policeA = await t.user('POLICE', REGIONS.townA);
    const results = [
      ...(await sync(SYNC.incapacity, health, [
        { externalId: ext('SN'), idNumber: young, regionCode: REGIONS.villageA1, level: 'FULL', assessedOn: '2026-10-01' },
        { externalId: ext('SN'), idNumber: old, regionCode: REGIONS.villageA1, level: 'NONE', assessedOn: '2026-10-01' },
      ])).results,
      ...(await sync(SYNC.healthCheck, health, [{ externalId: ext('TJ'), idNumber: old, regionCode: REGIONS.villageA1, checkedOn: '2026-10-01' }])).results,
      ...(await sync(SYNC.housing, housing, [{ externalId: ext('FW'), idNumber: old, regionCode: REGIONS.villageA1, grade: 'B', appraisedOn: '2026-10-01' }])).results,
      ...(await sync(SYNC.death, police, [{ externalId: ext('SW'), idNumber: old, diedOn: '2026-10-01' }])).results,
      // Registered in town B: the town A police do not see the archive, and do not queue them either.
      ...(await sync(SYNC.missing, policeA, [{ externalId: ext('ZS'), idNumber: elsewhere.fullIdNumber, reportedOn: '2026-11-01' }])).results,
    ];
    expect(results.map((x) => [x.status, x.match, x.candidateId])).toEqual(Array(6).fill(['CREATED', 'NONE', null]));
    expect((await t.sql<{ n: number }>(`select count(*)::int as n from candidate`))[0]!.n).toBe(before);
  });

  it('enrollCandidate registers the archive and links the agency records; dismissCandidate needs a reason', async () => {
    const idNumber = idNumberFor(birth(1951));
    const [assessment, certificate] = [ext('SN'), ext('CJ')];
    const r = await sync(SYNC.incapacity, health, [
      { externalId: assessment, idNumber, name: '谢月娥', regionCode: REGIONS.villageA2, level: 'PARTIAL', assessedOn: '2026-10-05' },
    ]);
    await sync(SYNC.certificate, disability, [{ externalId: certificate, idNumber, certificateNumber: `${idNumber}44`, category: 'PHYSICAL', grade: 4, issuedOn: '2026-09-01' }]);
    const candidateId = r.results[0]!.candidateId!;

    // Another town cannot enroll them.
    expect(codeOf(await t.exec(townB, ENROLL, { id: candidateId, input: { regionCode: REGIONS.villageB1 } }))).toBe('NOT_FOUND');
    const elder = ok(await t.exec<any>(town, ENROLL, { id: candidateId, input: { regionCode: REGIONS.villageA2 } })).enrollCandidate;
    expect(elder).toMatchObject({ name: '谢月娥', status: 'ACTIVE', region: { code: REGIONS.villageA2 } });
    const [row] = await t.sql<{ id_number: string }>(`select id_number from elder where id = $1`, [elder.id]);
    expect(row!.id_number).toBe(idNumber);

    expect((await candidatesOf(town)).map((c) => c.id)).not.toContain(candidateId);
    const enrolled = (await candidatesOf(town, 'ENROLLED')).find((c) => c.id === candidateId)!;
    expect(enrolled).toMatchObject({ status: 'ENROLLED', elderId: elder.id });

    const records = ok(await t.exec<any>(town, RECORDS, { filter: { elderId: elder.id } })).agencyRecords;
    expect(records.totalCount).toBe(2);
    expect(records.nodes.map((n: any) => [n.agencyKind, n.kind, n.externalId, n.elderId]).sort()).toEqual([
      ['DISABILITY', 'DISABILITY_CERTIFICATE', certificate, elder.id],
      ['HEALTH', 'INCAPACITY_ASSESSMENT', assessment, elder.id],
    ]);
    // The certificate number contains the ID number: it is masked in the records as everywhere else.
    const cert = records.nodes.find((n: any) => n.kind === 'DISABILITY_CERTIFICATE').payload.certificateNumber;
    expect(cert).not.toContain(idNumber.slice(6, 14));
    expect(cert).toMatch(/\*/);
    expect(codeOf(await t.exec(town, ENROLL, { id: candidateId, input: { regionCode: REGIONS.villageA2 } }))).toBe('CONFLICT');
    // From now on, the agencies' records match the archive.
    const next = await sync(SYNC.healthCheck, health, [{ externalId: ext('TJ'), idNumber, checkedOn: '2026-11-10' }]);
    expect(next.results[0]).toMatchObject({ match: 'ELDER', elderId: elder.id });
    // The screen's total is a sum of counts kept by triggers: after syncs and an enrolment that placed the waiting
    // records in a village, it is the live count, for the whole jurisdiction and for one kind.
    expect(await t.sql(`select agency_id, region_code, kind, n::int from agency_record_count where n <> 0 order by 1, 2, 3`)).toEqual(
      await t.sql(`select agency_id, coalesce(region_code, '') as region_code, kind, count(*)::int as n from agency_record group by 1, 2, 3 order by 1, 2, 3`));
    for (const kind of [null, 'INCAPACITY_ASSESSMENT']) {
      const [live] = await t.sql<{ n: number }>(`select count(*)::int as n from agency_record where starts_with(coalesce(region_code, ''), $1) and ($2::text is null or kind = $2)`, [REGIONS.townA, kind]);
      expect(ok(await t.exec<any>(town, RECORDS, { filter: kind ? { kind } : null })).agencyRecords.totalCount).toBe(live!.n);
    }

    // Dismissing: a reason is required, then the candidate leaves the queue.
    const other = idNumberFor(birth(1949));
    const o = await sync(SYNC.housing, housing, [{ externalId: ext('FW'), idNumber: other, regionCode: REGIONS.villageA1, grade: 'D', appraisedOn: '2026-10-01' }]);
    const otherId = o.results[0]!.candidateId!;
    expect(otherId).toBeTruthy();
    const noReason = await t.exec(town, DISMISS, { id: otherId, reason: ' ' });
    expect(codeOf(noReason)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(noReason)).toEqual(['reason']);
    const dismissed = ok(await t.exec<any>(town, DISMISS, { id: otherId, reason: '已随子女长期在外地居住' })).dismissCandidate;
    expect(dismissed).toMatchObject({ id: otherId, status: 'DISMISSED', dismissReason: '已随子女长期在外地居住' });
    expect((await candidatesOf(town)).map((c) => c.id)).not.toContain(otherId);
    expect((await candidatesOf(town, 'DISMISSED')).map((c) => c.id)).toContain(otherId);
    expect(codeOf(await t.exec(town, DISMISS, { id: otherId, reason: '再次' }))).toBe('CONFLICT');
    // Partner agencies do not work the queue.
    expect(codeOf(await t.exec(health, CANDIDATES, {}))).toBe('FORBIDDEN');
  });
});

describe('API keys', () => {
  it('are created once (admin or the agency’s own user), work over HTTP, record their last use, and stop when revoked', async () => {
    const agencyId = disability.actor.agencyId!;
    const created = ok(await t.exec<any>(admin, CREATE_KEY, { agencyId, name: '残联业务系统' })).createApiClient;
    expect(created.key).toMatch(/^tfk_[A-Za-z0-9_-]{40,}$/);
    expect(created.client).toMatchObject({ agencyId, name: '残联业务系统', keyPrefix: created.key.slice(0, 12), lastUsedAt: null, revokedAt: null });
    // Stored hashed: no column holds the key.
    const [stored] = await t.sql<{ key_hash: string }>(`select key_hash from api_client where id = $1`, [created.client.id]);
    expect(stored!.key_hash).not.toContain(created.key.slice(4));
    expect(JSON.stringify(ok(await t.exec(admin, KEYS, { agencyId })))).not.toContain(created.key);

    const own = ok(await t.exec<any>(disability, CREATE_KEY, { agencyId, name: '残联备用系统' })).createApiClient;
    expect(own.key).not.toBe(created.key);
    // Another agency's user, a town operator: not theirs.
    const before = (await t.sql<{ n: number }>(`select count(*)::int as n from api_client`))[0]!.n;
    expect(codeOf(await t.exec(police, CREATE_KEY, { agencyId, name: '公安代建' }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(town, CREATE_KEY, { agencyId, name: '乡镇代建' }))).toBe('FORBIDDEN');
    expect((await t.sql<{ n: number }>(`select count(*)::int as n from api_client`))[0]!.n).toBe(before);
    expect(codeOf(await t.exec(police, KEYS, { agencyId }))).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(police, REVOKE, { id: own.client.id }))).toBe('NOT_FOUND');
    // Civil affairs has no keys: its people log in.
    const [civil] = await t.sql<{ id: string }>(`insert into agency (kind, name, region_code, created_at) values ('CIVIL_AFFAIRS', '民政局', $1, now()) returning id`, [REGIONS.city]);
    expect(codeOf(await t.exec(admin, CREATE_KEY, { agencyId: civil!.id, name: '民政系统' }))).toBe('BAD_USER_INPUT');

    const http = await t.listen();
    try {
      const elder = await elderAt(REGIONS.villageA1, { circumstances: ['LIVING_ALONE'] });
      const idNumber = elder.fullIdNumber;
      const id = ext('CJ');
      const body = await gqlHttp(http.url, SYNC.certificate, created.key, {
        batch: { idempotencyKey: 'http-1', records: [{ externalId: id, idNumber, certificateNumber: `${idNumber}21`, category: 'HEARING', grade: 1, issuedOn: '2026-10-01' }] },
      });
      expect(body.errors).toBeUndefined();
      expect(body.data.r.results).toEqual([{ externalId: id, status: 'CREATED', match: 'ELDER', elderId: elder.id, candidateId: null, errors: [] }]);
      const [batch] = await t.sql<{ agency_id: string; created_by: string }>(`select agency_id, created_by from sync_batch where idempotency_key = 'http-1'`);
      expect(batch).toEqual({ agency_id: agencyId, created_by: created.client.id });
      // The key acts as its agency: another agency's sync is FORBIDDEN.
      const death = await gqlHttp(http.url, SYNC.death, created.key, { batch: { idempotencyKey: 'http-2', records: [{ externalId: 'x', idNumber, diedOn: '2026-10-01' }] } });
      expect(death.errors![0]!.extensions.code).toBe('FORBIDDEN');

      const used = ok(await t.exec<any>(admin, KEYS, { agencyId })).apiClients.find((c: any) => c.id === created.client.id);
      expect(used.lastUsedAt).toBe(new Date(NOW).toISOString());
      expect(ok(await t.exec<any>(admin, KEYS, { agencyId })).apiClients.find((c: any) => c.id === own.client.id).lastUsedAt).toBeNull();
      // Recorded at most once a minute.
      t.clock.set('2026-11-15T02:00:30Z');
      await gqlHttp(http.url, `{ agencies { id } }`, created.key);
      expect((await t.sql<{ at: Date }>(`select last_used_at as at from api_client where id = $1`, [created.client.id]))[0]!.at.toISOString()).toBe(new Date(NOW).toISOString());
      t.clock.set('2026-11-15T02:05:00Z');
      expect((await gqlHttp(http.url, `{ agencies { id kind } }`, created.key)).data.agencies).toEqual([{ id: agencyId, kind: 'DISABILITY' }]);
      expect((await t.sql<{ at: Date }>(`select last_used_at as at from api_client where id = $1`, [created.client.id]))[0]!.at.toISOString()).toBe('2026-11-15T02:05:00.000Z');

      // A key syncs; it does not mint or revoke keys (a leaked key could otherwise outlive its revocation).
      const minted = await gqlHttp(http.url, CREATE_KEY, created.key, { agencyId, name: '自建密钥' });
      expect(minted.errors![0]!.extensions.code).toBe('FORBIDDEN');
      expect((await gqlHttp(http.url, REVOKE, created.key, { id: own.client.id })).errors![0]!.extensions.code).toBe('FORBIDDEN');
      expect((await t.sql<{ n: number }>(`select count(*)::int as n from api_client where agency_id = $1 and revoked_at is null`, [agencyId]))[0]!.n).toBe(2);

      // The agency revokes it: UNAUTHENTICATED from then on; the other key still works.
      const revoked = ok(await t.exec<any>(disability, REVOKE, { id: created.client.id })).revokeApiClient;
      expect(revoked.revokedAt).toBe('2026-11-15T02:05:00.000Z');
      const refused = await gqlHttp(http.url, SYNC.certificate, created.key, {
        batch: { idempotencyKey: 'http-3', records: [{ externalId: ext('CJ'), idNumber, certificateNumber: `${idNumber}21`, category: 'HEARING', grade: 1, issuedOn: '2026-10-01' }] },
      });
      expect(refused.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect(await t.sql(`select id from sync_batch where idempotency_key = 'http-3'`)).toEqual([]);
      expect((await gqlHttp(http.url, `{ agencies { id } }`, own.key)).data.agencies).toEqual([{ id: agencyId }]);
      // A made-up key is no better.
      expect((await gqlHttp(http.url, SYNC.certificate, `tfk_${'A'.repeat(43)}`, { batch: { idempotencyKey: 'x', records: [] } })).errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    } finally {
      t.clock.set(NOW);
      await http.close();
    }
  });
});
