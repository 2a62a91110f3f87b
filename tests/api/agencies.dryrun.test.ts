import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * `dryRun` on the agency sync mutations: the answer of a dry run is the answer a real run gives right after it (the
 * same statuses, matches, errors and counts; no batchId, no candidateId), and the dry run leaves every table a sync
 * can write exactly as it was. The real run that follows proves the same tables do move, so the "nothing written"
 * assertions can fail.
 */
const NOW = '2026-11-15T02:00:00Z';
const HISTORY = '2026-09-10T02:00:00Z';

const RESULT = `batchId idempotencyKey dryRun replayed received created updated unchanged rejected conflicts
  results { externalId status match elderId candidateId errors { field message messageEn } }`;
const INCAPACITY = `mutation($batch: IncapacityAssessmentBatch!) { syncIncapacityAssessments(batch: $batch) { ${RESULT} } }`;
const DEATH = `mutation($batch: DeathRegistrationBatch!) { syncDeathRegistrations(batch: $batch) { ${RESULT} } }`;

interface SyncRecordResult {
  externalId: string;
  status: string;
  match: string;
  elderId: string | null;
  candidateId: string | null;
  errors: { field: string; message: string; messageEn: string }[];
}
interface SyncResult {
  batchId: string | null;
  idempotencyKey: string;
  dryRun: boolean;
  replayed: boolean;
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  conflicts: number;
  results: SyncRecordResult[];
}

let t: TestApp;
let admin: TestUser;
let police: TestUser;
let health: TestUser;

let birthSeq = 0;
function birth(year: number): string {
  birthSeq++;
  return new Date(Date.UTC(year, 0, 1) + birthSeq * 86_400_000).toISOString().slice(0, 10);
}

async function elderAt(extra: Record<string, unknown> = {}): Promise<ElderData & { fullIdNumber: string }> {
  t.clock.set(HISTORY);
  try {
    return await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor(birth(1950)), ...extra });
  } finally {
    t.clock.set(NOW);
  }
}

async function run(as: TestUser, mutation: string, field: string, batch: Record<string, unknown>): Promise<SyncResult> {
  return ok(await t.exec<Record<string, SyncResult>>(as, mutation, { batch }))[field]!;
}

/** Every table a sync can write (audit rows of writes only: reads are audited whatever the call), and the archives' state. */
async function footprint(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, sql] of Object.entries({
    agency_record: 'select count(*)::int as n from agency_record',
    sync_batch: 'select count(*)::int as n from sync_batch',
    candidate: 'select count(*)::int as n from candidate',
    data_conflict: 'select count(*)::int as n from data_conflict',
    alert: 'select count(*)::int as n from alert',
    transfer: 'select count(*)::int as n from transfer',
    class_history: 'select count(*)::int as n from class_history',
    change_log: 'select count(*)::int as n from change_log',
    audit_writes: `select count(*)::int as n from audit_event where action not like '%READ%'`,
  })) {
    const [row] = await t.sql<{ n: number }>(sql);
    out[name] = row!.n;
  }
  out.archives = await t.sql(`select id, version, status, status_date::text, incapacity_level, circumstances from elder order by id`);
  return out;
}

/** A result without the ids a dry run cannot give (the batch, the candidate queued). */
const verdicts = (r: SyncResult) => ({
  idempotencyKey: r.idempotencyKey, received: r.received, created: r.created, updated: r.updated, unchanged: r.unchanged,
  rejected: r.rejected, conflicts: r.conflicts,
  results: r.results.map(({ candidateId: _c, ...rest }) => rest),
});

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  admin = await t.user('ADMIN', REGIONS.city);
  police = await t.user('POLICE', REGIONS.city);
  health = await t.user('HEALTH', REGIONS.city);
});
afterAll(() => t.close());

