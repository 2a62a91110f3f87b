import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, UPDATE, type ElderData } from '../helpers/elders.js';
import { ARCHIVE_CHANGE_ACTIONS } from '../../packages/api/src/modules/audit/audit.service.js';
import { ELDER_HISTORY_ACTIONS } from '../../packages/api/src/db/migrations/Migration20261206025200_elder_history_index.js';

let t: TestApp;
let town: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
});
afterAll(() => t.close());

const update = (id: string, version: number, input: Record<string, unknown>, as: TestUser = town) =>
  t.exec<{ updateElder: ElderData }>(as, UPDATE, { id, version, input });

const CLOSE = `mutation($id: ID!, $version: Int!, $input: CloseElderInput!) {
  closeElder(id: $id, version: $version, input: $input) { id status statusDate statusReason version } }`;
const REOPEN = `mutation($id: ID!, $version: Int!, $reason: String!) { reopenElder(id: $id, version: $version, reason: $reason) { id status statusDate version } }`;
const REFUSE = `mutation($id: ID!, $version: Int!, $input: RecordRefusalInput!) {
  recordRefusal(elderId: $id, version: $version, input: $input) { id acceptsVisits status version refusals { refusedOn reason talkedWith withdrawnOn } } }`;
const WITHDRAW = `mutation($id: ID!, $version: Int!, $input: WithdrawRefusalInput!) {
  withdrawRefusal(elderId: $id, version: $version, input: $input) { id acceptsVisits version refusals { withdrawnOn } } }`;
const HISTORY = `query($id: ID!, $first: Int, $after: String) { elder(id: $id) { history(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { at action actorUsername changes { field old new } } } } }`;

describe('updateElder', () => {
  it('changes only the fields given, bumps the version and keeps the rest', async () => {
    const elder = await registerElder(t, town, { phone: '13800138000', addressDetail: '3巷5号', circumstances: ['LIVING_ALONE'] });
    const updated = ok(await update(elder.id, elder.version, { addressDetail: '4巷1号' })).updateElder;
    expect(updated).toMatchObject({ version: 2, addressDetail: '4巷1号', phone: '138****8000', circumstances: ['LIVING_ALONE'] });
  });

  it('refuses a stale version with CONFLICT and overwrites nothing', async () => {
    const elder = await registerElder(t, town, { addressDetail: '原地址' });
    ok(await update(elder.id, 1, { addressDetail: '甲的修改' }));
    const stale = await update(elder.id, 1, { addressDetail: '乙的修改', name: '乙改名' });
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.extensions!.currentVersion).toBe(2);
    expect(stale.errors![0]!.message).toContain('请刷新后再保存');
    const [row] = await t.sql('select address_detail, name, version from elder where id = $1', [elder.id]);
    expect(row).toEqual({ address_detail: '甲的修改', name: '关国华', version: 2 });
  });

  it('lets exactly one of two concurrent edits of the same version win', async () => {
    const elder = await registerElder(t, town);
    const results = await Promise.all([
      update(elder.id, 1, { addressDetail: 'A' }),
      update(elder.id, 1, { addressDetail: 'B' }),
      update(elder.id, 1, { addressDetail: 'C' }),
    ]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === 'CONFLICT')).toHaveLength(2);
    const [row] = await t.sql('select version from elder where id = $1', [elder.id]);
    expect(row!.version).toBe(2);
  });

  it('replaces lists, clears details of a removed circumstance, and records nothing for a no-op', async () => {
    const id = idNumberFor('1950-02-02');
    const elder = await registerElder(t, town, {
      idNumber: id,
      circumstances: ['DISABLED', 'LIVING_ALONE'],
      disability: { category: 'VISUAL', grade: 1 },
      emergencyContacts: [{ kind: 'CHILD', name: '关儿', phone: '13800000001' }],
    });
    const v2 = ok(
      await update(elder.id, 1, {
        circumstances: ['LIVING_ALONE'],
        emergencyContacts: [
          { kind: 'RELATIVE', name: '关侄', phone: '13800000002' },
          { kind: 'CHILD', name: '关女', phone: '13800000003' },
        ],
      }),
    ).updateElder;
    expect(v2.circumstances).toEqual(['LIVING_ALONE']);
    expect(v2.disability).toBeNull();
    expect(v2.emergencyContacts.map((c: { name: string }) => c.name)).toEqual(['关女', '关侄']);
    const [{ count }] = await t.sql('select count(*)::int as count from elder_contact where elder_id = $1', [elder.id]);
    expect(count).toBe(2);

    const same = ok(await update(elder.id, 2, { circumstances: ['LIVING_ALONE'], addressDetail: v2.addressDetail })).updateElder;
    expect(same.version).toBe(2);
    const [{ audits }] = await t.sql(`select count(*)::int as audits from audit_event where elder_id = $1 and action = 'ELDER_UPDATE'`, [elder.id]);
    expect(audits).toBe(1);
  });

  it('corrects an ID number (birth date and gender follow) but not into someone else’s', async () => {
    const a = await registerElder(t, town, { idNumber: idNumberFor('1950-03-03', true) });
    const b = await registerElder(t, town, { idNumber: idNumberFor('1951-04-04', true) });
    const corrected = idNumberFor('1949-12-31', false);
    const fixed = ok(await update(a.id, 1, { idNumber: corrected })).updateElder;
    expect(fixed).toMatchObject({ birthDate: '1949-12-31', gender: 'FEMALE' });
    const clash = await update(b.id, 1, { idNumber: corrected });
    expect(codeOf(clash)).toBe('CONFLICT');
    expect(clash.errors![0]!.extensions!.existingElderId).toBe(a.id);
    const wrongCheck = b.fullIdNumber.slice(0, 17) + (b.fullIdNumber[17] === '1' ? '2' : '1');
    const wrong = await update(b.id, 1, { idNumber: wrongCheck });
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
  });

  it('moves an archive inside the jurisdiction, and refuses a move outside it', async () => {
    const elder = await registerElder(t, town);
    const moved = ok(await update(elder.id, 1, { regionCode: REGIONS.villageA2 })).updateElder;
    expect(moved.region.code).toBe(REGIONS.villageA2);
    const out = await update(elder.id, 2, { regionCode: REGIONS.villageB1 });
    expect(codeOf(out)).toBe('FORBIDDEN');
    const [row] = await t.sql('select region_code from elder where id = $1', [elder.id]);
    expect(row!.region_code).toBe(REGIONS.villageA2);
  });

  it('refuses a null name and an unknown id', async () => {
    const elder = await registerElder(t, town);
    expect(fieldsOf(await update(elder.id, 1, { name: null }))).toEqual(['name']);
    expect(codeOf(await update('00000000-0000-0000-0000-000000000000', 1, { name: '张三' }))).toBe('NOT_FOUND');
    expect(codeOf(await update('not-a-uuid', 1, { name: '张三' }))).toBe('NOT_FOUND');
  });
});

