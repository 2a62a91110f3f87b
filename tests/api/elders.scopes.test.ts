import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { GET, registerElder, UPDATE, type ElderData } from '../helpers/elders.js';

/**
 * Jurisdiction, operation by operation, for a town user and a village user: lists, lookups by id, nested
 * fields and mutations. Outside the subtree an archive is NOT_FOUND, exactly like a missing id.
 */
let t: TestApp;
let admin: TestUser;
let townA: TestUser;
let villageA1: TestUser;
let inA1: ElderData;
let inA2: ElderData;
let inB1: ElderData;

const LIST = `query($filter: ElderFilter) { elders(filter: $filter, first: 100) { totalCount nodes { id region { code } } } }`;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  villageA1 = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  inA1 = await registerElder(t, admin, { regionCode: REGIONS.villageA1, idNumber: idNumberFor('1940-01-01') });
  inA2 = await registerElder(t, admin, { regionCode: REGIONS.villageA2, idNumber: idNumberFor('1940-01-02') });
  inB1 = await registerElder(t, admin, { regionCode: REGIONS.villageB1, idNumber: idNumberFor('1940-01-03') });
});
afterAll(() => t.close());

const idsOf = (data: any) => data.elders.nodes.map((n: { id: string }) => n.id).sort();

describe('elders list', () => {
  it('shows each user only their subtree', async () => {
    expect(idsOf(ok(await t.exec(admin, LIST)))).toEqual([inA1.id, inA2.id, inB1.id].sort());
    expect(idsOf(ok(await t.exec(townA, LIST)))).toEqual([inA1.id, inA2.id].sort());
    expect(idsOf(ok(await t.exec(villageA1, LIST)))).toEqual([inA1.id]);
    // A county or town inside the jurisdiction is read by its index conditions (the filter's LIKE set aside after
    // checking): the same rows and counts.
    const ownTown = ok(await t.exec<any>(townA, LIST, { filter: { regionCode: REGIONS.townA } }));
    expect([idsOf(ownTown), ownTown.elders.totalCount]).toEqual([[inA1.id, inA2.id].sort(), 2]);
    const county = ok(await t.exec<any>(admin, LIST, { filter: { regionCode: REGIONS.city } }));
    expect([idsOf(county), county.elders.totalCount]).toEqual([[inA1.id, inA2.id, inB1.id].sort(), 3]);
    const otherTown = ok(await t.exec<any>(admin, LIST, { filter: { regionCode: REGIONS.townB } }));
    expect([idsOf(otherTown), otherTown.elders.totalCount]).toEqual([[inB1.id], 1]);
  });

  it('cannot be widened by a filter on a region outside the subtree', async () => {
    const town = ok(await t.exec<any>(townA, LIST, { filter: { regionCode: REGIONS.townB } }));
    expect(town.elders).toEqual({ totalCount: 0, nodes: [] });
    const village = ok(await t.exec<any>(villageA1, LIST, { filter: { regionCode: REGIONS.city } }));
    expect(idsOf(village)).toEqual([inA1.id]);
    expect(village.elders.totalCount).toBe(1);
    const townOfVillage = ok(await t.exec<any>(villageA1, LIST, { filter: { regionCode: REGIONS.townA } }));
    expect([idsOf(townOfVillage), townOfVillage.elders.totalCount]).toEqual([[inA1.id], 1]);
  });

  it('cannot find an outside archive by its full ID number', async () => {
    const result = ok(await t.exec<any>(townA, LIST, { filter: { text: (inB1 as any).fullIdNumber } }));
    expect(result.elders.totalCount).toBe(0);
  });
});

describe('elder by id', () => {
  it('is NOT_FOUND outside the subtree, the same answer as a missing id', async () => {
    const outside = await t.exec(townA, GET, { id: inB1.id });
    const missing = await t.exec(townA, GET, { id: '00000000-0000-4000-8000-000000000000' });
    expect(codeOf(outside)).toBe('NOT_FOUND');
    expect(outside.errors![0]!.message).toBe(missing.errors![0]!.message);
    expect(codeOf(await t.exec(villageA1, GET, { id: inA2.id }))).toBe('NOT_FOUND');
    expect(ok(await t.exec<any>(villageA1, GET, { id: inA1.id })).elder.id).toBe(inA1.id);
  });

  it('writes no read audit for a refused lookup', async () => {
    await t.exec(townA, GET, { id: inB1.id });
    const rows = await t.sql(`select 1 from audit_event where action = 'ELDER_READ' and elder_id = $1 and actor_id = $2`, [inB1.id, townA.id]);
    expect(rows).toHaveLength(0);
  });
});

