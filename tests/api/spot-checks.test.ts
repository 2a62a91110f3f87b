import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationRates } from '../../packages/api/src/modules/visits/spot-checks.queries.js';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * 四不两直 spot checks (抽查回访, issue 16 item 4a): a reproducible sample of a period's visits (seeded, the seed kept),
 * one current draw per region and period, a size cap, call-back results with optimistic concurrency, the
 * verification rate per child region (confirmed ÷ checked, unreachable apart), and who may do what.
 */
const NOW = '2026-11-20T02:00:00Z';
const NOV = { kind: 'MONTH', date: '2026-11-10' };
const Q4 = { kind: 'QUARTER', date: '2026-10-01' };

const DRAW = `mutation($r: String!, $p: PeriodInput!, $size: Int!, $redraw: Boolean) {
  drawSpotChecks(regionCode: $r, period: $p, size: $size, redraw: $redraw) {
    id regionCode regionName period from to seed size population drawn recorded drawnBy created } }`;
const CURRENT = `query($r: String, $p: PeriodInput!) { spotCheckDraw(regionCode: $r, period: $p) { id seed } }`;
const LIST = `query($id: ID!, $first: Int, $after: String) { spotChecks(drawId: $id, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { id rank visitId visitedOn method visitorName regionName result note checkedAt checkedBy version elder { id name idNumber } } } }`;
const RECORD = `mutation($id: ID!, $v: Int!, $result: SpotCheckResult!, $note: String) {
  recordSpotCheck(id: $id, version: $v, result: $result, note: $note) { id result note checkedAt checkedBy version } }`;
const RATES = `query($r: String, $p: PeriodInput!) { spotCheckRates(regionCode: $r, period: $p) {
  regionCode regionName drawn checked confirmed notConfirmed unreachable pending rate } }`;

type Draw = { id: string; seed: string; population: number; drawn: number; recorded: number; created: boolean; [k: string]: any };
type Check = { id: string; rank: number; visitId: string; version: number; result: string | null; [k: string]: any };

let t: TestApp;
let town: TestUser;
let townB: TestUser;
let admin: TestUser;
let worker: TestUser;

let seq = 0;
const visitorIds = new Map<string, string>();
/** The visitor of a town (by the town's code), made on first use. */
async function visitorOf(town: string): Promise<string> {
  if (!visitorIds.has(town)) {
    const made = ok(await t.exec<{ createVisitor: { id: string } }>(admin, `mutation($i: CreateVisitorInput!) { createVisitor(input: $i) { id } }`, {
      i: { kind: 'CIVIL_AFFAIRS_CADRE', name: town === REGIONS.townA ? '探访员甲' : '探访员乙', regionCode: town },
    })).createVisitor;
    visitorIds.set(town, made.id);
  }
  return visitorIds.get(town)!;
}

/** An elder of `village` with one home visit on `day` (recorded by the town, as a paper form). */
async function visited(village: string, day: string): Promise<void> {
  seq++;
  t.clock.set('2026-09-01T02:00:00Z');
  const elder = await registerElder(t, admin, {
    name: `抽${String.fromCharCode(0x4e00 + seq)}${String.fromCharCode(0x4e00 + ((seq * 13) % 400))}`,
    regionCode: village,
    idNumber: idNumberFor(`1945-${String((seq % 12) + 1).padStart(2, '0')}-${String((seq % 27) + 1).padStart(2, '0')}`),
  });
  t.clock.set(NOW);
  const visitorId = await visitorOf(village.slice(0, 9));
  ok(await t.exec(admin, `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`, {
    i: { elderId: elder.id, visitedAt: `${day}T02:00:00Z`, method: 'HOME', visitorId },
  }));
}

const draw = async (as: TestUser, r: string, size: number, p = NOV, redraw = false) =>
  ok(await t.exec<{ drawSpotChecks: Draw }>(as, DRAW, { r, p, size, redraw })).drawSpotChecks;
const list = async (as: TestUser, id: string, first = 50) => ok(await t.exec<{ spotChecks: { totalCount: number; nodes: Check[] } }>(as, LIST, { id, first })).spotChecks;

