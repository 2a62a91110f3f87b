import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';
import { UUID_V7_SQL } from '../../packages/api/src/db/migrations/Migration20261206025800_agency_record_time_ordered_ids.js';
import { withDeadlockRetry } from '../../packages/api/src/modules/agencies/sync.service.js';

/**
 * The generic sync engine of partner agencies (sync.service.ts): per-record validation in order, duplicates in a
 * batch, the (agency, kind, externalId) upsert with source versions, matching by ID number inside the agency's region,
 * idempotency keys with the stored answer, concurrent batches, scopes, and set-based SQL.
 */
const NOW = '2026-11-15T02:00:00Z'; // Sunday 15 November 2026, 10:00 in China
const HISTORY = '2026-09-10T02:00:00Z';
const DAY = '2026-10-01';
const EARLIER = '2026-09-20';
const FUTURE = '2026-11-16';

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let police: TestUser;
let health: TestUser;
let disability: TestUser;
let housing: TestUser;
let policeB: TestUser;

const RESULT = `batchId idempotencyKey replayed received created updated unchanged rejected conflicts
  results { externalId status match elderId candidateId errors { field message messageEn } }`;

interface SyncRecordResult {
  externalId: string;
  status: string;
  match: string;
  elderId: string | null;
  candidateId: string | null;
  errors: { field: string; message: string; messageEn: string }[];
}
interface SyncResult {
  batchId: string;
  idempotencyKey: string;
  replayed: boolean;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  conflicts: number;
  results: SyncRecordResult[];
}

type Agency = 'POLICE' | 'HEALTH' | 'DISABILITY' | 'HOUSING';

interface KindCase {
  kind: string;
  mutation: string;
  batchType: string;
  agency: Agency;
  /** The record's own date field. */
  dateField: string;
  /** The kind's own fields, valid, dated `date`. */
  fields: (idNumber: string, date: string) => Record<string, unknown>;
  /** Fields that break this kind's own validation, and the error fields expected. */
  invalid: (idNumber: string) => { fields: Record<string, unknown>; errors: string[] };
}

const LONG_NAME = { fields: { name: '名'.repeat(51) }, errors: ['name'] };

const KINDS: KindCase[] = [
  {
    kind: 'RESIDENCE_CHANGE', mutation: 'syncResidenceChanges', batchType: 'ResidenceChangeBatch', agency: 'POLICE', dateField: 'movedOn',
    fields: (_id, d) => ({ newRegionCode: REGIONS.villageA2, newAddress: '新安路1号', movedOn: d }),
    invalid: () => ({ fields: { newRegionCode: '44078300102' }, errors: ['newRegionCode'] }),
  },
  {
    kind: 'DEATH_REGISTRATION', mutation: 'syncDeathRegistrations', batchType: 'DeathRegistrationBatch', agency: 'POLICE', dateField: 'diedOn',
    fields: (_id, d) => ({ diedOn: d, certificateNumber: 'SW-001' }),
    invalid: () => ({ fields: { certificateNumber: 'x'.repeat(51) }, errors: ['certificateNumber'] }),
  },
  {
    kind: 'MISSING_PERSON', mutation: 'syncMissingPersonReports', batchType: 'MissingPersonReportBatch', agency: 'POLICE', dateField: 'reportedOn',
    fields: (_id, d) => ({ reportedOn: d, foundOn: null }),
    invalid: () => ({ fields: { foundOn: '2026-09-01' }, errors: ['foundOn'] }),
  },
  {
    kind: 'INCIDENT', mutation: 'syncIncidents', batchType: 'IncidentBatch', agency: 'POLICE', dateField: 'occurredOn',
    fields: (_id, d) => ({ incidentKind: 'FRAUD', occurredOn: d, summary: '冒充公检法电信诈骗' }),
    invalid: () => ({ fields: { summary: '   ' }, errors: ['summary'] }),
  },
  {
    kind: 'ANTI_FRAUD_OUTREACH', mutation: 'syncAntiFraudOutreach', batchType: 'AntiFraudOutreachBatch', agency: 'POLICE', dateField: 'deliveredOn',
    fields: (_id, d) => ({ deliveredOn: d, topic: '防范养老诈骗' }),
    invalid: () => ({ fields: { topic: '' }, errors: ['topic'] }),
  },
  {
    kind: 'FAMILY_PLANNING_SPECIAL', mutation: 'syncFamilyPlanningFamilies', batchType: 'FamilyPlanningFamilyBatch', agency: 'HEALTH', dateField: 'recognizedOn',
    fields: (_id, d) => ({ familyPlanningKind: 'ONLY_CHILD_DISABLED', recognizedOn: d }),
    invalid: () => LONG_NAME,
  },
  {
    kind: 'INCAPACITY_ASSESSMENT', mutation: 'syncIncapacityAssessments', batchType: 'IncapacityAssessmentBatch', agency: 'HEALTH', dateField: 'assessedOn',
    fields: (_id, d) => ({ level: 'PARTIAL', assessedOn: d }),
    invalid: () => LONG_NAME,
  },
  {
    kind: 'FAMILY_DOCTOR_CONTRACT', mutation: 'syncFamilyDoctorContracts', batchType: 'FamilyDoctorContractBatch', agency: 'HEALTH', dateField: 'signedOn',
    fields: (_id, d) => ({ doctorName: '李医生', signedOn: d, expiresOn: '2027-09-30' }),
    invalid: () => ({ fields: { expiresOn: DAY }, errors: ['expiresOn'] }),
  },
  {
    kind: 'HEALTH_CHECK', mutation: 'syncHealthChecks', batchType: 'HealthCheckBatch', agency: 'HEALTH', dateField: 'checkedOn',
    fields: (_id, d) => ({ checkedOn: d, summary: '血压偏高' }),
    invalid: () => ({ fields: { summary: '长'.repeat(501) }, errors: ['summary'] }),
  },
  {
    kind: 'CHRONIC_FOLLOW_UP', mutation: 'syncChronicFollowUps', batchType: 'ChronicFollowUpBatch', agency: 'HEALTH', dateField: 'followedOn',
    fields: (_id, d) => ({ disease: '高血压', followedOn: d }),
    invalid: () => ({ fields: { disease: ' ' }, errors: ['disease'] }),
  },
  {
    kind: 'DISABILITY_CERTIFICATE', mutation: 'syncDisabilityCertificates', batchType: 'DisabilityCertificateBatch', agency: 'DISABILITY', dateField: 'issuedOn',
    fields: (id, d) => ({ certificateNumber: `${id}43`, category: 'PHYSICAL', grade: 3, issuedOn: d, cancelledOn: null }),
    // The category digit says VISUAL (1) while the record says PHYSICAL (4).
    invalid: (id) => ({ fields: { certificateNumber: `${id}13` }, errors: ['certificateNumber'] }),
  },
  {
    kind: 'HOUSING_APPRAISAL', mutation: 'syncHousingAppraisals', batchType: 'HousingAppraisalBatch', agency: 'HOUSING', dateField: 'appraisedOn',
    fields: (_id, d) => ({ grade: 'B', appraisedOn: d }),
    invalid: () => LONG_NAME,
  },
  {
    kind: 'HOUSING_RENOVATION', mutation: 'syncHousingRenovations', batchType: 'HousingRenovationBatch', agency: 'HOUSING', dateField: 'updatedOn',
    fields: (_id, d) => ({ renovationKind: 'AGE_FRIENDLY', status: 'PLANNED', updatedOn: d }),
    invalid: () => LONG_NAME,
  },
];
const KIND = Object.fromEntries(KINDS.map((k) => [k.kind, k])) as Record<string, KindCase>;

