import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCharOf } from '../../packages/api/src/modules/elders/id-number.js';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * importElders (issue 13): an office's registry brought in at once. Verdicts per record in input order, a dry run
 * identical to the real run with nothing written, idempotency, updates of existing archives, the registration date
 * (visits may be dated back to it), one archive per person under concurrent imports, and the cost of a full batch.
 * The clock stands at 2026-11-15 (China).
 */
const NOW = '2026-11-15T02:00:00Z';
const TODAY = '2026-11-15';

const IMPORT = `mutation($batch: ElderImportBatch!) { importElders(batch: $batch) {
  batchId idempotencyKey dryRun replayed received created updated exists rejected
  records { index sourceRef status elderId elderName inJurisdiction differences errors { field message messageEn } } } }`;
const ELDER = `query($id: ID!) { elder(id: $id) { id name phone version classification { class } compliance { class requirements { met } } region { code }
  emergencyContacts { kind name phone } householdMembers { name relation idNumber } helpReceived { unitType measures } } }`;
const RECORD_VISIT = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id visitedAt } }`;

interface RecordResult {
  index: number;
  sourceRef: string | null;
  status: 'CREATED' | 'UPDATED' | 'EXISTS' | 'REJECTED';
  elderId: string | null;
  elderName: string | null;
  inJurisdiction: boolean | null;
  differences: string[];
  errors: { field: string; message: string; messageEn: string }[];
}
interface ImportResult {
  batchId: string | null;
  idempotencyKey: string;
  dryRun: boolean;
  replayed: boolean;
  received: number;
  created: number;
  updated: number;
  exists: number;
  rejected: number;
  records: RecordResult[];
}

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let keySeq = 0;
const newKey = () => `import-test-${++keySeq}`;

function importAs(as: TestUser, records: Record<string, unknown>[], options: Record<string, unknown> = {}): Promise<GqlResult<{ importElders: ImportResult }>> {
  return t.exec<{ importElders: ImportResult }>(as, IMPORT, { batch: { idempotencyKey: newKey(), records, ...options } });
}

/** A valid ID number for the i-th person of a large batch: birth dates spread over 1930-1955, unique sequence numbers. */
function bulkIdNumber(i: number): string {
  const birth = new Date(Date.UTC(1930, 0, 1) + (i % 9000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `440783${birth}${String(500 + Math.floor(i / 9000)).padStart(3, '0')}`;
  return first17 + checkCharOf(first17);
}

/** Row counts of everything an import may write: a dry run must leave them all as they were. */
async function counts(): Promise<Record<string, number>> {
  const [row] = await t.sql<Record<string, number>>(
    `select (select count(*)::int from elder) as elder, (select count(*)::int from elder_contact) as contacts,
            (select count(*)::int from household_member) as members, (select count(*)::int from help_record) as help,
            (select count(*)::int from audit_event where action <> 'ELDER_READ') as audit, (select count(*)::int from change_log) as change_log,
            (select count(*)::int from class_history) as class_history, (select count(*)::int from import_batch) as batches`,
  );
  return row!;
}

const full = (idNumber: string, extra: Record<string, unknown> = {}) => ({
  name: '梁秀英',
  idNumber,
  regionCode: REGIONS.villageA1,
  phone: '13800138000',
  addressDetail: '东河路 12 号',
  livesAtRegisteredResidence: true,
  circumstances: ['LIVING_ALONE', 'MINIMUM_ALLOWANCE'],
  livingConditions: { waterSafe: true, electricitySafe: true, housingSafe: false, householdMonthlyIncome: 800, monthlyBenefits: 600 },
  emergencyContacts: [
    { kind: 'RELATIVE', name: '梁志强', relation: '侄子', phone: '13900139000' },
    { kind: 'CHILD', name: '梁美玲', relation: '女儿', phone: '0750-2212345' },
  ],
  householdMembers: [{ name: '梁秀英', relation: '户主', idNumber, health: '高血压' }],
  helpReceived: [{ unitType: 'STREET_VILLAGE_COMMITTEE', unitName: '东河社区', measures: '每月上门送米油' }],
  registeredOn: '2026-03-01',
  sourceRef: '台账.xlsx 第2行',
  ...extra,
});

let inside: ElderData & { fullIdNumber: string };
let outside: ElderData & { fullIdNumber: string };

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  inside = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1945-05-05'), phone: '13700137000' });
  outside = await registerElder(t, admin, { name: '司徒明', regionCode: REGIONS.villageB1, idNumber: idNumberFor('1944-04-04') });
});
afterAll(() => t.close());

describe('importElders verdicts', () => {
  it('answers each record in order: created, exists inside and outside the jurisdiction, rejected with every error', async () => {
    const newId = idNumberFor('1950-02-02', false);
    const dupId = idNumberFor('1951-03-03');
    const badCheck = idNumberFor('1940-06-06');
    const wrongCheck = badCheck.slice(0, 17) + (badCheck[17] === '0' ? '1' : '0');
    const result = ok(
      await importAs(town, [
        full(newId),
        { name: '关国华', idNumber: inside.fullIdNumber, regionCode: REGIONS.villageA1, phone: '13600136000', addressDetail: null, sourceRef: 'r2' },
        { name: '司徒明', idNumber: outside.fullIdNumber, regionCode: REGIONS.villageA1, sourceRef: 'r3' },
        {
          name: '', idNumber: wrongCheck, regionCode: REGIONS.villageB1, phone: '12345',
          emergencyContacts: [{ kind: 'CHILD', name: '某某', phone: 'abc' }], registeredOn: '2026-12-01', sourceRef: 'r4',
        },
        { name: '年轻人', idNumber: idNumberFor('1970-01-01'), regionCode: REGIONS.villageA1 },
        { name: '甲', idNumber: dupId, regionCode: REGIONS.villageA2 },
        { name: '乙', idNumber: dupId.toLowerCase(), regionCode: REGIONS.villageA2 },
      ]),
    ).importElders;

    expect(result.records.map((r) => r.status)).toEqual(['CREATED', 'EXISTS', 'EXISTS', 'REJECTED', 'REJECTED', 'CREATED', 'REJECTED']);
    expect(result.records.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([result.received, result.created, result.updated, result.exists, result.rejected]).toEqual([7, 2, 0, 2, 3]);
    expect(result.dryRun).toBe(false);
    expect(result.replayed).toBe(false);
    expect(result.batchId).toMatch(/^[0-9a-f-]{36}$/);

    const [created, existsIn, existsOut, rejected, young, , dup] = result.records as [RecordResult, RecordResult, RecordResult, RecordResult, RecordResult, RecordResult, RecordResult];
    expect(created.sourceRef).toBe('台账.xlsx 第2行');
    expect(created.elderId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.errors).toEqual([]);

    // Inside: named and compared; only the fields the record gave count (name is the same, phone and address differ).
    expect(existsIn).toMatchObject({ elderId: inside.id, elderName: '关国华', inJurisdiction: true, differences: ['phone'], errors: [] });
    // addressDetail: null given, the archive has none either: not a difference.
    // Outside: nothing but the fact.
    expect(existsOut).toEqual({
      index: 2, sourceRef: 'r3', status: 'EXISTS', elderId: null, elderName: null, inJurisdiction: false, differences: [], errors: [],
    });

    // Every problem of the record at once.
    expect(rejected.elderId).toBeNull();
    expect(rejected.errors.map((e) => e.field).sort()).toEqual(
      ['emergencyContacts.0.phone', 'idNumber', 'name', 'phone', 'regionCode', 'registeredOn'].sort(),
    );
    expect(rejected.errors.every((e) => e.message && e.messageEn)).toBe(true);
    expect(young.errors.map((e) => e.field)).toEqual(['idNumber']);
    expect(young.errors[0]!.messageEn).toMatch(/under 60/);
    expect(dup.errors.map((e) => e.field)).toEqual(['idNumber']);
    expect(dup.errors[0]!.messageEn).toMatch(/record 5/);

    // The archive as registerElder would have made it: lists in the registry's order (children first), class computed.
    const elder = ok(await t.exec<any>(admin, ELDER, { id: created.elderId })).elder;
    expect(elder.name).toBe('梁秀英');
    expect(elder.emergencyContacts.map((c: any) => c.kind)).toEqual(['CHILD', 'RELATIVE']);
    expect(elder.householdMembers).toHaveLength(1);
    expect(elder.helpReceived).toEqual([{ unitType: 'STREET_VILLAGE_COMMITTEE', measures: '每月上门送米油' }]);
    // 低保 and living alone: class A by Kaiping's rules.
    expect(elder.classification.class).toBe('A');
    // And with it the visit requirements of class A (Kaiping's baseline: a home visit a month), not yet met.
    expect(elder.compliance.class).toBe('A');
    expect(elder.compliance.requirements.length).toBeGreaterThan(0);
    expect(elder.compliance.requirements.every((r: { met: boolean }) => r.met === false)).toBe(true);
    const [row] = await t.sql(
      `select to_char(registered_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as registered, computed_class, registered_by from elder where id = $1`,
      [created.elderId],
    );
    expect(row).toEqual({ registered: '2026-03-01 00:00', computed_class: 'A', registered_by: town.id });
    // Nothing written for the rejected ones, and the existing archives are untouched.
    expect(await t.sql(`select 1 from elder where id_number = $1`, [wrongCheck])).toHaveLength(0);
    const [kept] = await t.sql(`select phone, version from elder where id = $1`, [inside.id]);
    expect(kept).toEqual({ phone: '13700137000', version: 1 });
    // The name the answer shows of the archive found inside is a read of personal data, audited as such; the one
    // outside is not shown, so not read.
    const reads = await t.sql(`select elder_id, detail from audit_event where action = 'ELDER_READ' and actor_id = $1`, [town.id]);
    expect(reads).toEqual([{ elder_id: inside.id, detail: { via: ['importElders'], parts: ['archive'] } }]);
  });

  it('writes one ELDER_REGISTER audit row per archive, with the registration’s changes as registerElder writes them, and the change feed sees the archive', async () => {
    const viaImport = idNumberFor('1949-09-09');
    const viaRegister = idNumberFor('1949-09-10');
    const fields = full(viaImport);
    const { registeredOn: _r, sourceRef: _s, ...registerInput } = fields;
    const imported = ok(await importAs(town, [fields])).importElders.records[0]!;
    const registered = await registerElder(t, town, { ...registerInput, idNumber: viaRegister, householdMembers: [{ ...fields.householdMembers[0], idNumber: viaRegister }] });
    const audit = await t.sql<{ elder_id: string; changes: { field: string; old: unknown; new: unknown }[]; detail: any }>(
      `select elder_id, changes, detail from audit_event where action = 'ELDER_REGISTER' and elder_id = any($1::uuid[]) order by id`,
      [[imported.elderId, registered.id]],
    );
    expect(audit).toHaveLength(2);
    // The same fields in the same order; only the identity (masked) differs.
    const strip = (changes: { field: string; old: unknown; new: unknown }[]) =>
      changes.map((c) => (['idNumber', 'birthDate', 'householdMembers'].includes(c.field) ? { field: c.field } : c));
    expect(strip(audit[0]!.changes)).toEqual(strip(audit[1]!.changes));
    expect(audit[0]!.changes.find((c) => c.field === 'idNumber')!.new).toMatch(/\*{8}/);
    expect(audit[0]!.detail).toMatchObject({ sourceRef: '台账.xlsx 第2行', registeredOn: '2026-03-01' });
    // The change feed, read as a partner system reads it, carries both archives the same way (insert, then the class).
    const feed = ok(await t.exec<any>(admin, `query { changes(first: 1000) { entries { entity entityId elderId op } } }`)).changes.entries as {
      entity: string; entityId: string; elderId: string; op: string;
    }[];
    const of = (id: string) => feed.filter((e) => e.elderId === id).map((e) => `${e.entity}:${e.op}`);
    expect(of(imported.elderId!)).toEqual(of(registered.id));
    expect(of(imported.elderId!)).toEqual(['ELDER:INSERT', 'ELDER:UPDATE', 'CLASS:UPDATE']);
  });

  it('refuses a village of another region per record, and a batch of more than 5,000 records as a whole', async () => {
    const result = ok(await importAs(town, [{ name: '黄伯', idNumber: idNumberFor('1941-01-01'), regionCode: REGIONS.villageB1 }])).importElders;
    expect(result.records[0]).toMatchObject({ status: 'REJECTED', elderId: null });
    expect(result.records[0]!.errors.map((e) => e.field)).toEqual(['regionCode']);
    expect(result.records[0]!.errors[0]!.messageEn).toMatch(/outside your jurisdiction/);

    const tooMany = Array.from({ length: 5001 }, (_, i) => ({ name: '某', idNumber: bulkIdNumber(i), regionCode: REGIONS.villageA1 }));
    const before = await counts();
    const refused = await importAs(town, tooMany);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.extensions!.field).toBe('records');
    expect(await counts()).toEqual(before);
    const empty = await importAs(town, []);
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
  });

  it('refuses a registration date in the future, and one before the 60th birthday', async () => {
    // Turned 60 on 2026-06-01: 60 today, but not yet on 2026-03-01.
    const sixty = idNumberFor('1966-06-01');
    const result = ok(
      await importAs(town, [
        { name: '何婆', idNumber: idNumberFor('1942-02-02'), regionCode: REGIONS.villageA1, registeredOn: '2026-11-16' },
        { name: '何伯', idNumber: sixty, regionCode: REGIONS.villageA1, registeredOn: '2026-03-01' },
        { name: '何叔', idNumber: idNumberFor('1966-06-02'), regionCode: REGIONS.villageA1, registeredOn: TODAY },
      ]),
    ).importElders;
    expect(result.records.map((r) => [r.status, r.errors.map((e) => e.field)])).toEqual([
      ['REJECTED', ['registeredOn']],
      ['REJECTED', ['registeredOn']],
      ['CREATED', []],
    ]);
    expect(result.records[1]!.errors[0]!.messageEn).toMatch(/was 59, under 60/);
  });

  it('accepts a visit dated after the registration date and before today (the point of the date), and refuses one before it', async () => {
    const result = ok(await importAs(town, [full(idNumberFor('1939-03-03'), { registeredOn: '2026-05-10' })])).importElders;
    const elderId = result.records[0]!.elderId!;
    const early = await t.exec(town, RECORD_VISIT, { input: { elderId, visitedAt: '2026-05-09T02:00:00Z', method: 'HOME' } });
    expect(codeOf(early)).toBe('BAD_USER_INPUT');
    const visit = ok(await t.exec<any>(town, RECORD_VISIT, { input: { elderId, visitedAt: '2026-06-01T02:00:00Z', method: 'HOME' } })).recordVisit;
    expect(visit.id).toBeTruthy();
    // Registered today by registerElder, the same visit date is refused: the import is what makes history possible.
    const fresh = await registerElder(t, town, { idNumber: idNumberFor('1939-03-04') });
    expect(codeOf(await t.exec(town, RECORD_VISIT, { input: { elderId: fresh.id, visitedAt: '2026-06-01T02:00:00Z', method: 'HOME' } }))).toBe('BAD_USER_INPUT');
  });
});

describe('importElders dry run and idempotency', () => {
  it('a dry run writes nothing and gives exactly the verdicts of the real run', async () => {
    const records = [
      full(idNumberFor('1946-01-01')),
      { name: '关国华', idNumber: inside.fullIdNumber, regionCode: REGIONS.villageA1, phone: '13500135000' },
      { name: '司徒明', idNumber: outside.fullIdNumber, regionCode: REGIONS.villageA1 },
      { name: '', idNumber: '440783', regionCode: REGIONS.villageB1 },
      full(idNumberFor('1946-01-02'), { emergencyContacts: [] }),
    ];
    const key = newKey();
    const before = await counts();
    const dry = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, dryRun: true, updateExisting: true, records } })).importElders;
    expect(await counts()).toEqual(before);
    expect(dry).toMatchObject({ batchId: null, dryRun: true, replayed: false });
    expect(dry.records.filter((r) => r.status === 'CREATED').every((r) => r.elderId === null)).toBe(true);

    // The same key is still free: the dry run stored nothing.
    const real = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, updateExisting: true, records } })).importElders;
    expect(real.replayed).toBe(false);
    const verdicts = (r: ImportResult) => ({
      ...r,
      batchId: null,
      dryRun: null,
      records: r.records.map((x) => ({ ...x, elderId: x.status === 'CREATED' ? null : x.elderId })),
    });
    expect(verdicts(dry)).toEqual(verdicts(real));
    expect(real.records.map((r) => r.status)).toEqual(['CREATED', 'UPDATED', 'EXISTS', 'REJECTED', 'CREATED']);
    const after = await counts();
    expect(after.elder - before.elder).toBe(2);
    expect(after.batches - before.batches).toBe(1);
  });

  it('replays the stored answer for the same key and records, and refuses the key for other records', async () => {
    const records = [full(idNumberFor('1947-07-07')), { name: '某', idNumber: 'bad', regionCode: REGIONS.villageA1 }];
    const key = newKey();
    const first = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, records } })).importElders;
    const before = await counts();
    // Field order does not matter: the same records are the same request.
    const reordered = records.map((r) => Object.fromEntries(Object.entries(r).reverse()));
    const again = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, records: reordered } })).importElders;
    expect(again).toEqual({ ...first, replayed: true });
    expect(await counts()).toEqual(before);
    // A dry run with a used key answers as the real run would: the stored answer.
    const dry = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, dryRun: true, records } })).importElders;
    expect(dry.replayed).toBe(true);

    const other = await t.exec(town, IMPORT, { batch: { idempotencyKey: key, records: [full(idNumberFor('1947-07-08'))] } });
    expect(codeOf(other)).toBe('CONFLICT');
    expect(await counts()).toEqual(before);
    // Keys are the caller's own: another user may use the same key.
    const admins = ok(await t.exec<{ importElders: ImportResult }>(admin, IMPORT, { batch: { idempotencyKey: key, records: [full(idNumberFor('1947-07-09'))] } })).importElders;
    expect(admins.replayed).toBe(false);
    expect(admins.created).toBe(1);
  });

  it('with updateExisting, applies the differing fields through the registry’s edit path', async () => {
    const elder = await registerElder(t, town, { name: '吴婆', idNumber: idNumberFor('1943-03-03', false), phone: '13711112222' });
    const same = { name: '吴婆', idNumber: elder.fullIdNumber, regionCode: REGIONS.villageA1, phone: '13711112222' };
    const changed = { ...same, phone: '13733334444', circumstances: ['LIVING_ALONE'], emergencyContacts: [{ kind: 'CHILD', name: '吴强', phone: '13755556666' }] };
    const unchanged = ok(await importAs(town, [same], { updateExisting: true })).importElders.records[0]!;
    expect(unchanged).toMatchObject({ status: 'EXISTS', elderId: elder.id, differences: [] });
    const without = ok(await importAs(town, [changed])).importElders.records[0]!;
    expect(without).toMatchObject({ status: 'EXISTS', differences: ['phone', 'circumstances', 'emergencyContacts'] });
    expect((await t.sql(`select version from elder where id = $1`, [elder.id]))[0]).toEqual({ version: 1 });

    const updated = ok(await importAs(town, [changed], { updateExisting: true })).importElders;
    expect(updated.updated).toBe(1);
    expect(updated.records[0]).toMatchObject({ status: 'UPDATED', elderId: elder.id, elderName: '吴婆', differences: ['phone', 'circumstances', 'emergencyContacts'] });
    const after = ok(await t.exec<any>(town, ELDER, { id: elder.id })).elder;
    expect(after.version).toBe(2);
    expect(after.emergencyContacts).toEqual([{ kind: 'CHILD', name: '吴强', phone: '137****6666' }]);
    const audit = await t.sql<{ changes: { field: string }[] }>(`select changes from audit_event where action = 'ELDER_UPDATE' and elder_id = $1`, [elder.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes.map((c) => c.field).sort()).toEqual(['circumstances', 'emergencyContacts', 'phone']);
    // Outside the jurisdiction nothing is updated, whatever the flag says.
    const out = ok(await importAs(town, [{ name: '别人', idNumber: outside.fullIdNumber, regionCode: REGIONS.villageA1 }], { updateExisting: true })).importElders;
    expect(out.records[0]).toMatchObject({ status: 'EXISTS', inJurisdiction: false, elderId: null });
  });
});

describe('importElders and a temporary difficulty’s end date', () => {
  it('keeps the end date (动态管理 lists the archive once it passes) and names a differing one', async () => {
    const idNumber = idNumberFor('1946-06-06', false);
    const record = { name: '冯玉兰', idNumber, regionCode: REGIONS.villageA1, temporaryDifficulty: '房屋受灾', temporaryDifficultyUntil: '2027-03-31' };
    const created = ok(await importAs(town, [record])).importElders.records[0]!;
    expect(created.status).toBe('CREATED');
    const [row] = await t.sql<{ until: string; circumstances: string[] }>(
      `select to_char(temporary_difficulty_until, 'YYYY-MM-DD') as until, circumstances from elder where id = $1`,
      [created.elderId],
    );
    expect(row).toEqual({ until: '2027-03-31', circumstances: ['TEMPORARY_DIFFICULTY'] });
    const same = ok(await importAs(town, [record])).importElders.records[0]!;
    expect(same).toMatchObject({ status: 'EXISTS', differences: [] });
    const later = ok(await importAs(town, [{ ...record, temporaryDifficultyUntil: '2027-06-30' }])).importElders.records[0]!;
    expect(later).toMatchObject({ status: 'EXISTS', differences: ['temporaryDifficultyUntil'] });
    // An end date without the difficulty itself is refused like registerElder refuses it.
    const alone = ok(await importAs(town, [{ name: '冯二', idNumber: idNumberFor('1946-07-07', false), regionCode: REGIONS.villageA1, temporaryDifficultyUntil: '2027-03-31' }]))
      .importElders.records[0]!;
    expect(alone.status).toBe('REJECTED');
    expect(alone.errors.map((e) => e.field)).toContain('temporaryDifficultyUntil');
  });
});

describe('importElders and agency-backed values', () => {
  it('refuses, in a dry run and a real one alike, an update of a value an agency record backs; other fields of other records go through', async () => {
    const elder = await registerElder(t, town, { name: '残联老人', idNumber: idNumberFor('1944-10-10'), disability: { category: 'PHYSICAL', grade: 2 } });
    // As the disability federation's sync leaves it (agencies.effects): the certificate's values carry their source.
    await t.sql(`update elder set disability_source = '残联残疾人证 C-1' where id = $1`, [elder.id]);
    const other = await registerElder(t, town, { name: '邻居', idNumber: idNumberFor('1944-10-11'), phone: '13711110000' });
    const records = [
      { name: '残联老人', idNumber: elder.fullIdNumber, regionCode: REGIONS.villageA1, disability: { category: 'PHYSICAL', grade: 3 } },
      { name: '邻居', idNumber: other.fullIdNumber, regionCode: REGIONS.villageA1, phone: '13722220000' },
    ];
    const key = newKey();
    const dry = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, dryRun: true, updateExisting: true, records } })).importElders;
    const real = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, updateExisting: true, records } })).importElders;
    for (const answer of [dry, real]) {
      expect(answer.records.map((r) => r.status)).toEqual(['REJECTED', 'UPDATED']);
      expect(answer.records[0]!.errors.map((e) => e.field)).toEqual(['disability']);
      expect(answer.records[0]!.errors[0]!.message).toContain('残联残疾人证 C-1');
    }
    expect((await t.sql(`select disability_grade, version from elder where id = $1`, [elder.id]))[0]).toEqual({ disability_grade: 2, version: 1 });
    expect((await t.sql(`select phone from elder where id = $1`, [other.id]))[0]).toEqual({ phone: '13722220000' });
  });
});

describe('importElders willingness (意愿) and written refusals', () => {
  const WILLING = `query($id: ID!) { elder(id: $id) { id version acceptsVisits compliance { stoppedReason }
    refusals { refusedOn reason talkedWith withdrawnOn } } }`;
  const CLOSE = `mutation($id: ID!, $v: Int!) { closeElder(id: $id, version: $v, input: { status: MOVED_AWAY, effectiveDate: "2026-10-01", reason: "迁往外地" }) { id } }`;
  const REFUSE = `mutation($id: ID!, $v: Int!) { recordRefusal(elderId: $id, version: $v, input: { refusedOn: "2026-09-01", reason: "不愿被打扰", talkedWith: "村委会" }) { id } }`;
  const refusal = { refusedOn: '2026-02-20', reason: '子女在身边照顾，不需要探访', talkedWith: '谢社工' };

  it('creates an archive that does not accept visits, its written refusal on record as recordRefusal writes it, audited', async () => {
    const result = ok(await importAs(town, [full(idNumberFor('1941-04-04'), { refusal }), full(idNumberFor('1941-04-05'))])).importElders;
    expect(result.records.map((r) => r.status)).toEqual(['CREATED', 'CREATED']);
    const [refusedId, willingId] = result.records.map((r) => r.elderId!);

    const refused = ok(await t.exec<any>(town, WILLING, { id: refusedId })).elder;
    expect(refused.acceptsVisits).toBe(false);
    expect(refused.refusals).toEqual([{ ...refusal, withdrawnOn: null }]);
    // The refusal stops the visit requirements, as one recorded by hand does.
    expect(refused.compliance.stoppedReason).toMatch(/拒绝探访/);
    const willing = ok(await t.exec<any>(town, WILLING, { id: willingId })).elder;
    expect(willing).toMatchObject({ acceptsVisits: true, refusals: [], compliance: { stoppedReason: null } });
    const [row] = await t.sql(`select recorded_by, county_code from elder_refusal where elder_id = $1`, [refusedId]);
    expect(row).toEqual({ recorded_by: town.id, county_code: '440783' });

    // Registered not accepting visits (the registration says so), and the refusal its own REFUSAL_RECORD event.
    const audit = await t.sql<{ action: string; changes: { field: string; new: unknown }[]; detail: any }>(
      `select action, changes, detail from audit_event where elder_id = $1 and action <> 'ELDER_READ' order by id`,
      [refusedId],
    );
    expect(audit.map((a) => a.action)).toEqual(['ELDER_REGISTER', 'REFUSAL_RECORD']);
    expect(audit[0]!.changes.find((c) => c.field === 'acceptsVisits')!.new).toBe(false);
    expect(audit[1]!.detail).toMatchObject({ ...refusal, importBatchId: result.batchId, sourceRef: '台账.xlsx 第2行' });
    const [willingRegister] = await t.sql<{ changes: { field: string; new: unknown }[] }>(
      `select changes from audit_event where elder_id = $1 and action = 'ELDER_REGISTER'`,
      [willingId],
    );
    expect(willingRegister!.changes.find((c) => c.field === 'acceptsVisits')!.new).toBe(true);
  });

  it('rejects a refusal with every problem of it at once, on refusal.<field>, by recordRefusal’s rules', async () => {
    const born = '1944-08-08';
    const result = ok(
      await importAs(town, [
        full(idNumberFor(born), { refusal: { refusedOn: '2026-11-16', reason: '不', talkedWith: '  ' } }),
        full(idNumberFor(born), { refusal: { refusedOn: '1944-08-07', reason: '老人不愿意', talkedWith: '谢'.repeat(51) } }),
        full(idNumberFor(born), { refusal: { ...refusal, refusedOn: TODAY } }),
      ]),
    ).importElders;
    expect(result.records.map((r) => r.status)).toEqual(['REJECTED', 'REJECTED', 'CREATED']);
    const [future, early] = result.records as [RecordResult, RecordResult];
    expect(future.errors.map((e) => e.field)).toEqual(['refusal.reason', 'refusal.talkedWith', 'refusal.refusedOn']);
    expect(future.errors[2]!.messageEn).toBe('The refusal date cannot be after today (2026-11-15)');
    expect(early.errors.map((e) => e.field)).toEqual(['refusal.talkedWith', 'refusal.refusedOn']);
    expect(early.errors[1]!.messageEn).toBe(`The refusal date cannot be before ${born}`);
    expect(early.errors.every((e) => e.message && e.messageEn)).toBe(true);
    // The registry's own mutation says the same about the same values (one rule, one place).
    const elder = await registerElder(t, town, { idNumber: idNumberFor(born) });
    const byHand = await t.exec(town, `mutation($id: ID!) { recordRefusal(elderId: $id, version: 1, input: { refusedOn: "2026-11-16", reason: "不", talkedWith: "  " }) { id } }`, { id: elder.id });
    expect(codeOf(byHand)).toBe('BAD_USER_INPUT');
    expect((byHand.errors![0]!.extensions!.fieldErrors as { field: string }[]).map((e) => e.field)).toEqual(['reason', 'talkedWith', 'refusedOn']);
  });

  it('lists a differing willingness, records it with updateExisting through recordRefusal, and a dry run gives the real run’s verdicts', async () => {
    const accepting = await registerElder(t, town, { name: '陈伯', idNumber: idNumberFor('1942-02-02'), phone: '13711113333' });
    const already = await registerElder(t, town, { name: '何婆', idNumber: idNumberFor('1942-02-03', false) });
    ok(await t.exec(town, REFUSE, { id: already.id, v: 1 }));
    const closed = await registerElder(t, town, { name: '黄伯', idNumber: idNumberFor('1942-02-04') });
    ok(await t.exec(town, CLOSE, { id: closed.id, v: 1 }));
    const records = [
      { name: '陈伯', idNumber: accepting.fullIdNumber, regionCode: REGIONS.villageA1, phone: '13711114444', refusal },
      { name: '何婆', idNumber: already.fullIdNumber, regionCode: REGIONS.villageA1, refusal },
      { name: '黄伯', idNumber: closed.fullIdNumber, regionCode: REGIONS.villageA1, refusal },
      full(idNumberFor('1942-02-05'), { refusal }),
      full(idNumberFor('1942-02-06'), { refusal: { ...refusal, talkedWith: '' } }),
    ];
    // Without updateExisting: the difference is named, nothing is written.
    const listed = ok(await importAs(town, records.slice(0, 3))).importElders;
    expect(listed.records.map((r) => [r.status, r.differences])).toEqual([
      ['EXISTS', ['phone', 'refusal']],
      ['EXISTS', []], // a standing refusal is not compared or rewritten
      ['EXISTS', ['refusal']],
    ]);

    const key = newKey();
    const refusalCount = async () => (await t.sql<{ n: number }>(`select count(*)::int as n from elder_refusal`))[0]!.n;
    const before = await counts();
    const refusalsBefore = await refusalCount();
    const dry = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, dryRun: true, updateExisting: true, records } })).importElders;
    expect(await counts()).toEqual(before);
    expect(await refusalCount()).toBe(refusalsBefore);
    const real = ok(await t.exec<{ importElders: ImportResult }>(town, IMPORT, { batch: { idempotencyKey: key, updateExisting: true, records } })).importElders;
    const verdicts = (r: ImportResult) => r.records.map((x) => ({ ...x, elderId: x.status === 'CREATED' ? null : x.elderId }));
    expect(verdicts(dry)).toEqual(verdicts(real));
    expect(real.records.map((r) => r.status)).toEqual(['UPDATED', 'EXISTS', 'REJECTED', 'CREATED', 'REJECTED']);
    expect(real.records[0]).toMatchObject({ elderId: accepting.id, differences: ['phone', 'refusal'] });
    expect(real.records[2]!.errors).toEqual([expect.objectContaining({ field: 'refusal', messageEn: 'The archive is closed: no refusal can be recorded' })]);
    expect(real.records[4]!.errors.map((e) => e.field)).toEqual(['refusal.talkedWith']);
    // Two refusals written: the updated archive's and the new one's.
    expect((await refusalCount()) - refusalsBefore).toBe(2);

    // The update and the refusal, each through the registry's path: two versions, an ELDER_UPDATE and a REFUSAL_RECORD.
    const after = ok(await t.exec<any>(town, WILLING, { id: accepting.id })).elder;
    expect(after).toMatchObject({ version: 3, acceptsVisits: false, refusals: [{ ...refusal, withdrawnOn: null }] });
    const audit = await t.sql<{ action: string; changes: unknown; detail: any }>(
      `select action, changes, detail from audit_event where elder_id = $1 and action in ('ELDER_UPDATE', 'REFUSAL_RECORD') order by id`,
      [accepting.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['ELDER_UPDATE', 'REFUSAL_RECORD']);
    expect(audit[1]).toMatchObject({ changes: [{ field: 'acceptsVisits', old: true, new: false }], detail: refusal });
    // The archive already refused and the closed one are untouched.
    expect(await t.sql(`select id, version, accepts_visits from elder where id = any($1::uuid[]) order by name`, [[already.id, closed.id]])).toEqual(
      expect.arrayContaining([{ id: already.id, version: 2, accepts_visits: false }, { id: closed.id, version: 2, accepts_visits: true }]),
    );
  });
});

describe('importElders concurrency and cost', () => {
  it('two imports of one person at the same moment make one archive; the one that waited reports EXISTS', async () => {
    const idNumber = idNumberFor('1948-08-08');
    const [a, b] = await Promise.all([
      importAs(town, [{ name: '陈伯', idNumber, regionCode: REGIONS.villageA1 }]),
      importAs(admin, [{ name: '陈伯', idNumber, regionCode: REGIONS.villageA1 }]),
    ]);
    const statuses = [ok(a).importElders.records[0]!.status, ok(b).importElders.records[0]!.status].sort();
    expect(statuses).toEqual(['CREATED', 'EXISTS']);
    expect(await t.sql(`select id from elder where id_number = $1`, [idNumber])).toHaveLength(1);
  });

  it('an import that inserts while another transaction holds the same ID number waits, then reports EXISTS, not an error', async () => {
    const idNumber = idNumberFor('1948-08-09');
    const other = new pg.Client({ connectionString: t.dbUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(
        `insert into elder (county_code, region_code, name, gender, birth_date, id_number) values ('440783', $1, '陈婆', 'FEMALE', '1948-08-09', $2)`,
        [REGIONS.villageA1, idNumber],
      );
      const pending = importAs(town, [{ name: '陈婆', idNumber, regionCode: REGIONS.villageA1, phone: '13812345678' }]);
      // The import planned (no archive yet) and is now blocked on the uncommitted index entry.
      for (let i = 0; i < 100; i++) {
        const [waiting] = await t.sql(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (waiting!.n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await other.query('commit');
      const result = ok(await pending).importElders;
      expect(result.records[0]).toMatchObject({ status: 'EXISTS', inJurisdiction: true, elderName: '陈婆', differences: ['phone'] });
      expect(result.created).toBe(0);
      expect(await t.sql(`select 1 from elder where id_number = $1`, [idNumber])).toHaveLength(1);
    } finally {
      await other.end();
    }
  });

  it('the other order: a registration waiting on an import’s uncommitted archive gets CONFLICT once the import commits', async () => {
    const idNumber = idNumberFor('1948-08-10');
    const holder = new pg.Client({ connectionString: t.dbUrl });
    await holder.connect();
    const lockWaiters = async (n: number) => {
      for (let i = 0; i < 100; i++) {
        const [w] = await t.sql(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
        if (w!.n >= n) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`expected ${n} waiting statements`);
    };
    try {
      // Holds the import at its last step (storing its answer), after it inserted the archive: reads still pass.
      await holder.query('begin');
      await holder.query('lock table import_batch in exclusive mode');
      const imported = importAs(town, [{ name: '陈叔', idNumber, regionCode: REGIONS.villageA1 }]);
      await lockWaiters(1);
      const registered = t.exec(town, `mutation($input: RegisterElderInput!) { registerElder(input: $input) { id } }`, {
        input: { name: '陈叔', idNumber, regionCode: REGIONS.villageA1 },
      });
      await lockWaiters(2);
      await holder.query('commit');
      const [i, r] = await Promise.all([imported, registered]);
      expect(ok(i).importElders.records[0]!.status).toBe('CREATED');
      expect(codeOf(r)).toBe('CONFLICT');
      expect(await t.sql(`select 1 from elder where id_number = $1`, [idNumber])).toHaveLength(1);
    } finally {
      await holder.end();
    }
  });

  it('stress: rounds of two imports sharing half their people, in opposite orders: one archive each, never a deadlock or an error', async () => {
    // Big enough that the two inserts run at the same time (each takes a few hundred milliseconds).
    for (let round = 0; round < 4; round++) {
      const people = Array.from({ length: 1500 }, (_, i) => ({ name: '并发', idNumber: bulkIdNumber(20_000 + round * 2000 + i), regionCode: REGIONS.villageA1 }));
      const first = people.slice(0, 1000);
      const second = people.slice(500).reverse();
      const [a, b] = await Promise.all([importAs(town, first), importAs(admin, second)]);
      const ra = ok(a).importElders.records;
      const rb = ok(b).importElders.records;
      // Each person is CREATED exactly once across the two answers; the shared ones are EXISTS in the other.
      const created = new Map<string, number>();
      ra.forEach((r, i) => r.status === 'CREATED' && created.set(first[i]!.idNumber, (created.get(first[i]!.idNumber) ?? 0) + 1));
      rb.forEach((r, i) => r.status === 'CREATED' && created.set(second[i]!.idNumber, (created.get(second[i]!.idNumber) ?? 0) + 1));
      expect([...created.values()].every((n) => n === 1)).toBe(true);
      expect(created.size).toBe(1500);
      expect([...ra, ...rb].every((r) => r.status === 'CREATED' || r.status === 'EXISTS')).toBe(true);
      const [row] = await t.sql(`select count(*)::int as n from elder where id_number = any($1::text[])`, [people.map((p) => p.idNumber)]);
      expect(row!.n).toBe(1500);
    }
  }, 60_000);

  it('imports 5,000 records with contacts and household members in a bounded number of statements', async () => {
    const records = Array.from({ length: 5000 }, (_, i) => {
      const idNumber = bulkIdNumber(i);
      return {
        name: '批量老人',
        idNumber,
        regionCode: i % 2 ? REGIONS.villageA1 : REGIONS.villageA2,
        phone: '13800138000',
        circumstances: i % 3 ? ['LIVING_ALONE'] : ['EMPTY_NEST'],
        emergencyContacts: [{ kind: 'CHILD', name: '子女', relation: '儿子', phone: '13900139000' }],
        householdMembers: [{ name: '批量老人', relation: '户主', idNumber }, { name: '配偶', relation: '配偶' }],
        registeredOn: '2026-01-01',
        sourceRef: `第${i + 2}行`,
      };
    });
    const before = await counts();
    const started = performance.now();
    const result = await importAs(town, records);
    const seconds = (performance.now() - started) / 1000;
    const data = ok(result).importElders;
    expect(data.created).toBe(5000);
    const after = await counts();
    expect([after.elder - before.elder, after.contacts - before.contacts, after.members - before.members]).toEqual([5000, 5000, 10000]);
    expect(after.audit - before.audit).toBe(5000);
    expect(after.class_history - before.class_history).toBe(5000);
    // Set-based: a few statements per chunk of 2,500, not one per record.
    expect(result.sqlStatements).toBeLessThan(30);
    console.log(`importElders: 5,000 records (1 contact, 2 household members each) in ${seconds.toFixed(2)} s = ${Math.round(5000 / seconds)} rows/s, ${result.sqlStatements} SQL statements`);
  }, 120_000);
});