/** The sample re-derived from the seed alone, outside the API. */
async function derive(region: string, seed: string, from: string, to: string, size: number): Promise<string[]> {
  const rows = await t.sql<{ id: string }>(
    `select id from visit where starts_with(region_code, $1) and visited_on between $2::date and $3::date order by md5($4 || id::text), id limit $5`,
    [region, from, to, seed, size],
  );
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  admin = await t.user('ADMIN', REGIONS.city);
  worker = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  // Town A: 6 + 4 November visits in two villages and 2 in October; town B: 3 in November.
  for (let i = 0; i < 6; i++) await visited(REGIONS.villageA1, `2026-11-0${i + 1}`);
  for (let i = 0; i < 4; i++) await visited(REGIONS.villageA2, `2026-11-1${i}`);
  for (let i = 0; i < 2; i++) await visited(REGIONS.villageA1, `2026-10-2${i}`);
  for (let i = 0; i < 3; i++) await visited(REGIONS.villageB1, `2026-11-0${i + 2}`);
}, 120_000);
afterAll(() => t.close());

let drawA: Draw;
let checksA: Check[];

describe('drawSpotChecks', () => {
  it('draws the first `size` visits by md5(seed || id): the stored seed derives the same sample, in the same order', async () => {
    drawA = await draw(town, REGIONS.townA, 5);
    expect(drawA).toMatchObject({ regionCode: REGIONS.townA, period: '2026-11', from: '2026-11-01', to: '2026-11-30', size: 5, population: 10, drawn: 5, recorded: 0, created: true });
    expect(drawA.regionName).toContain('三埠街道');
    expect(drawA.drawnBy).toBe(`测试 ${town.username}`);
    const page = await list(town, drawA.id);
    checksA = page.nodes;
    expect(page.totalCount).toBe(5);
    expect(checksA.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(checksA.map((c) => c.visitId)).toEqual(await derive(REGIONS.townA, drawA.seed, '2026-11-01', '2026-11-30', 5));
    // Each line names the elder (identity masked), the visitor and the day; only November visits of town A.
    for (const c of checksA) {
      expect(c.elder.name).toMatch(/^抽/);
      expect(c.elder.idNumber).toContain('*');
      expect(c.visitorName).toBe('探访员甲');
      expect(c.visitedOn >= '2026-11-01' && c.visitedOn <= '2026-11-30').toBe(true);
      expect(c.regionName).toContain('三埠街道');
      expect(c).toMatchObject({ result: null, checkedBy: null, version: 1, method: 'HOME' });
    }
  });

  it('returns the current draw when asked again (no new sample), and redraws with a new seed only when asked', async () => {
    const again = await draw(admin, REGIONS.townA, 3);
    expect(again).toMatchObject({ id: drawA.id, seed: drawA.seed, size: 5, created: false });
    const current = ok(await t.exec<{ spotCheckDraw: { id: string } | null }>(town, CURRENT, { r: REGIONS.townA, p: { kind: 'MONTH', date: '2026-11-29' } })).spotCheckDraw;
    expect(current?.id).toBe(drawA.id);
    const redrawn = await draw(town, REGIONS.townA, 4, NOV, true);
    expect(redrawn.id).not.toBe(drawA.id);
    expect(redrawn.seed).not.toBe(drawA.seed);
    expect(redrawn).toMatchObject({ size: 4, drawn: 4, created: true });
    expect((await list(town, redrawn.id)).nodes.map((c) => c.visitId)).toEqual(await derive(REGIONS.townA, redrawn.seed, '2026-11-01', '2026-11-30', 4));
    // The old draw is kept (superseded), so its sample can still be shown.
    const [old] = await t.sql<{ superseded: boolean }>(`select superseded_at is not null as superseded from spot_check_draw where id = $1`, [drawA.id]);
    expect(old!.superseded).toBe(true);
    // Put the first draw back as current for the tests below.
    await t.sql(`update spot_check_draw set superseded_at = now() where id = $1`, [redrawn.id]);
    await t.sql(`update spot_check_draw set superseded_at = null where id = $1`, [drawA.id]);
  });

  it('draws its own sample for another region, from that region’s visits only; a quarter covers October too', async () => {
    const b = await draw(townB, REGIONS.townB, 10);
    expect(b).toMatchObject({ regionCode: REGIONS.townB, population: 3, drawn: 3, created: true });
    expect(b.seed).not.toBe(drawA.seed);
    const nodes = (await list(townB, b.id)).nodes;
    expect(nodes.map((c) => c.visitId).sort()).toEqual((await derive(REGIONS.townB, b.seed, '2026-11-01', '2026-11-30', 10)).sort());
    expect(nodes.every((c) => c.regionName.includes('沙塘镇') && c.visitorName === '探访员乙')).toBe(true);
    const q = await draw(town, REGIONS.villageA1, 20, Q4);
    expect(q).toMatchObject({ period: '2026-Q4', from: '2026-10-01', to: '2026-12-31', population: 8, drawn: 8 });
  });

  it('refuses a size outside 1 to 200 and a period not started yet, all at once, writing nothing', async () => {
    const before = await t.sql<{ n: number }>(`select count(*)::int as n from spot_check_draw`);
    const big = await t.exec(town, DRAW, { r: REGIONS.villageA2, p: NOV, size: 201 });
    expect(codeOf(big)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(big)).toEqual(['size']);
    expect(big.errors![0]!.message).toContain('200');
    const both = await t.exec(town, DRAW, { r: REGIONS.villageA2, p: { kind: 'MONTH', date: '2027-01-05' }, size: 0 });
    expect(fieldsOf(both)).toEqual(['size', 'period']);
    expect(await t.sql(`select count(*)::int as n from spot_check_draw`)).toEqual(before);
  });

  it('audits the draw with its seed, and every elder a list serves as a read', async () => {
    const [row] = await t.sql<{ n: number; seed: string }>(
      `select count(*)::int as n, max(detail->>'seed') as seed from audit_event where action = 'SPOT_CHECK_DRAW' and detail->>'drawId' = $1`,
      [drawA.id],
    );
    expect(row).toEqual({ n: 1, seed: drawA.seed });
    const reads = await t.sql<{ elder_id: string }>(
      `select distinct elder_id from audit_event where action = 'ELDER_READ' and actor_id = $1 and detail->'via' ? 'spotChecks'`,
      [town.id],
    );
    expect(reads.length).toBeGreaterThanOrEqual(5);
  });
});

describe('recordSpotCheck', () => {
  it('records the call-back with who and when; a stale version is CONFLICT naming who recorded', async () => {
    const [first] = checksA;
    const done = ok(await t.exec<{ recordSpotCheck: Check }>(town, RECORD, { id: first!.id, v: 1, result: 'CONFIRMED', note: '老人确认 11 月上门' })).recordSpotCheck;
    expect(done).toMatchObject({ result: 'CONFIRMED', note: '老人确认 11 月上门', version: 2, checkedBy: `测试 ${town.username}`, checkedAt: NOW.replace('Z', '.000Z') });
    const stale = await t.exec(admin, RECORD, { id: first!.id, v: 1, result: 'NOT_CONFIRMED', note: '否认' });
    expect(codeOf(stale)).toBe('CONFLICT');
    expect(stale.errors![0]!.message).toContain(`测试 ${town.username}`);
    const [row] = await t.sql<{ result: string; version: number }>(`select result, version from spot_check where id = $1`, [first!.id]);
    expect(row).toEqual({ result: 'CONFIRMED', version: 2 });
    const audits = await t.sql(`select detail->>'result' as result from audit_event where action = 'SPOT_CHECK_RECORD' and detail->>'spotCheckId' = $1`, [first!.id]);
    expect(audits).toEqual([{ result: 'CONFIRMED' }]);
  });

  it('asks for a note when the visit is not confirmed', async () => {
    const result = await t.exec(town, RECORD, { id: checksA[1]!.id, v: 1, result: 'NOT_CONFIRMED' });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(result)).toEqual(['note']);
  });
});