const mutationOf = (k: KindCase) => `mutation($batch: ${k.batchType}!) { ${k.mutation}(batch: $batch) { ${RESULT} } }`;
const userOf = (agency: Agency): TestUser => ({ POLICE: police, HEALTH: health, DISABILITY: disability, HOUSING: housing })[agency];

async function sync(k: KindCase, idempotencyKey: string, records: Record<string, unknown>[], as: TestUser = userOf(k.agency)): Promise<GqlResult<Record<string, SyncResult>>> {
  return t.exec<Record<string, SyncResult>>(as, mutationOf(k), { batch: { idempotencyKey, records } });
}
async function syncOk(k: KindCase, idempotencyKey: string, records: Record<string, unknown>[], as?: TestUser): Promise<SyncResult> {
  return ok(await sync(k, idempotencyKey, records, as))[k.mutation]!;
}

/** A record of a kind: the common fields and the kind's own, valid unless overridden. */
function rec(k: KindCase, externalId: string, idNumber: string, extra: Record<string, unknown> = {}, date = DAY): Record<string, unknown> {
  return { externalId, idNumber, sourceVersion: 1, ...k.fields(idNumber, date), ...extra };
}

/** Results reduced to what the order assertions compare. */
const brief = (r: SyncRecordResult) => ({ externalId: r.externalId, status: r.status, match: r.match, errors: r.errors.map((e) => e.field).sort() });

let birthSeq = 0;
/** A distinct birth date on every call (ID numbers stay unique whatever the sequence does). */
function birth(year: number): string {
  birthSeq++;
  const d = new Date(Date.UTC(year, 0, 1) + birthSeq * 86_400_000);
  return d.toISOString().slice(0, 10);
}
function badCheckDigit(idNumber: string): string {
  const last = idNumber.slice(-1);
  return idNumber.slice(0, 17) + (last === '0' ? '1' : '0');
}

async function elderAt(regionCode: string = REGIONS.villageA1, extra: Record<string, unknown> = {}): Promise<ElderData & { fullIdNumber: string }> {
  t.clock.set(HISTORY);
  try {
    return await registerElder(t, admin, { name: '关国华', regionCode, idNumber: idNumberFor(birth(1950)), ...extra });
  } finally {
    t.clock.set(NOW);
  }
}

async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const [row] = await t.sql<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params);
  return row!.n;
}

/** Rows an agency sync can write, to prove a call wrote nothing. */
async function footprint(): Promise<Record<string, number>> {
  const tables = ['agency_record', 'sync_batch', 'alert', 'data_conflict', 'candidate', 'transfer', 'audit_event', 'class_history', 'change_log'];
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = await count(table);
  const [v] = await t.sql<{ n: number }>(`select coalesce(sum(version), 0)::int as n from elder`);
  out.elderVersions = v!.n;
  return out;
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  police = await t.user('POLICE', REGIONS.city);
  health = await t.user('HEALTH', REGIONS.city);
  disability = await t.user('DISABILITY', REGIONS.city);
  housing = await t.user('HOUSING', REGIONS.city);
  policeB = await t.user('POLICE', REGIONS.townB);
});
afterAll(() => t.close());

