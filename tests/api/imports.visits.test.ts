import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';
import { refreshRollups } from '../../packages/api/src/modules/reports/reports.rollup.js';

/**
 * importVisits (issue 13, item 2): historical visit ledgers. The clock is 2026-11-15 10:00 in China; archives are
 * registered in August unless a test says otherwise.
 */
const NOW = '2026-11-15T02:00:00Z';
const AUGUST = '2026-08-05T02:00:00Z';

const RESULT = `batchId idempotencyKey dryRun replayed received created exists rejected
  records { index sourceRef status elderId elderName visitId visitorId warnings { field message messageEn } errors { field message messageEn } }`;
const IMPORT = `mutation($batch: VisitImportBatch!) { importVisits(batch: $batch) { ${RESULT} } }`;
const ELDER_VISITS = `query($id: ID!) { elder(id: $id) { visits(first: 50) { nodes {
  id seq visitedOn visitedAt method visitorNameAsWritten visitor { id name } enteredBy alertIds
  disease diseaseName mood careServices { kind content deliveredOn } } } } }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id seq alertIds } }`;
const CREATE_VISITOR = `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id name } }`;
const CHANGES = `query($since: String, $first: Int) { changes(since: $since, first: $first) { entries { entity entityId elderId op } endCursor hasMore } }`;
const REPORT = `query($regionCode: String, $period: String!) { report(regionCode: $regionCode, period: $period) {
  asOf figures { visits visitsByMethod { key count } visitRate { numerator denominator rate } }
  children { region { code } figures { visits visitRate { numerator denominator } } } } }`;
const VISIT_RATE = `query($period: PeriodInput!, $regionCode: String) { visitRate(period: $period, regionCode: $regionCode) { numerator denominator } }`;
const COMPLIANCE = `query($id: ID!, $asOf: Date) { elder(id: $id) { compliance(asOf: $asOf) { met overdue requirements { counted met } } } }`;

interface RecordResult {
  index: number;
  sourceRef: string | null;
  status: 'CREATED' | 'EXISTS' | 'REJECTED';
  elderId: string | null;
  elderName: string | null;
  visitId: string | null;
  visitorId: string | null;
  warnings: { field: string; message: string; messageEn: string }[];
  errors: { field: string; message: string; messageEn: string }[];
}
interface ImportResult {
  batchId: string | null;
  idempotencyKey: string;
  dryRun: boolean;
  replayed: boolean;
  received: number;
  created: number;
  exists: number;
  rejected: number;
  records: RecordResult[];
}

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let townB: TestUser;
let worker: TestUser;
/** Visitors of 东河 (A1): two namesakes told apart by phone, and one of the town (三埠街道) itself. */
let liA: { id: string };
let liB: { id: string };
let townVisitor: { id: string };
let keySeq = 0;
const key = () => `visits-${++keySeq}`;

let nameSeq = 0;
function nextName(): string {
  nameSeq++;
  return `黄${String.fromCharCode(0x4e00 + nameSeq)}${String.fromCharCode(0x4e00 + ((nameSeq * 13) % 700))}`;
}
let birthSeq = 0;
function nextBirth(): string {
  birthSeq++;
  return `1947-${String((birthSeq % 12) + 1).padStart(2, '0')}-${String((Math.floor(birthSeq / 12) % 28) + 1).padStart(2, '0')}`;
}

/** Registers an archive with the clock at `at` (its registration date), then puts the clock back. */
async function elderAt(regionCode: string = REGIONS.villageA1, at = AUGUST, as: TestUser = town, extra: Record<string, unknown> = {}): Promise<ElderData & { fullIdNumber: string }> {
  t.clock.set(at);
  try {
    return await registerElder(t, as, { name: nextName(), regionCode, idNumber: idNumberFor(nextBirth()), circumstances: ['LIVING_ALONE'], ...extra });
  } finally {
    t.clock.set(NOW);
  }
}