describe('closing and reopening an archive', () => {
  it('closes with a date and reason, never deletes, and reopens a mistaken closure', async () => {
    t.clock.set('2026-11-15T02:00:00Z');
    const elder = await registerElder(t, town);
    const future = await t.exec(town, CLOSE, { id: elder.id, version: 1, input: { status: 'DECEASED', effectiveDate: '2026-11-20', reason: '病故' } });
    expect(codeOf(future)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(future)).toEqual(['effectiveDate']);
    const noReason = await t.exec(town, CLOSE, { id: elder.id, version: 1, input: { status: 'DECEASED', effectiveDate: '2026-11-10', reason: ' ' } });
    expect(fieldsOf(noReason)).toEqual(['reason']);
    const badDate = await t.exec(town, CLOSE, { id: elder.id, version: 1, input: { status: 'DECEASED', effectiveDate: '2026-02-30', reason: '病故' } });
    expect(codeOf(badDate)).toBe('BAD_USER_INPUT');

    const closed = ok(
      await t.exec<{ closeElder: ElderData }>(town, CLOSE, { id: elder.id, version: 1, input: { status: 'DECEASED', effectiveDate: '2026-11-10', reason: '病故' } }),
    ).closeElder;
    expect(closed).toMatchObject({ status: 'DECEASED', statusDate: '2026-11-10', statusReason: '病故', version: 2 });
    const twice = await t.exec(town, CLOSE, { id: elder.id, version: 2, input: { status: 'MOVED_AWAY', effectiveDate: '2026-11-10', reason: '迁出' } });
    expect(codeOf(twice)).toBe('CONFLICT');

    const reopened = ok(await t.exec<{ reopenElder: ElderData }>(town, REOPEN, { id: elder.id, version: 2, reason: '误报死亡，经核实老人健在' })).reopenElder;
    expect(reopened).toMatchObject({ status: 'ACTIVE', statusDate: null, version: 3 });
    expect(codeOf(await t.exec(town, REOPEN, { id: elder.id, version: 3, reason: '再次恢复' }))).toBe('CONFLICT');
    const [{ count }] = await t.sql('select count(*)::int as count from elder where id = $1', [elder.id]);
    expect(count).toBe(1);
  });
});