describe.each(KINDS)('$mutation', (k) => {
  it('answers each record in order: valid, invalid and duplicate records side by side; then versions decide', async () => {
    const p = k.kind.toLowerCase();
    const elder = await elderAt();
    const stranger = idNumberFor(birth(1981)); // 45: never a candidate
    const badId = badCheckDigit(idNumberFor(birth(1950)));
    const bad = k.invalid(stranger);

    const first = await syncOk(k, `${p}-1`, [
      rec(k, `${p}-1`, elder.fullIdNumber),
      rec(k, `${p}-2`, stranger, { name: '路人甲', regionCode: REGIONS.villageA2 }),
      rec(k, `${p}-3`, stranger, bad.fields),
      rec(k, `${p}-4`, stranger, { [k.dateField]: FUTURE }),
      rec(k, `${p}-5`, badId),
      rec(k, `${p}-1`, elder.fullIdNumber, {}, EARLIER),
      rec(k, `${p}-6`, stranger, { sourceVersion: 0, regionCode: '4407830010' }),
      rec(k, ' ', stranger),
    ]);
    expect(first.results.map(brief)).toEqual([
      { externalId: `${p}-1`, status: 'CREATED', match: 'ELDER', errors: [] },
      { externalId: `${p}-2`, status: 'CREATED', match: 'NONE', errors: [] },
      { externalId: `${p}-3`, status: 'REJECTED', match: 'NONE', errors: bad.errors },
      { externalId: `${p}-4`, status: 'REJECTED', match: 'NONE', errors: [k.dateField] },
      { externalId: `${p}-5`, status: 'REJECTED', match: 'NONE', errors: ['idNumber'] },
      { externalId: `${p}-1`, status: 'REJECTED', match: 'NONE', errors: ['externalId'] },
      { externalId: `${p}-6`, status: 'REJECTED', match: 'NONE', errors: ['regionCode', 'sourceVersion'] },
      { externalId: ' ', status: 'REJECTED', match: 'NONE', errors: ['externalId'] },
    ]);
    expect(first.results[0]!.elderId).toBe(elder.id);
    expect(first.results.slice(1).every((r) => r.elderId === null && r.candidateId === null)).toBe(true);
    expect(first).toMatchObject({ replayed: false, idempotencyKey: `${p}-1`, received: 8, created: 2, updated: 0, unchanged: 0, rejected: 6, conflicts: 0 });
    // Errors speak both languages.
    for (const e of first.results.flatMap((r) => r.errors)) {
      expect(e.message.length).toBeGreaterThan(0);
      expect(e.messageEn.length).toBeGreaterThan(0);
    }

    const agencyId = userOf(k.agency).actor.agencyId;
    const stored = await t.sql<{ external_id: string; elder_id: string | null; source_version: number; effective_on: string; agency_kind: string; batch_id: string; region_code: string | null }>(
      `select external_id, elder_id, source_version, to_char(effective_on, 'YYYY-MM-DD') as effective_on, agency_kind, batch_id, region_code
         from agency_record where agency_id = $1 and kind = $2 order by external_id`,
      [agencyId, k.kind],
    );
    expect(stored).toEqual([
      { external_id: `${p}-1`, elder_id: elder.id, source_version: 1, effective_on: DAY, agency_kind: k.agency, batch_id: first.batchId, region_code: REGIONS.villageA1 },
      { external_id: `${p}-2`, elder_id: null, source_version: 1, effective_on: DAY, agency_kind: k.agency, batch_id: first.batchId, region_code: REGIONS.villageA2 },
    ]);

    // A higher version updates, the same version and content is unchanged, a record fixed since is created.
    const second = await syncOk(k, `${p}-2`, [
      rec(k, `${p}-1`, elder.fullIdNumber, { sourceVersion: 2 }, EARLIER),
      rec(k, `${p}-2`, stranger, { name: '路人甲', regionCode: REGIONS.villageA2 }),
      rec(k, `${p}-3`, stranger),
    ]);
    expect(second.results.map(brief)).toEqual([
      { externalId: `${p}-1`, status: 'UPDATED', match: 'ELDER', errors: [] },
      { externalId: `${p}-2`, status: 'UNCHANGED', match: 'NONE', errors: [] },
      { externalId: `${p}-3`, status: 'CREATED', match: 'NONE', errors: [] },
    ]);
    expect(second).toMatchObject({ received: 3, created: 1, updated: 1, unchanged: 1, rejected: 0, conflicts: 0 });

    // An older version, or the same version with other content, is a conflict and overwrites nothing.
    const third = await syncOk(k, `${p}-3`, [
      rec(k, `${p}-1`, elder.fullIdNumber, { sourceVersion: 1 }),
      rec(k, `${p}-2`, stranger, { name: '路人乙', regionCode: REGIONS.villageA2 }),
      rec(k, `${p}-3`, stranger, {}, EARLIER),
      rec(k, `${p}-2`, stranger),
    ]);
    expect(third.results.map(brief)).toEqual([
      { externalId: `${p}-1`, status: 'CONFLICT', match: 'ELDER', errors: ['sourceVersion'] },
      { externalId: `${p}-2`, status: 'CONFLICT', match: 'NONE', errors: ['sourceVersion'] },
      { externalId: `${p}-3`, status: 'CONFLICT', match: 'NONE', errors: ['sourceVersion'] },
      { externalId: `${p}-2`, status: 'REJECTED', match: 'NONE', errors: ['externalId'] },
    ]);
    expect(third).toMatchObject({ received: 4, created: 0, updated: 0, unchanged: 0, rejected: 1, conflicts: 3 });
    expect(third.results[0]!.errors[0]!.messageEn).toContain('Stored version is 2');

    const after = await t.sql<{ external_id: string; source_version: number; effective_on: string; name: string | null; batch_id: string; payload: Record<string, unknown> }>(
      `select external_id, source_version, to_char(effective_on, 'YYYY-MM-DD') as effective_on, name, batch_id, payload
         from agency_record where agency_id = $1 and kind = $2 order by external_id`,
      [agencyId, k.kind],
    );
    expect(after.map((r) => [r.external_id, r.source_version, r.effective_on, r.name, r.batch_id])).toEqual([
      [`${p}-1`, 2, EARLIER, null, second.batchId],
      [`${p}-2`, 1, DAY, '路人甲', first.batchId],
      [`${p}-3`, 1, DAY, null, second.batchId],
    ]);
    expect(after[0]!.payload[k.dateField]).toBe(EARLIER);
    expect(await count('sync_batch', 'agency_id = $1 and kind = $2', [agencyId, k.kind])).toBe(3);
  });
});