describe('nested fields', () => {
  it('region tree: a village user sees its ancestors and itself, not its siblings', async () => {
    const q = `query($code: String) { regions(parentCode: $code) { code } }`;
    const underTown = ok(await t.exec<any>(villageA1, q, { code: REGIONS.townA })).regions.map((r: { code: string }) => r.code);
    expect(underTown).toEqual([REGIONS.villageA1]);
    const underCity = ok(await t.exec<any>(townA, q, { code: REGIONS.city })).regions.map((r: { code: string }) => r.code);
    expect(underCity).toEqual([REGIONS.townA]);
    expect(codeOf(await t.exec(villageA1, `{ region(code: "${REGIONS.villageA2}") { code } }`))).toBe('NOT_FOUND');
    const path = ok(await t.exec<any>(villageA1, `{ region(code: "${REGIONS.villageA1}") { parent { code parent { code } } children { code } } }`));
    expect(path.region.parent).toEqual({ code: REGIONS.townA, parent: { code: REGIONS.city } });
  });

  it('a town user walking the tree from the city down reaches only its own town', async () => {
    const q = `{ regions { code children { code children { code } } } }`;
    const tree = ok(await t.exec<any>(townA, q)).regions;
    expect(tree.map((r: { code: string }) => r.code)).toEqual([REGIONS.townA]);
    expect(tree[0].children.every((v: { code: string }) => v.code.startsWith(REGIONS.townA))).toBe(true);
  });
});

describe('mutations', () => {
  it('update, close, refusal and reveal of an outside archive are NOT_FOUND and change nothing', async () => {
    expect(codeOf(await t.exec(townA, UPDATE, { id: inB1.id, version: 1, input: { name: '篡改' } }))).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.exec(townA, `mutation($id: ID!) { closeElder(id: $id, version: 1, input: { status: DECEASED, effectiveDate: "2026-11-01", reason: "测试" }) { id } }`, {
          id: inB1.id,
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      codeOf(
        await t.exec(villageA1, `mutation($id: ID!) { recordRefusal(elderId: $id, version: 1, input: { refusedOn: "2026-11-01", reason: "测试", talkedWith: "测试" }) { id } }`, {
          id: inA2.id,
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(codeOf(await t.exec(townA, `mutation($id: ID!) { revealElderIdentity(elderId: $id, purpose: "核对身份") { idNumber } }`, { id: inB1.id }))).toBe('NOT_FOUND');
    const [row] = await t.sql('select name, status, version, accepts_visits from elder where id = $1', [inB1.id]);
    expect(row).toEqual({ name: '关国华', status: 'ACTIVE', version: 1, accepts_visits: true });
  });

  it('a village user registers only in its own village', async () => {
    const other = await t.exec(villageA1, `mutation($i: RegisterElderInput!) { registerElder(input: $i) { id } }`, {
      i: { name: '张三', idNumber: idNumberFor('1945-01-01'), regionCode: REGIONS.villageA2 },
    });
    expect(codeOf(other)).toBe('FORBIDDEN');
  });
});

describe('roles without archive scopes', () => {
  it.each(['INTEGRATOR', 'AUDITOR', 'POLICE', 'HEALTH', 'DISABILITY', 'HOUSING'] as const)('%s gets FORBIDDEN on every archive operation', async (role) => {
    const user = await t.user(role, REGIONS.city);
    const ops: [string, Record<string, unknown>][] = [
      [`{ elders { totalCount } }`, {}],
      [GET, { id: inA1.id }],
      [UPDATE, { id: inA1.id, version: 1, input: { name: '篡改' } }],
      [`mutation($id: ID!) { revealElderIdentity(elderId: $id, purpose: "核对身份") { idNumber } }`, { id: inA1.id }],
      [`mutation($i: RegisterElderInput!) { registerElder(input: $i) { id } }`, { i: { name: '张三', idNumber: idNumberFor('1945-01-01'), regionCode: REGIONS.villageA1 } }],
    ];
    for (const [query, variables] of ops) {
      const result = await t.exec(user, query, variables);
      expect(codeOf(result), query).toBe('FORBIDDEN');
      expect(result.data ?? null).toBeNull();
    }
  });

  it('anonymous callers are UNAUTHENTICATED; `me` is null', async () => {
    expect(codeOf(await t.exec(null, `{ elders { totalCount } }`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.exec(null, `{ regions { code } }`))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.exec(null, `{ auditLog { totalCount } }`))).toBe('UNAUTHENTICATED');
    expect(ok(await t.exec(null, `{ me { id } }`))).toEqual({ me: null });
  });
});