async function importVisits(records: Record<string, unknown>[], options: { dryRun?: boolean; idempotencyKey?: string; as?: TestUser } = {}): Promise<GqlResult<{ importVisits: ImportResult }>> {
  return t.exec<{ importVisits: ImportResult }>(options.as ?? town, IMPORT, {
    batch: { idempotencyKey: options.idempotencyKey ?? key(), dryRun: options.dryRun ?? false, records },
  });
}
const imported = async (records: Record<string, unknown>[], options: { dryRun?: boolean; idempotencyKey?: string; as?: TestUser } = {}) =>
  ok(await importVisits(records, options)).importVisits;

async function visitsOf(elderId: string): Promise<any[]> {
  return ok(await t.exec<any>(town, ELDER_VISITS, { id: elderId })).elder.visits.nodes;
}

/** Row counts of everything an import writes. */
async function footprint(): Promise<Record<string, number>> {
  const [row] = await t.sql<Record<string, number>>(`select
    (select count(*)::int from visit) as visits, (select count(*)::int from care_service) as services,
    (select count(*)::int from alert) as alerts, (select count(*)::int from alert_event) as alert_events,
    (select count(*)::int from audit_event where action <> 'ELDER_READ') as audits, (select count(*)::int from change_log) as changes,
    (select count(*)::int from import_batch where kind = 'VISITS') as batches`);
  return row!;
}

const visit = (elder: { fullIdNumber: string }, visitedOn: string, extra: Record<string, unknown> = {}) => ({
  idNumber: elder.fullIdNumber, visitedOn, method: 'HOME', visitorName: '陈志华', ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  worker = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  const visitor = async (name: string, regionCode: string, phone: string | null) =>
    ok(await t.exec<{ createVisitor: { id: string } }>(town, CREATE_VISITOR, { input: { name, kind: 'VILLAGE_STAFF', regionCode, phone } })).createVisitor;
  liA = await visitor('李秀英', REGIONS.villageA1, '13800000001');
  liB = await visitor('李秀英', REGIONS.villageA1, '13800000002');
  townVisitor = await visitor('陈志华', REGIONS.townA, null);
  await visitor('梁美玲', REGIONS.villageA2, null);
});
afterAll(() => t.close());