describe('refusals', () => {
  it('records a written refusal (the elder stays), refuses a second one, and withdraws it', async () => {
    const elder = await registerElder(t, town);
    const refused = ok(
      await t.exec<{ recordRefusal: ElderData }>(town, REFUSE, {
        id: elder.id,
        version: 1,
        input: { refusedOn: '2026-11-01', reason: '子女常回家照看，不需要探访', talkedWith: '谢社工' },
      }),
    ).recordRefusal;
    expect(refused).toMatchObject({ acceptsVisits: false, status: 'ACTIVE', version: 2 });
    expect(refused.refusals).toEqual([{ refusedOn: '2026-11-01', reason: '子女常回家照看，不需要探访', talkedWith: '谢社工', withdrawnOn: null }]);

    const again = await t.exec(town, REFUSE, { id: elder.id, version: 2, input: { refusedOn: '2026-11-02', reason: '再次拒绝', talkedWith: '谢社工' } });
    expect(codeOf(again)).toBe('CONFLICT');
    const early = await t.exec(town, WITHDRAW, { id: elder.id, version: 2, input: { acceptedOn: '2026-10-01' } });
    expect(fieldsOf(early)).toEqual(['acceptedOn']);

    const withdrawn = ok(await t.exec<{ withdrawRefusal: ElderData }>(town, WITHDRAW, { id: elder.id, version: 2, input: { acceptedOn: '2026-11-12', note: '老人同意' } }))
      .withdrawRefusal;
    expect(withdrawn).toMatchObject({ acceptsVisits: true, version: 3, refusals: [{ withdrawnOn: '2026-11-12' }] });
    expect(codeOf(await t.exec(town, WITHDRAW, { id: elder.id, version: 3, input: { acceptedOn: '2026-11-12' } }))).toBe('CONFLICT');
  });

  it('needs the reason and who talked with the elder, and a date that has happened', async () => {
    const elder = await registerElder(t, town);
    const result = await t.exec(town, REFUSE, { id: elder.id, version: 1, input: { refusedOn: '2027-01-01', reason: '', talkedWith: '' } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
  });
});

describe('archive history', () => {
  it('lists every change newest first with masked identity values, paged', async () => {
    const elder = await registerElder(t, town, { phone: '13800138000' });
    ok(await update(elder.id, 1, { phone: '13900139000', name: '关国强' }));
    ok(await update(elder.id, 2, { idNumber: idNumberFor('1950-08-08') }));
    const first = ok(await t.exec<any>(town, HISTORY, { id: elder.id, first: 2 })).elder.history;
    expect(first.totalCount).toBe(3);
    expect(first.nodes.map((n: { action: string }) => n.action)).toEqual(['ELDER_UPDATE', 'ELDER_UPDATE']);
    const idChange = first.nodes[0].changes.find((c: { field: string }) => c.field === 'idNumber');
    expect(idChange.old).toMatch(/^440783\*{8}/);
    expect(idChange.new).toMatch(/^440783\*{8}/);
    const phoneChange = first.nodes[1].changes.find((c: { field: string }) => c.field === 'phone');
    expect(phoneChange).toEqual({ field: 'phone', old: '138****8000', new: '139****9000' });
    expect(first.nodes[1].actorUsername).toBe(town.username);
    const rest = ok(await t.exec<any>(town, HISTORY, { id: elder.id, first: 2, after: first.pageInfo.endCursor })).elder.history;
    expect(rest.nodes.map((n: { action: string }) => n.action)).toEqual(['ELDER_REGISTER']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    // When each change was made, as the audit log has it (the test clock's instant, ISO 8601).
    const [registered] = await t.sql<{ at: Date }>(`select at from audit_event where elder_id = $1 and action = 'ELDER_REGISTER'`, [elder.id]);
    expect(rest.nodes[0].at).toBe(registered!.at.toISOString());
  });

  it('is read through the index of change actions only, whose list is the history\'s own', async () => {
    // The partial index's predicate must be the history's action list word for word, or the planner cannot use it.
    expect([...ELDER_HISTORY_ACTIONS].sort()).toEqual([...ARCHIVE_CHANGE_ACTIONS].sort());
    const elder = await registerElder(t, town);
    // Reads of the archive add audit rows of their own; the history steps over none of them.
    for (let i = 0; i < 3; i++) ok(await t.exec<any>(town, `query($id: ID!) { elder(id: $id) { id name } }`, { id: elder.id }));
    const list = ARCHIVE_CHANGE_ACTIONS.map((a) => `'${a}'`).join(', ');
    // The test database is tiny, so sequential scans are off (for this function's call only) to see which index wins.
    await t.sql(`create or replace function test_plan(q text) returns setof text language plpgsql set enable_seqscan = off
                   as $$ begin return query execute 'explain (costs off) ' || q; end $$`);
    const plan = await t.sql<{ test_plan: string }>(
      `select test_plan($1)`, [`select * from audit_event where elder_id = '${elder.id}' and action in (${list}) order by id desc limit 51`],
    );
    const partitionIndexes = (await t.sql<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = 'audit_event_elder_change_idx'`,
    )).map((r) => r.name);
    expect(partitionIndexes.length).toBeGreaterThan(0);
    const text = plan.map((r) => r.test_plan).join('\n');
    expect(partitionIndexes.some((name) => text.includes(name)), text).toBe(true);
  });
});