describe('verification rates', () => {
  it('counts confirmed ÷ checked per child region, unreachable apart, one row per child', async () => {
    const [, b, c, d] = checksA;
    ok(await t.exec(town, RECORD, { id: b!.id, v: 1, result: 'CONFIRMED' }));
    ok(await t.exec(town, RECORD, { id: c!.id, v: 1, result: 'NOT_CONFIRMED', note: '家属说本月没人来过' }));
    ok(await t.exec(town, RECORD, { id: d!.id, v: 1, result: 'UNREACHABLE' }));
    const rates = ok(await t.exec<{ spotCheckRates: any[] }>(admin, RATES, { r: REGIONS.city, p: NOV })).spotCheckRates;
    const a = rates.find((r) => r.regionCode === REGIONS.townA);
    // The quarter's draw over 东河 is not inside November: only the current November draw of town A counts.
    expect(a).toEqual({ regionCode: REGIONS.townA, regionName: expect.stringContaining('三埠街道'), drawn: 5, checked: 3, confirmed: 2, notConfirmed: 1, unreachable: 1, pending: 1, rate: 0.6667 });
    expect(rates.find((r) => r.regionCode === REGIONS.townB)).toMatchObject({ drawn: 3, checked: 0, pending: 3, rate: null });
    expect(new Set(rates.map((r) => r.regionCode)).size).toBe(rates.length);
    // Per village of town A: the rows add up to the town's.
    const villages = ok(await t.exec<{ spotCheckRates: any[] }>(town, RATES, { p: NOV })).spotCheckRates;
    expect(villages.every((v) => v.regionCode.startsWith(REGIONS.townA) && v.regionCode.length === 12)).toBe(true);
    const sum = (k: string) => villages.reduce((n, v) => n + v[k], 0);
    expect([sum('drawn'), sum('confirmed'), sum('notConfirmed'), sum('unreachable')]).toEqual([5, 2, 1, 1]);
    // The quarter holds both the November draw and the quarter's: each visit counted once.
    const quarter = ok(await t.exec<{ spotCheckRates: any[] }>(town, RATES, { p: Q4 })).spotCheckRates;
    const dongHe = quarter.find((v) => v.regionCode === REGIONS.villageA1);
    expect(dongHe.drawn).toBe(8); // all 8 of 东河's quarter visits, those also in November's draw once
  });

  it('is a function the assessment can call with region codes, giving the same figures', async () => {
    const em = t.orm.em.fork();
    const [a] = await verificationRates(em, { regionCodes: [REGIONS.townA] }, { from: '2026-11-01', to: '2026-11-30' });
    expect(a).toMatchObject({ regionCode: REGIONS.townA, drawn: 5, checked: 3, confirmed: 2, rate: 0.6667 });
  });
});