describe('importVisits', () => {
  it('creates dated visits with findings and care services, matching visitors by name (village or town) and phone', async () => {
    const e1 = await elderAt();
    const e2 = await elderAt();
    const r = await imported([
      visit(e1, '2026-09-05', { sourceRef: '台账.xlsx 第2行', careServices: [{ kind: 'CLEANING', content: '打扫卫生' }], mood: 'BETTER', durationMinutes: 40 }),
      visit(e1, '2026-09-20', { method: 'PHONE', visitorName: '李秀英' }),
      visit(e1, '2026-09-20', { method: 'PHONE', visitorName: ' 李秀英 ', visitorPhone: '138 0000 0002' }),
      visit(e2, '2026-09-08', { visitorName: '王不存在' }),
      // A visitor of another village does not serve this elder.
      visit(e2, '2026-09-09', { method: 'VIDEO', visitorName: '梁美玲' }),
    ]);
    expect(r).toMatchObject({ dryRun: false, replayed: false, received: 5, created: 4, exists: 0, rejected: 1 });
    expect(r.batchId).toBeTruthy();
    expect(r.records.map((x) => x.status)).toEqual(['CREATED', 'REJECTED', 'CREATED', 'CREATED', 'CREATED']);
    expect(r.records.map((x) => x.index)).toEqual([0, 1, 2, 3, 4]);
    expect(r.records[0]).toMatchObject({ sourceRef: '台账.xlsx 第2行', elderId: e1.id, elderName: e1.name, visitorId: townVisitor.id, warnings: [], errors: [] });
    // Two visitors of that name and no phone: refused, asking for the phone; the phone then tells them apart.
    expect(r.records[1]!.errors.map((e) => e.field)).toEqual(['visitorName']);
    expect(r.records[1]!.errors[0]!.message).toContain('电话');
    expect(r.records[1]).toMatchObject({ elderId: e1.id, visitId: null });
    expect(r.records[2]).toMatchObject({ visitorId: liB.id, warnings: [] });
    expect(r.records[2]!.visitorId).not.toBe(liA.id);
    // No match: created all the same, with a warning, the name kept as written.
    for (const i of [3, 4]) {
      expect(r.records[i]).toMatchObject({ status: 'CREATED', visitorId: null });
      expect(r.records[i]!.warnings.map((w) => w.field)).toEqual(['visitorName']);
    }

    const v1 = await visitsOf(e1.id);
    expect(v1.map((v) => [v.seq, v.visitedOn, v.method])).toEqual([[2, '2026-09-20', 'PHONE'], [1, '2026-09-05', 'HOME']]);
    expect(v1[1]).toMatchObject({
      id: r.records[0]!.visitId, visitedAt: '2026-09-05T04:00:00.000Z', visitor: { id: townVisitor.id, name: '陈志华' },
      visitorNameAsWritten: null, enteredBy: town.username, mood: 'BETTER',
      careServices: [{ kind: 'CLEANING', content: '打扫卫生', deliveredOn: '2026-09-05' }],
    });
    const v2 = await visitsOf(e2.id);
    expect(v2.find((v) => v.visitedOn === '2026-09-08')).toMatchObject({ visitor: null, visitorNameAsWritten: '王不存在' });
    expect(v2.find((v) => v.visitedOn === '2026-09-09')).toMatchObject({ visitor: null, visitorNameAsWritten: '梁美玲' });

    // Audited like recordVisit: one VISIT_RECORD row per visit, naming the batch.
    const audits = await t.sql(`select elder_id, detail from audit_event where action = 'VISIT_RECORD' and elder_id = any($1::uuid[])`, [[e1.id, e2.id]]);
    expect(audits).toHaveLength(4);
    expect(audits.every((a) => a.detail.importBatchId === r.batchId)).toBe(true);
  });

  it('refuses a day before registration or in the future; an archive outside the jurisdiction is answered like a missing one; every field error at once; the rest goes in', async () => {
    const e = await elderAt();
    const other = await elderAt(REGIONS.villageB1, AUGUST, townB);
    const r = await imported([
      visit(e, '2026-08-04'),
      visit(e, '2026-11-16'),
      visit(other, '2026-09-01'),
      { ...visit(e, '2026-09-01'), idNumber: idNumberFor('1946-01-01') },
      visit(e, '2026-09-02', { disease: 'SERIOUS', householdChange: 'INCREASED', durationMinutes: 0, careServices: [{ kind: 'HAIRCUT', deliveredOn: '2026-08-01' }] }),
      { ...visit(e, '2026-09-03'), idNumber: '440783194701010000', visitorName: '  ' },
      visit(e, '2026-08-05', { method: 'PHONE' }),
    ]);
    expect(r.records.map((x) => x.status)).toEqual(['REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'REJECTED', 'CREATED']);
    expect(r.records[0]!.errors.map((x) => x.field)).toEqual(['visitedOn']);
    expect(r.records[0]!.errors[0]!.message).toContain('2026-08-05');
    expect(r.records[1]!.errors.map((x) => x.field)).toEqual(['visitedOn']);
    expect(r.records[1]!.errors[0]!.messageEn).toContain('future');
    // Another town's archive and an unregistered person get the same answer, and no elder is named.
    expect(r.records[2]!.errors).toEqual(r.records[3]!.errors);
    expect(r.records[2]).toMatchObject({ elderId: null, elderName: null, errors: [{ field: 'idNumber' }] });
    expect(r.records[2]!.errors[0]!.messageEn).toContain('No archive with this ID number in your area');
    expect(r.records[4]!.errors.map((x) => x.field).sort()).toEqual(['careServices.0.deliveredOn', 'diseaseName', 'durationMinutes', 'householdChangeCount']);
    expect(r.records[5]!.errors.map((x) => x.field).sort()).toEqual(['idNumber', 'visitorName']);
    // The registration day itself is allowed.
    expect(r.records[6]).toMatchObject({ status: 'CREATED', elderId: e.id });
    expect((await visitsOf(e.id)).map((v) => v.visitedOn)).toEqual(['2026-08-05']);
    const [{ n }] = await t.sql(`select count(*)::int as n from visit where elder_id = $1`, [other.id]);
    expect(n).toBe(0);
  });

  it('needs the scope to record visits for the whole jurisdiction, and checks the batch', async () => {
    const e = await elderAt();
    expect(codeOf(await importVisits([visit(e, '2026-09-01')], { as: worker }))).toBe('FORBIDDEN');
    expect(fieldsOf(await importVisits([]))).toEqual(['records']);
    expect(fieldsOf(await importVisits([visit(e, '2026-09-01')], { idempotencyKey: ' ' }))).toEqual(['idempotencyKey']);
    const many = Array.from({ length: 5001 }, () => visit(e, '2026-09-01'));
    expect(fieldsOf(await importVisits(many))).toEqual(['records']);
    expect(await visitsOf(e.id)).toEqual([]);
  });

  it('EXISTS for a visit recorded live that day by that method and for a repeated line of the file; importing the file again changes nothing', async () => {
    const e = await elderAt();
    const live = ok(await t.exec<any>(town, RECORD, { input: { elderId: e.id, visitedAt: '2026-10-05T01:00:00Z', method: 'HOME' } })).recordVisit;
    const file = [
      visit(e, '2026-10-05'),
      visit(e, '2026-10-05', { method: 'PHONE' }),
      visit(e, '2026-10-05', { method: 'PHONE', notes: '重复行' }),
      visit(e, '2026-10-06', { visitorName: '李秀英' }),
    ];
    const first = await imported(file);
    expect(first.records.map((x) => x.status)).toEqual(['EXISTS', 'CREATED', 'EXISTS', 'REJECTED']);
    expect(first.records[0]).toMatchObject({ visitId: live.id, elderId: e.id, warnings: [] });
    expect(first.records[2]).toMatchObject({ visitId: first.records[1]!.visitId });
    expect(first.records[2]!.warnings[0]!.message).toContain('第 2 条');
    expect(first).toMatchObject({ created: 1, exists: 2, rejected: 1 });

    const before = await footprint();
    const again = await imported(file);
    expect(again.records.map((x) => x.status)).toEqual(['EXISTS', 'EXISTS', 'EXISTS', 'REJECTED']);
    expect(again.records[1]!.visitId).toBe(first.records[1]!.visitId);
    const after = await footprint();
    // Only the new key's answer is stored.
    expect(after).toEqual({ ...before, batches: before.batches! + 1 });
  });

  it('numbers visits by date: history before existing visits moves them up, in the change feed too', async () => {
    const e = await elderAt();
    const a = ok(await t.exec<any>(town, RECORD, { input: { elderId: e.id, visitedAt: '2026-10-10T02:00:00Z', method: 'HOME' } })).recordVisit;
    const b = ok(await t.exec<any>(town, RECORD, { input: { elderId: e.id, visitedAt: '2026-11-01T02:00:00Z', method: 'HOME' } })).recordVisit;
    expect([a.seq, b.seq]).toEqual([1, 2]);
    const feedStart = ok(await t.exec<any>(admin, CHANGES, { since: null, first: 1000 })).changes;
    let cursor = feedStart.endCursor;
    for (let more = feedStart.hasMore; more; ) {
      const page = ok(await t.exec<any>(admin, CHANGES, { since: cursor, first: 1000 })).changes;
      cursor = page.endCursor;
      more = page.hasMore;
    }

    const r = await imported([visit(e, '2026-10-20'), visit(e, '2026-09-15')]);
    const byDate = (await visitsOf(e.id)).map((v) => [v.visitedOn, v.seq]);
    expect(byDate).toEqual([['2026-11-01', 4], ['2026-10-20', 3], ['2026-10-10', 2], ['2026-09-15', 1]]);
    const [{ n }] = await t.sql(`select count(distinct seq)::int as n from visit where elder_id = $1 and seq between 1 and 4`, [e.id]);
    expect(n).toBe(4);

    const feed = ok(await t.exec<any>(admin, CHANGES, { since: cursor, first: 1000 })).changes.entries as { entity: string; entityId: string; op: string }[];
    const visitsSeen = new Set(feed.filter((x) => x.entity === 'VISIT').map((x) => x.entityId));
    // The new visits, and the live ones whose number changed.
    for (const id of [r.records[0]!.visitId, r.records[1]!.visitId, a.id, b.id]) expect(visitsSeen.has(id!)).toBe(true);
  });

  it('numbers at once the visits that come after every visit of their elder, and renumbers only the elders whose history goes before', async () => {
    const fresh = await elderAt();
    const continued = await elderAt();
    const before = await elderAt();
    ok(await t.exec<any>(town, RECORD, { input: { elderId: continued.id, visitedAt: '2026-09-10T02:00:00Z', method: 'HOME' } }));
    const live = ok(await t.exec<any>(town, RECORD, { input: { elderId: before.id, visitedAt: '2026-10-10T02:00:00Z', method: 'HOME' } })).recordVisit;
    const r = await imported([
      visit(fresh, '2026-10-02'), visit(fresh, '2026-09-20', { method: 'PHONE' }), visit(fresh, '2026-09-20'),
      visit(continued, '2026-10-01'), visit(continued, '2026-09-11'),
      visit(before, '2026-10-20'), visit(before, '2026-10-10', { method: 'PHONE' }),
    ]);
    expect(r.created).toBe(7);
    // Same day, two methods: in the order RENUMBER gives (day, then id, entered at the same moment).
    const sameDay = [r.records[1]!.visitId!, r.records[2]!.visitId!].sort();
    expect((await visitsOf(fresh.id)).map((v) => [v.id === sameDay[0] ? 'first' : v.id === sameDay[1] ? 'second' : v.visitedOn, v.seq])).toEqual([
      ['2026-10-02', 3], ['second', 2], ['first', 1],
    ]);
    expect((await visitsOf(continued.id)).map((v) => [v.visitedOn, v.seq])).toEqual([['2026-10-01', 3], ['2026-09-11', 2], ['2026-09-10', 1]]);
    // History on a day already there (10-10) goes through the renumbering; the live visit keeps its place by time.
    const renumbered = await visitsOf(before.id);
    expect(renumbered.map((v) => [v.visitedOn, v.seq])).toEqual([['2026-10-20', 3], ['2026-10-10', 2], ['2026-10-10', 1]]);
    expect(renumbered.find((v) => v.id === live.id)!.seq).toBe(1);
    // The audit rows carry the final numbers.
    const audit = await t.sql<{ seq: number; visit_id: string }>(
      `select (detail->>'seq')::int as seq, detail->>'visitId' as visit_id from audit_event where action = 'VISIT_RECORD' and detail->>'importBatchId' = $1`,
      [r.batchId],
    );
    const seqById = new Map<string, number>();
    for (const e of [fresh, continued, before]) for (const v of await visitsOf(e.id)) seqById.set(v.id, v.seq);
    expect(audit).toHaveLength(7);
    for (const a of audit) expect(a.seq).toBe(seqById.get(a.visit_id));
    // Numbered at once: the new visits of the two elders not renumbered have no update in the change log.
    const updates = await t.sql(`select entity_id from change_log where entity = 'VISIT' and op = 'update' and elder_id = any($1::uuid[])`, [[fresh.id, continued.id]]);
    expect(updates).toEqual([]);
  });

  it('a dry run gives the real run’s verdicts and writes nothing', async () => {
    const e = await elderAt();
    ok(await t.exec<any>(town, RECORD, { input: { elderId: e.id, visitedAt: '2026-09-01T02:00:00Z', method: 'HOME' } }));
    const records = [
      visit(e, '2026-09-01'),
      visit(e, '2026-09-02', { disease: 'SERIOUS', diseaseName: '肺炎', careServices: [{ kind: 'MEAL' }] }),
      visit(e, '2026-09-02', { visitorName: '某某' }),
      visit(e, '2026-09-03', { visitorName: '李秀英' }),
      visit(e, '2026-11-14', { mobility: 'WORSE', visitorName: '无名氏' }),
      visit(e, '2026-07-01'),
    ];
    const before = await footprint();
    const idemKey = key();
    const dry = await imported(records, { dryRun: true, idempotencyKey: idemKey });
    expect(await footprint()).toEqual(before);
    expect(dry).toMatchObject({ batchId: null, dryRun: true, replayed: false, created: 2, exists: 2, rejected: 2 });
    expect(dry.records.filter((x) => x.status === 'CREATED').every((x) => x.visitId === null)).toBe(true);

    // The same key is still free: the real run is not a replay of the dry one.
    const real = await imported(records, { idempotencyKey: idemKey });
    expect(real).toMatchObject({ dryRun: false, replayed: false, created: 2, exists: 2, rejected: 2 });
    const strip = (x: RecordResult) => ({ ...x, visitId: x.status === 'CREATED' ? null : x.visitId });
    // A line repeating an earlier new one points at it: null in the dry run (nothing written), the new visit now.
    expect(real.records.map(strip).map((x, i) => (i === 2 ? { ...x, visitId: null } : x))).toEqual(dry.records);
    expect(real.records[2]!.visitId).toBe(real.records[1]!.visitId);
    expect(real.records.filter((x) => x.status === 'CREATED').every((x) => !!x.visitId)).toBe(true);
    expect((await footprint()).visits).toBe(before.visits! + 2);
  });

  it('is idempotent by key: the stored answer again (replayed), nothing written; the same key with other records is a CONFLICT', async () => {
    const e = await elderAt();
    const idemKey = key();
    const records = [visit(e, '2026-09-10'), visit(e, '2026-09-11', { method: 'PHONE' })];
    const first = await imported(records, { idempotencyKey: idemKey });
    const before = await footprint();
    const replay = await imported(records, { idempotencyKey: idemKey });
    expect(replay).toEqual({ ...first, replayed: true });
    expect(await footprint()).toEqual(before);
    const other = await importVisits([visit(e, '2026-09-12')], { idempotencyKey: idemKey });
    expect(codeOf(other)).toBe('CONFLICT');
    expect(await footprint()).toEqual(before);
    // Keys are per login: another operator's same key is theirs.
    const admins = await imported([visit(e, '2026-09-12')], { idempotencyKey: idemKey, as: admin });
    expect(admins).toMatchObject({ replayed: false, created: 1 });
  });

  it('old history raises no open alert (recorded as resolved, noted as imported); recent history raises alerts as a live visit does', async () => {
    const e = await elderAt();
    // An alert a live visit raised stays open whatever history comes in.
    const live = ok(await t.exec<any>(town, RECORD, { input: { elderId: e.id, visitedAt: '2026-11-12T02:00:00Z', method: 'HOME', disease: 'SERIOUS', diseaseName: '心衰' } })).recordVisit;
    expect(live.alertIds).toHaveLength(1);
    const r = await imported([
      visit(e, '2026-09-03', { disease: 'SERIOUS', diseaseName: '中风' }),
      // 15 October is 31 days ago: older than the default 30 days.
      visit(e, '2026-10-15', { method: 'PHONE', mobility: 'WORSE' }),
      // 16 October is 30 days ago: recent.
      visit(e, '2026-10-16', { method: 'PHONE', mobility: 'WORSE' }),
      visit(e, '2026-11-14', { disease: 'SERIOUS', diseaseName: '骨折' }),
    ]);
    expect(r.records.map((x) => x.status)).toEqual(['CREATED', 'CREATED', 'CREATED', 'CREATED']);
    const visits = await visitsOf(e.id);
    const alertRow = async (id: string) => {
      const [a] = await t.sql(
        `select a.status, a.visit_id as "visitId", a.rule_code as "ruleCode", a.resolution,
                (select json_agg(json_build_object('status', x.status, 'note', x.note) order by x.at, x.id) from alert_event x where x.alert_id = a.id) as events
           from alert a where a.id = $1`,
        [id],
      );
      return a!;
    };
    const alertOf = async (visitId: string) => {
      const v = visits.find((x) => x.id === visitId);
      expect(v.alertIds).toHaveLength(1);
      return alertRow(v.alertIds[0]);
    };
    for (const i of [0, 1]) {
      const alert = await alertOf(r.records[i]!.visitId!);
      expect(alert).toMatchObject({ status: 'RESOLVED', visitId: r.records[i]!.visitId });
      expect(alert.resolution).toContain('导入的历史探访记录');
      expect(alert.events.map((x: any) => x.status)).toEqual(['OPEN', 'RESOLVED']);
    }
    expect((await alertOf(r.records[0]!.visitId!)).ruleCode).toBe((await alertOf(r.records[3]!.visitId!)).ruleCode);
    for (const i of [2, 3]) expect(await alertOf(r.records[i]!.visitId!)).toMatchObject({ status: 'OPEN', resolution: null });
    const liveAlert = await alertRow(live.alertIds[0]);
    expect(liveAlert.status).toBe('OPEN');
  });

  it('the days that count as old come from config (importAlertDays)', async () => {
    const strict = await createTestApp({ config: { importAlertDays: 0 } });
    try {
      strict.clock.set(NOW);
      const op = await strict.user('TOWN_OPERATOR', REGIONS.townA);
      strict.clock.set(AUGUST);
      const e = await registerElder(strict, op, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1949-02-02') });
      strict.clock.set(NOW);
      const r = ok(await strict.exec<{ importVisits: ImportResult }>(op, IMPORT, { batch: { idempotencyKey: 'k', records: [
        visit(e, '2026-11-14', { mobility: 'WORSE' }), visit(e, '2026-11-15', { mobility: 'WORSE' }),
      ] } })).importVisits;
      const rows = await strict.sql(`select visit_id, status from alert where elder_id = $1`, [e.id]);
      const statusOf = (i: number) => rows.find((a) => a.visit_id === r.records[i]!.visitId)?.status;
      expect([statusOf(0), statusOf(1)]).toEqual(['RESOLVED', 'OPEN']);
    } finally {
      await strict.close();
    }
  });

  it('September’s report, visit rate and compliance count imported history, also where a rollup of September was kept', async () => {
    const village = '440783001023';
    const elders = [await elderAt(village), await elderAt(village), await elderAt(village)];
    // A rollup of September judged before the import (as the refresher leaves a month it kept).
    await refreshRollups(t.orm.em, '2026-09', t.clock.now());
    const report = async () => ok(await t.exec<any>(town, REPORT, { regionCode: village, period: '2026-09' })).report;
    const empty = await report();
    expect(empty.figures).toMatchObject({ visits: 0, visitRate: { numerator: 0, denominator: 3 } });

    // August and September for two of them; the third only August (September missed).
    const r = await imported([
      ...elders.map((e) => visit(e, '2026-08-20')),
      visit(elders[0]!, '2026-09-10'),
      visit(elders[1]!, '2026-09-28', { method: 'PHONE', visitorName: '未登记的人' }),
    ]);
    expect(r.created).toBe(5);

    const september = await report();
    expect(september.figures).toMatchObject({ visits: 2, visitRate: { numerator: 2, denominator: 3 } });
    expect(september.figures.visitsByMethod).toEqual(expect.arrayContaining([{ key: 'HOME', count: 1 }, { key: 'PHONE', count: 1 }]));
    const rate = ok(await t.exec<any>(town, VISIT_RATE, { period: { kind: 'MONTH', date: '2026-09-01' }, regionCode: village })).visitRate;
    expect(rate).toEqual({ numerator: 2, denominator: 3 });
    // The town's report names the village with the same figures.
    const townReport = ok(await t.exec<any>(town, REPORT, { regionCode: REGIONS.townA, period: '2026-09' })).report;
    expect(townReport.children.find((c: any) => c.region.code === village).figures).toMatchObject({ visits: 2, visitRate: { numerator: 2, denominator: 3 } });

    const compliance = async (id: string) => ok(await t.exec<any>(town, COMPLIANCE, { id, asOf: '2026-09-30' })).elder.compliance;
    expect(await compliance(elders[0]!.id)).toMatchObject({ met: true, overdue: false });
    expect(await compliance(elders[1]!.id)).toMatchObject({ met: true, overdue: false });
    expect(await compliance(elders[2]!.id)).toMatchObject({ met: false });
  });

  it('costs a few statements whatever the batch size', async () => {
    const es = [await elderAt(), await elderAt(), await elderAt(), await elderAt()];
    const small = await importVisits([visit(es[0]!, '2026-09-01', { mood: 'WORSE', careServices: [{ kind: 'MEAL' }] })]);
    const records = es.flatMap((e) => Array.from({ length: 20 }, (_, i) => visit(e, `2026-09-${String(i + 1).padStart(2, '0')}`, { mood: 'WORSE', careServices: [{ kind: 'MEAL' }] })));
    const large = await importVisits(records);
    expect(ok(large).importVisits.created).toBe(79);
    expect(large.sqlStatements).toBe(small.sqlStatements);
    expect(large.sqlStatements).toBeLessThanOrEqual(20);
  });
});