describe('validation details', () => {
  const cert = KIND.DISABILITY_CERTIFICATE!;

  it('a disability certificate number is the ID number plus the category and grade digits, 20 characters', async () => {
    const a = idNumberFor(birth(1981));
    const b = idNumberFor(birth(1981));
    let withX = idNumberFor(birth(1980));
    while (!withX.endsWith('X')) withX = idNumberFor(birth(1980));
    const r = await syncOk(cert, 'cert-details', [
      rec(cert, 'cd-1', a, { certificateNumber: `${a}42`, grade: 2 }),
      rec(cert, 'cd-2', a, { certificateNumber: `${b}43` }), // another person's ID number
      rec(cert, 'cd-3', a, { certificateNumber: `${a}4` }), // 19 characters
      rec(cert, 'cd-4', a, { certificateNumber: `${a}44` }), // grade digit 4, grade 3
      rec(cert, 'cd-5', a, { certificateNumber: `${a}45`, grade: 5 }),
      rec(cert, 'cd-6', a, { certificateNumber: `${a}73`, category: 'MULTIPLE' }),
      rec(cert, 'cd-7', a, { issuedOn: DAY, cancelledOn: EARLIER }),
      rec(cert, 'cd-8', a, { cancelledOn: FUTURE }),
      rec(cert, 'cd-9', withX.toLowerCase(), { certificateNumber: `${withX.toLowerCase()}43` }),
    ]);
    expect(r.results.map((x) => [x.externalId, x.status, x.errors.map((e) => e.field).sort()])).toEqual([
      ['cd-1', 'CREATED', []],
      ['cd-2', 'REJECTED', ['certificateNumber']],
      ['cd-3', 'REJECTED', ['certificateNumber']],
      ['cd-4', 'REJECTED', ['certificateNumber']],
      ['cd-5', 'REJECTED', ['grade']],
      ['cd-6', 'CREATED', []],
      ['cd-7', 'REJECTED', ['cancelledOn']],
      ['cd-8', 'REJECTED', ['cancelledOn']],
      // A check digit X may come in lower case, in the ID number and in the certificate number.
      ['cd-9', 'CREATED', []],
    ]);
    const [row] = await t.sql<{ payload: Record<string, unknown> }>(`select payload from agency_record where external_id = 'cd-1'`);
    expect(row!.payload).toMatchObject({ certificateNumber: `${a}42`, category: 'PHYSICAL', grade: 2, issuedOn: DAY, cancelledOn: null });
  });

  it('a wrongly typed date or an unknown enumerated value rejects only its own record, never the batch', async () => {
    const a = idNumberFor(birth(1982));
    const r = await syncOk(cert, 'cert-typed', [
      rec(cert, 'ct-1', a, { certificateNumber: `${a}42`, grade: 2 }),
      rec(cert, 'ct-2', a, { issuedOn: '2026/10/01' }),
      rec(cert, 'ct-3', a, { category: 'PHYSICALLY', certificateNumber: `${a}41` }),
      rec(cert, 'ct-4', a, { issuedOn: '2026-02-30' }),
    ]);
    expect(r.results.map((x) => [x.externalId, x.status, x.errors.map((e) => e.field).sort()])).toEqual([
      ['ct-1', 'CREATED', []],
      ['ct-2', 'REJECTED', ['issuedOn']],
      ['ct-3', 'REJECTED', ['category', 'certificateNumber']],
      ['ct-4', 'REJECTED', ['issuedOn']],
    ]);
  });

  it('normalises the ID number (surrounding spaces, lower case) before matching, and a record about someone outside the agency’s region matches nothing', async () => {
    const k = KIND.ANTI_FRAUD_OUTREACH!;
    const elder = await elderAt(REGIONS.villageA1);
    const spaced = ` ${elder.fullIdNumber.toLowerCase()} `;
    const r = await syncOk(k, 'normalise', [rec(k, 'norm-1', spaced)]);
    expect(r.results.map(brief)).toEqual([{ externalId: 'norm-1', status: 'CREATED', match: 'ELDER', errors: [] }]);
    expect(r.results[0]!.elderId).toBe(elder.id);

    // The police of town B do not match an archive of town A, and do not make a candidate of them either.
    const b = await syncOk(k, 'town-b', [rec(k, 'norm-1', elder.fullIdNumber)], policeB);
    expect(b.results.map(brief)).toEqual([{ externalId: 'norm-1', status: 'CREATED', match: 'NONE', errors: [] }]);
    const [row] = await t.sql<{ elder_id: string | null }>(`select elder_id from agency_record where agency_id = $1 and external_id = 'norm-1'`, [policeB.actor.agencyId]);
    expect(row!.elder_id).toBeNull();
  });

  it('the same version with the same content but about another person is a conflict, not unchanged', async () => {
    const k = KIND.CHRONIC_FOLLOW_UP!;
    const one = idNumberFor(birth(1981));
    const other = idNumberFor(birth(1981));
    await syncOk(k, 'person-1', [rec(k, 'person-x', one)]);
    const r = await syncOk(k, 'person-2', [rec(k, 'person-x', other)]);
    expect(r.results.map(brief)).toEqual([{ externalId: 'person-x', status: 'CONFLICT', match: 'NONE', errors: ['sourceVersion'] }]);
    const [row] = await t.sql<{ id_number: string }>(`select id_number from agency_record where agency_id = $1 and external_id = 'person-x'`, [health.actor.agencyId]);
    expect(row!.id_number).toBe(one);
  });

  it('a rejected duplicate of a record that made a candidate is answered as not matched', async () => {
    const k = KIND.INCAPACITY_ASSESSMENT!;
    const person = idNumberFor(birth(1950));
    const r = await syncOk(k, 'dup-candidate', [
      rec(k, 'dupc-1', person, { level: 'FULL', regionCode: REGIONS.villageA1 }),
      rec(k, 'dupc-1', person, { level: 'FULL', regionCode: REGIONS.villageA1 }),
    ]);
    expect(r.results.map(brief)).toEqual([
      { externalId: 'dupc-1', status: 'CREATED', match: 'CANDIDATE', errors: [] },
      { externalId: 'dupc-1', status: 'REJECTED', match: 'NONE', errors: ['externalId'] },
    ]);
    expect(r.results[0]!.candidateId).toBeTruthy();
    expect(r.results[1]!.candidateId).toBeNull();
  });

  it('refuses an empty batch, an empty or too long key, and 5,001 records, writing nothing', async () => {
    const k = KIND.HEALTH_CHECK!;
    const before = await footprint();
    const person = idNumberFor(birth(1981));
    const empty = await sync(k, 'empty', []);
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(empty)).toEqual(['records']);
    const noKey = await sync(k, '  ', [rec(k, 'k-1', person)]);
    expect(codeOf(noKey)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(noKey)).toEqual(['idempotencyKey']);
    expect(codeOf(await sync(k, 'k'.repeat(101), [rec(k, 'k-1', person)]))).toBe('BAD_USER_INPUT');

    const records = Array.from({ length: 5001 }, (_, i) => rec(k, `big-${i}`, person));
    const tooMany = await sync(k, 'too-many', records);
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(tooMany)).toEqual(['records']);
    expect(tooMany.errors![0]!.message).toContain('5001');
    expect(await footprint()).toEqual(before);
  });
});