describe('who may spot-check', () => {
  it('a village worker is FORBIDDEN every operation and writes nothing', async () => {
    const before = await t.sql(`select (select count(*)::int from spot_check_draw) as draws, (select count(*)::int from spot_check where result is not null) as results`);
    for (const [query, variables] of [
      [DRAW, { r: REGIONS.villageA1, p: NOV, size: 3 }],
      [CURRENT, { r: REGIONS.villageA1, p: NOV }],
      [LIST, { id: drawA.id }],
      [RECORD, { id: checksA[4]!.id, v: 1, result: 'CONFIRMED' }],
      [RATES, { p: NOV }],
    ] as const) {
      const result = await t.exec(worker, query, variables);
      expect(codeOf(result), query.slice(0, 40)).toBe('FORBIDDEN');
    }
    expect(await t.sql(`select (select count(*)::int from spot_check_draw) as draws, (select count(*)::int from spot_check where result is not null) as results`)).toEqual(before);
  });

  it('another town gets NOT_FOUND for town A’s region, draw and checks, like missing ones', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [query, variables] of [
      [DRAW, { r: REGIONS.townA, p: NOV, size: 3 }],
      [CURRENT, { r: REGIONS.villageA1, p: NOV }],
      [LIST, { id: drawA.id }],
      [LIST, { id: missing }],
      [RECORD, { id: checksA[4]!.id, v: 1, result: 'CONFIRMED' }],
      [RECORD, { id: missing, v: 1, result: 'CONFIRMED' }],
      [RATES, { r: REGIONS.townA, p: NOV }],
    ] as const) {
      const result = await t.exec(townB, query, variables);
      expect(codeOf(result), query.slice(0, 40)).toBe('NOT_FOUND');
    }
    const [row] = await t.sql<{ result: string | null }>(`select result from spot_check where id = $1`, [checksA[4]!.id]);
    expect(row!.result).toBeNull();
  });
});