describe('dryRun on a sync mutation', () => {
  it('gives a real run’s verdicts (CREATED, REJECTED, CONFLICT, CANDIDATE, a reclassification, a data conflict) and writes nothing', async () => {
    const reclassified = await elderAt(); // no incapacity yet: FULL makes them incapacitated (class A)
    const byHand = await elderAt({ circumstances: ['INCAPACITATED'], incapacityLevel: 'PARTIAL' }); // FULL differs: a data conflict
    const unknownElder = idNumberFor(birth(1952)); // 74, not registered: a survey candidate
    const younger = idNumberFor(birth(1985)); // 41: never a candidate
    const badId = `${unknownElder.slice(0, 17)}${unknownElder.endsWith('0') ? '1' : '0'}`;
    // A stored version 2, so that version 1 below is CONFLICT.
    ok(await t.exec(health, INCAPACITY, { batch: { idempotencyKey: 'dry-prior', records: [
      { externalId: 'PG-OLD', idNumber: younger, sourceVersion: 2, level: 'PARTIAL', assessedOn: '2026-10-01' },
    ] } }));

    const records = [
      { externalId: 'PG-1', idNumber: reclassified.fullIdNumber, level: 'FULL', assessedOn: '2026-11-01' },
      { externalId: 'PG-2', idNumber: byHand.fullIdNumber, level: 'FULL', assessedOn: '2026-11-01' },
      { externalId: 'PG-3', idNumber: unknownElder, name: '谢桂英', regionCode: REGIONS.villageA2, level: 'PARTIAL', assessedOn: '2026-11-02' },
      { externalId: 'PG-4', idNumber: badId, level: 'FULL', assessedOn: '2026-11-01' },
      { externalId: 'PG-OLD', idNumber: younger, sourceVersion: 1, level: 'FULL', assessedOn: '2026-10-01' },
    ];
    const before = await footprint();
    const dry = await run(health, INCAPACITY, 'syncIncapacityAssessments', { idempotencyKey: 'dry-1', records, dryRun: true });
    expect(dry).toMatchObject({ batchId: null, dryRun: true, replayed: false, received: 5, created: 3, rejected: 1, conflicts: 1 });
    expect(dry.results.map((r) => [r.externalId, r.status, r.match, r.elderId, r.candidateId, r.errors.map((e) => e.field)])).toEqual([
      ['PG-1', 'CREATED', 'ELDER', reclassified.id, null, []],
      ['PG-2', 'CREATED', 'ELDER', byHand.id, null, []],
      ['PG-3', 'CREATED', 'CANDIDATE', null, null, []],
      ['PG-4', 'REJECTED', 'NONE', null, null, ['idNumber']],
      ['PG-OLD', 'CONFLICT', 'NONE', null, null, ['sourceVersion']],
    ]);
    expect(await footprint()).toEqual(before);

    // Nothing stored under the key either: the same dry run again is answered afresh, identically.
    const again = await run(health, INCAPACITY, 'syncIncapacityAssessments', { idempotencyKey: 'dry-1', records, dryRun: true });
    expect(again).toEqual(dry);
    expect(await footprint()).toEqual(before);

    // The real run under the same key: the same verdicts, and now every effect happens.
    const real = await run(health, INCAPACITY, 'syncIncapacityAssessments', { idempotencyKey: 'dry-1', records });
    expect(real).toMatchObject({ dryRun: false, replayed: false, batchId: expect.any(String) });
    expect(real.results[2]!.candidateId).toEqual(expect.any(String));
    expect(verdicts(real)).toEqual(verdicts(dry));
    const after = await footprint();
    expect(after).toMatchObject({
      agency_record: (before.agency_record as number) + 3,
      sync_batch: (before.sync_batch as number) + 1,
      candidate: (before.candidate as number) + 1,
      data_conflict: (before.data_conflict as number) + 1,
    });
    for (const table of ['class_history', 'change_log', 'audit_writes']) expect(after[table] as number).toBeGreaterThan(before[table] as number);
    const [archive] = await t.sql<{ incapacity_level: string | null; version: number }>(`select incapacity_level, version from elder where id = $1`, [reclassified.id]);
    expect(archive).toEqual({ incapacity_level: 'FULL', version: reclassified.version + 1 });

    // A dry run with a key already used answers as a replay would: the stored answer of the real run.
    const replay = await run(health, INCAPACITY, 'syncIncapacityAssessments', { idempotencyKey: 'dry-1', records, dryRun: true });
    expect(replay).toEqual({ ...real, replayed: true });
    expect(await footprint()).toEqual(after);
    // ... and with other records under it, CONFLICT as a real run would be.
    const other = await t.exec(health, INCAPACITY, { batch: { idempotencyKey: 'dry-1', records: records.slice(1), dryRun: true } });
    expect(other.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('a death registration: the dry run leaves the archive open, the real run closes it, with the same verdicts', async () => {
    const elder = await elderAt();
    const records = [
      { externalId: 'SW-1', idNumber: elder.fullIdNumber, diedOn: '2026-11-03', certificateNumber: 'SW-2026-1' },
      { externalId: 'SW-2', idNumber: elder.fullIdNumber, diedOn: '2026-13-01' },
    ];
    const before = await footprint();
    const dry = await run(police, DEATH, 'syncDeathRegistrations', { idempotencyKey: 'death-dry', records, dryRun: true });
    expect(dry.results.map((r) => [r.status, r.match, r.errors.map((e) => e.field)])).toEqual([['CREATED', 'ELDER', []], ['REJECTED', 'NONE', ['diedOn']]]);
    expect(await footprint()).toEqual(before);
    const [open] = await t.sql<{ status: string }>(`select status from elder where id = $1`, [elder.id]);
    expect(open!.status).toBe('ACTIVE');

    const real = await run(police, DEATH, 'syncDeathRegistrations', { idempotencyKey: 'death-dry', records });
    expect(verdicts(real)).toEqual(verdicts(dry));
    const [closed] = await t.sql<{ status: string; status_date: string }>(`select status, status_date::text from elder where id = $1`, [elder.id]);
    expect(closed).toEqual({ status: 'DECEASED', status_date: '2026-11-03' });
    expect((await footprint()).alert as number).toBeGreaterThan(before.alert as number);
  });
});