describe('idempotency', () => {
  const k = KIND.DEATH_REGISTRATION!;

  it('a replay with the same key returns the stored answer and writes nothing more', async () => {
    const elder = await elderAt();
    const stranger = idNumberFor(birth(1981));
    const records = [rec(k, 'idem-1', elder.fullIdNumber), rec(k, 'idem-2', stranger), rec(k, 'idem-3', stranger, { diedOn: FUTURE })];
    const first = await syncOk(k, 'idem-key', records);
    expect(first.replayed).toBe(false);
    expect(first).toMatchObject({ created: 2, rejected: 1 });
    const after = await footprint();
    // The death closed the archive and raised an alert: a replay must not do it again.
    expect(await count('alert', `elder_id = $1 and rule_code = 'DEATH_REGISTERED'`, [elder.id])).toBe(1);

    // Later, with the clock moved on: the same answer, flagged as a replay.
    t.clock.set('2026-11-15T08:00:00Z');
    try {
      const again = await sync(k, 'idem-key', records);
      expect(ok(again)[k.mutation]).toEqual({ ...first, replayed: true });
      // Keys are trimmed; field order does not matter.
      const reordered = records.map((r) => Object.fromEntries(Object.entries(r).reverse()));
      expect(await syncOk(k, ' idem-key ', reordered)).toEqual({ ...first, replayed: true });
    } finally {
      t.clock.set(NOW);
    }
    expect(await footprint()).toEqual(after);
  });

  it('the same key with another payload, or for another kind, is CONFLICT and writes nothing', async () => {
    const stranger = idNumberFor(birth(1981));
    await syncOk(k, 'reused-key', [rec(k, 'reuse-1', stranger)]);
    const before = await footprint();
    const other = await sync(k, 'reused-key', [rec(k, 'reuse-1', stranger, { diedOn: EARLIER })]);
    expect(codeOf(other)).toBe('CONFLICT');
    expect(other.errors![0]!.extensions?.field).toBe('idempotencyKey');
    const more = await sync(k, 'reused-key', [rec(k, 'reuse-1', stranger), rec(k, 'reuse-2', stranger)]);
    expect(codeOf(more)).toBe('CONFLICT');
    // The key belongs to the agency, whatever the kind.
    const outreach = KIND.ANTI_FRAUD_OUTREACH!;
    expect(codeOf(await sync(outreach, 'reused-key', [rec(outreach, 'reuse-1', stranger)]))).toBe('CONFLICT');
    expect(await footprint()).toEqual(before);

    // Keys are per agency: another agency may use the same one.
    const check = KIND.HEALTH_CHECK!;
    expect((await syncOk(check, 'reused-key', [rec(check, 'reuse-1', stranger)])).replayed).toBe(false);
  });

  it('the same batch sent twice at once is processed once; the twin gets the stored answer', async () => {
    const stranger = idNumberFor(birth(1981));
    const records = Array.from({ length: 50 }, (_, i) => rec(k, `twin-${i}`, stranger));
    const before = await count('agency_record');
    const [a, b] = await Promise.all([sync(k, 'twin-key', records), sync(k, 'twin-key', records)]);
    const ra = ok(a)[k.mutation]!;
    const rb = ok(b)[k.mutation]!;
    expect([ra.replayed, rb.replayed].sort()).toEqual([false, true]);
    expect({ ...ra, replayed: false }).toEqual({ ...rb, replayed: false });
    expect(ra.created).toBe(50);
    expect(await count('agency_record')).toBe(before + 50);
    expect(await count('sync_batch', 'idempotency_key = $1', ['twin-key'])).toBe(1);
  });
});

describe('concurrent batches', () => {
  it('two batches with different keys on the same records end with one row per externalId and the highest version', async () => {
    const k = KIND.HEALTH_CHECK!;
    const people = Array.from({ length: 100 }, () => idNumberFor(birth(1960)));
    const version = (batch: 'a' | 'b', i: number) => ((i % 2 === 0) === (batch === 'a') ? 3 : 1);
    const batch = (b: 'a' | 'b') =>
      people.map((id, i) => rec(k, `conc-${i}`, id, { sourceVersion: version(b, i), summary: `v${version(b, i)}` }, version(b, i) === 3 ? DAY : EARLIER));
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([sync(k, `conc-a-${round}`, batch('a')), sync(k, `conc-b-${round}`, batch('b'))]);
      const ra = ok(a)[k.mutation]!;
      const rb = ok(b)[k.mutation]!;
      for (let i = 0; i < people.length; i++) {
        const [high, low] = version('a', i) === 3 ? [ra.results[i]!, rb.results[i]!] : [rb.results[i]!, ra.results[i]!];
        if (round === 0) {
          // Whichever ran first created the row; the v3 record was created or updated, the v1 created or refused.
          expect(['CREATED', 'UPDATED']).toContain(high.status);
          expect(['CREATED', 'CONFLICT']).toContain(low.status);
          expect([high.status, low.status].filter((s) => s === 'CREATED')).toHaveLength(1);
        } else {
          expect([high.status, low.status]).toEqual(['UNCHANGED', 'CONFLICT']);
        }
      }
      const rows = await t.sql<{ external_id: string; n: number; source_version: number; summary: string; effective_on: string }>(
        `select external_id, count(*) over (partition by external_id)::int as n, source_version, payload->>'summary' as summary,
                to_char(effective_on, 'YYYY-MM-DD') as effective_on
           from agency_record where agency_id = $1 and kind = $2 and external_id like 'conc-%'`,
        [health.actor.agencyId, k.kind],
      );
      expect(rows).toHaveLength(100);
      expect(rows.every((r) => r.n === 1 && r.source_version === 3 && r.summary === 'v3' && r.effective_on === DAY)).toBe(true);
    }
  });

  it('a record written by a transaction still open when the batch read is answered from the row that commits', async () => {
    // Batches of one agency no longer wait for each other: the outcome comes from the write, not from the snapshot.
    const k = KIND.HEALTH_CHECK!;
    const person = idNumberFor(birth(1971));
    const other = new pg.Client({ connectionString: t.dbUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(
        `insert into agency_record (agency_id, agency_kind, kind, external_id, id_number, region_code, county_code, effective_on, source_version,
                                    payload, payload_hash, batch_id, received_at, updated_at)
         select $1, 'HEALTH', 'HEALTH_CHECK', x.id, $2, $3::text, left($3::text, 6), $4::date, x.v, '{}', 'other', gen_random_uuid(), now(), now()
           from (values ('meanwhile-older', 1), ('meanwhile-newer', 5)) as x(id, v)`,
        [health.actor.agencyId, person, REGIONS.villageA1, EARLIER],
      );
      const pending = syncOk(k, 'meanwhile', ['meanwhile-older', 'meanwhile-newer', 'meanwhile-new'].map((id) => rec(k, id, person, { sourceVersion: 2 })));
      // The batch's upsert waits on the open rows.
      await waitFor(async () => (await count('pg_stat_activity', `datname = $1 and wait_event_type = 'Lock'`, [t.dbName])) > 0);
      await other.query('commit');
      const r = await pending;
      expect(r.results.map((x) => [x.externalId, x.status])).toEqual([
        ['meanwhile-older', 'UPDATED'], ['meanwhile-newer', 'CONFLICT'], ['meanwhile-new', 'CREATED'],
      ]);
      expect(r.results[1]!.errors[0]!.message).toContain('已存版本为 5');
      expect([r.created, r.updated, r.conflicts]).toEqual([1, 1, 1]);
      const rows = await t.sql<{ external_id: string; source_version: number }>(
        `select external_id, source_version from agency_record where external_id like 'meanwhile-%' order by external_id`,
      );
      expect(rows).toEqual([
        { external_id: 'meanwhile-new', source_version: 2 }, { external_id: 'meanwhile-newer', source_version: 5 }, { external_id: 'meanwhile-older', source_version: 2 },
      ]);
    } finally {
      await other.end();
    }
  });

  it('a health check updated while a death of the person is being registered waits for it and is a DEATH_VS_ACTIVITY conflict', async () => {
    const k = KIND.HEALTH_CHECK!;
    const person = await elderAt();
    // Version 1 first: version 2 then updates the record, which takes no foreign-key lock on the archive.
    await syncOk(k, 'race-1', [rec(k, 'race-check', person.fullIdNumber)]);
    const death = new pg.Client({ connectionString: t.dbUrl });
    await death.connect();
    try {
      // The archive closed as deceased (as by hand, or by a registered death), in a transaction still open.
      await death.query('begin');
      await death.query(`update elder set status = 'DECEASED', status_date = $2, status_reason = '公安死亡登记（测试）' where id = $1`, [person.id, EARLIER]);
      const pending = syncOk(k, 'race-2', [rec(k, 'race-check', person.fullIdNumber, { sourceVersion: 2 })]);
      await waitFor(async () => (await count('pg_stat_activity', `datname = $1 and wait_event_type = 'Lock'`, [t.dbName])) > 0);
      await death.query('commit');
      expect((await pending).updated).toBe(1);
    } finally {
      await death.end();
    }
    expect(await count('data_conflict', `elder_id = $1 and kind = 'DEATH_VS_ACTIVITY'`, [person.id])).toBe(1);
  });

  it('batches of one agency about the same people and records, in opposite orders, run side by side without a deadlock', async () => {
    const [before] = await t.sql<{ n: number }>(`select deadlocks::int as n from pg_stat_database where datname = $1`, [t.dbName]);
    const people = await Promise.all(Array.from({ length: 12 }, () => elderAt()));
    const checks = KIND.HEALTH_CHECK!;
    const certs = KIND.DISABILITY_CERTIFICATE!;
    for (let round = 0; round < 3; round++) {
      const batch = (k: KindCase, v: number) => people.map((p, i) => rec(k, `both-${k.kind}-${i}`, p.fullIdNumber, { sourceVersion: v }));
      const forward = (k: KindCase) => batch(k, 2 * round + 1);
      const backward = (k: KindCase) => batch(k, 2 * round + 2).reverse();
      const answers = await Promise.all([
        sync(checks, `both-c-f-${round}`, forward(checks)), sync(checks, `both-c-b-${round}`, backward(checks)),
        sync(certs, `both-d-f-${round}`, forward(certs)), sync(certs, `both-d-b-${round}`, backward(certs)),
      ]);
      for (const a of answers) expect(a.errors).toBeUndefined();
      const stored = await t.sql<{ v: number }>(`select distinct source_version as v from agency_record where external_id like 'both-%'`);
      expect(stored).toEqual([{ v: 2 * round + 2 }]);
    }
    // A deadlock broken by PostgreSQL (and retried by the service) is counted here, even when the answers are right.
    await new Promise((r) => setTimeout(r, 1_200));
    const [after] = await t.sql<{ n: number }>(`select deadlocks::int as n from pg_stat_database where datname = $1`, [t.dbName]);
    expect(after!.n).toBe(before!.n);
  });
});

describe('a deadlock', () => {
  it('cancels the transaction and it runs again, at most three times; any other error is not retried', async () => {
    // As the driver raises it (the ORM's DeadlockException carries the same code).
    const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });
    let calls = 0;
    expect(await withDeadlockRetry(async () => (++calls < 3 ? Promise.reject(deadlock()) : 'done'))).toBe('done');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withDeadlockRetry(async () => { calls++; throw deadlock(); })).rejects.toThrow('deadlock detected');
    expect(calls).toBe(3);
    calls = 0;
    await expect(withDeadlockRetry(async () => { calls++; throw new Error('other'); })).rejects.toThrow('other');
    expect(calls).toBe(1);
  });
});

describe('record ids', () => {
  it('are time-ordered UUIDs (version 7), from uuidv7() and from the form built for PostgreSQL 15 to 17 alike', async () => {
    const k = KIND.HEALTH_CHECK!;
    const person = idNumberFor(birth(1972));
    await syncOk(k, 'v7-a', [rec(k, 'v7-1', person)]);
    await new Promise((r) => setTimeout(r, 5));
    await syncOk(k, 'v7-b', [rec(k, 'v7-2', person)]);
    const rows = await t.sql<{ external_id: string; id: string; version: number; at: Date; received_at: Date }>(
      `select external_id, id::text, uuid_extract_version(id) as version, uuid_extract_timestamp(id) as at, received_at
         from agency_record where external_id in ('v7-1', 'v7-2') order by id`,
    );
    expect(rows.map((r) => [r.external_id, r.version])).toEqual([['v7-1', 7], ['v7-2', 7]]);
    // The clock in the id is the database server's (the app's clock is set to a test day here).
    for (const r of rows) expect(Math.abs(r.at.getTime() - Date.now())).toBeLessThan(60_000);
    const built = await t.sql<{ id: string; version: number; variant: string; at: Date; now: Date }>(
      `select id::text, uuid_extract_version(id) as version, substr(id::text, 20, 1) as variant, uuid_extract_timestamp(id) as at, clock_timestamp() as now
         from (${UUID_V7_SQL} as id) x`,
    );
    expect(built[0]!.version).toBe(7);
    expect(['8', '9', 'a', 'b']).toContain(built[0]!.variant);
    expect(Math.abs(built[0]!.at.getTime() - built[0]!.now.getTime())).toBeLessThan(1_000);
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('who may sync', () => {
  it('only the owning agency: another agency kind, civil affairs and a village worker are FORBIDDEN; nobody logged in is UNAUTHENTICATED', async () => {
    const worker = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
    const integrator = await t.user('INTEGRATOR', REGIONS.city);
    const person = idNumberFor(birth(1950));
    const before = await footprint();
    for (const k of KINDS) {
      const others = (['POLICE', 'HEALTH', 'DISABILITY', 'HOUSING'] as Agency[]).filter((a) => a !== k.agency).map(userOf);
      for (const as of [...others, admin, town, worker, integrator]) {
        const r = await sync(k, `forbidden-${k.kind}`, [rec(k, 'forbidden-1', person)], as);
        expect(codeOf(r), `${as.actor.role} calling ${k.mutation}`).toBe('FORBIDDEN');
        expect(r.data).toBeNull();
      }
      expect(codeOf(await sync(k, `anon-${k.kind}`, [rec(k, 'anon-1', person)], null as never))).toBe('UNAUTHENTICATED');
    }
    expect(await footprint()).toEqual(before);
  });
});

describe('set-based writes', () => {
  it('a batch runs the same number of SQL statements for 10 and for 200 records (unmatched records)', async () => {
    const k = KIND.ANTI_FRAUD_OUTREACH!;
    const batchOf = (n: number, tag: string) => Array.from({ length: n }, (_, i) => rec(k, `${tag}-${i}`, idNumberFor(birth(1975))));
    const small = await sync(k, 'sql-small', batchOf(10, 'sqls'));
    const largeRecords = batchOf(200, 'sqll');
    const large = await sync(k, 'sql-large', largeRecords);
    expect(ok(small)[k.mutation]!.created).toBe(10);
    expect(ok(large)[k.mutation]!.created).toBe(200);
    expect(large.sqlStatements).toBe(small.sqlStatements);
    expect(small.sqlStatements).toBeLessThanOrEqual(15);
    // A replay is a read or two whatever the size.
    const replay = await sync(k, 'sql-large', largeRecords);
    expect(ok(replay)[k.mutation]!.replayed).toBe(true);
    expect(replay.sqlStatements).toBeLessThanOrEqual(2);
  });

  it('…and with effects: archives updated, reclassified and audited, candidates queued, then version updates, for 10 and 200 records', async () => {
    const k = KIND.INCAPACITY_ASSESSMENT!;
    const elders: string[] = [];
    for (let i = 0; i < 105; i++) elders.push((await elderAt(REGIONS.villageA2, { circumstances: ['LIVING_ALONE'] })).fullIdNumber);
    const batchOf = (ids: string[], tag: string, strangers: number) => [
      ...ids.map((id, i) => rec(k, `${tag}-e${i}`, id, { level: 'FULL' })),
      ...Array.from({ length: strangers }, (_, i) => rec(k, `${tag}-s${i}`, idNumberFor(birth(1950)), { level: 'FULL', regionCode: REGIONS.villageA2 })),
    ];
    const small = await sync(k, 'fx-small', batchOf(elders.slice(0, 5), 'fxs', 5));
    const large = await sync(k, 'fx-large', batchOf(elders.slice(5), 'fxl', 100));
    const rs = ok(small)[k.mutation]!;
    const rl = ok(large)[k.mutation]!;
    expect([rs.received, rs.created]).toEqual([10, 10]);
    expect([rl.received, rl.created]).toEqual([200, 200]);
    expect(rl.results.filter((r) => r.match === 'ELDER')).toHaveLength(100);
    expect(rl.results.filter((r) => r.match === 'CANDIDATE')).toHaveLength(100);
    expect(large.sqlStatements).toBe(small.sqlStatements);
    expect(await count('elder', `incapacity_level = 'FULL' and computed_class = 'A' and region_code = $1`, [REGIONS.villageA2])).toBe(105);

    // Version bumps that now say NONE: archives updated back, same statement count.
    const down = (ids: string[], tag: string) => ids.map((id, i) => rec(k, `${tag}-e${i}`, id, { level: 'NONE', sourceVersion: 2 }));
    const small2 = await sync(k, 'fx-small-2', down(elders.slice(0, 5), 'fxs'));
    const large2 = await sync(k, 'fx-large-2', down(elders.slice(5), 'fxl'));
    expect(ok(large2)[k.mutation]!.updated).toBe(100);
    expect(large2.sqlStatements).toBe(small2.sqlStatements);
    expect(await count('elder', `incapacity_level is null and computed_class = 'C' and region_code = $1`, [REGIONS.villageA2])).toBe(105);
  });

  it('5,000 records load in one call and replay fast (records per second printed)', async () => {
    const k = KIND.FAMILY_DOCTOR_CONTRACT!;
    const records = Array.from({ length: 5000 }, (_, i) => rec(k, `bulk-${i}`, idNumberFor(birth(1950)), { regionCode: REGIONS.villageB1 }));
    let started = performance.now();
    const first = await sync(k, 'bulk-5000', records);
    const loadMs = performance.now() - started;
    expect(ok(first)[k.mutation]!.created).toBe(5000);
    started = performance.now();
    const replay = await sync(k, 'bulk-5000', records);
    const replayMs = performance.now() - started;
    expect(ok(replay)[k.mutation]!.replayed).toBe(true);
    expect(await count('agency_record', `kind = $1 and external_id like 'bulk-%'`, [k.kind])).toBe(5000);
    expect(first.sqlStatements).toBeLessThanOrEqual(20);
    console.log(`[sync 5,000] first load ${loadMs.toFixed(0)} ms (${Math.round(5000 / (loadMs / 1000))} records/s), replay ${replayMs.toFixed(0)} ms (${Math.round(5000 / (replayMs / 1000))} records/s), ${first.sqlStatements} SQL statements`);
  }, 120_000);
});
