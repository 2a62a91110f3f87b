import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, UPDATE } from '../helpers/elders.js';
import { refreshRollups } from '../../packages/api/src/modules/reports/reports.rollup.js';

/**
 * The total of a drill list (issue 17): "not visited this month" is counted from the period's per-elder verdicts
 * (report_rollup_elder) instead of every archive of the subtree, corrected by the archives changed since the refresh
 * that wrote them. Whatever changed since (a move between towns, a closing, a new archive), the total is exactly the
 * list's length; a filter beyond the drill still counts the list.
 */

const TODAY = '2026-11-15T02:00:00Z';
const CLASS_C = { circumstances: ['LIVING_ALONE'] };
const LIST = `query($filter: ElderFilter, $first: Int) { elders(filter: $filter, first: $first) { totalCount totalCountCapped nodes { id name } } }`;
const CLOSE = `mutation($id: ID!, $version: Int!, $input: CloseElderInput!) { closeElder(id: $id, version: $version, input: $input) { id } }`;
const RECORD_VISIT = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`;

let t: TestApp;
let admin: TestUser;
let townA: TestUser;
let townB: TestUser;
const e: Record<string, string> = {};

async function register(name: string, regionCode: string, birth: string, day = '2026-09-01'): Promise<string> {
  t.clock.set(`${day}T01:00:00Z`);
  try {
    return (await registerElder(t, admin, { name, regionCode, idNumber: idNumberFor(birth), ...CLASS_C })).id;
  } finally {
    t.clock.set(TODAY);
  }
}

/** The drill's list and total; the total must be the list's length (the page holds all of it). */
async function notVisited(as: TestUser, extra: Record<string, unknown> = {}): Promise<{ total: number; names: string[] }> {
  const data = ok(await t.exec<any>(as, LIST, { filter: { periodInput: { kind: 'MONTH', date: '2026-11-01' }, visited: false, ...extra }, first: 100 })).elders;
  expect(data.totalCountCapped).toBe(false);
  return { total: data.totalCount, names: data.nodes.map((n: { name: string }) => n.name).sort() };
}

async function expectExact(as: TestUser, names: string[], extra: Record<string, unknown> = {}): Promise<void> {
  const got = await notVisited(as, extra);
  expect(got.names).toEqual([...names].sort());
  expect(got.total).toBe(names.length);
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(TODAY);
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  e.moving = await register('关国华', REGIONS.villageA1, '1944-02-02');
  e.closing = await register('关玉兰', REGIONS.villageA1, '1944-02-04');
  e.staying = await register('李伟', REGIONS.villageA2, '1940-03-02');
  e.visited = await register('关秀英', REGIONS.villageA1, '1944-02-01');
  e.b1 = await register('陈沙塘', REGIONS.villageB1, '1940-04-01');
  ok(await t.exec(admin, RECORD_VISIT, { input: { elderId: e.visited, visitedAt: '2026-11-05T02:00:00Z', method: 'HOME' } }));
  expect(await refreshRollups(t.orm.em, '2026-11', t.clock.now())).not.toBeNull();
});
afterAll(() => t.close());

describe('a drill list counted from the verdicts of the rollup refresh', () => {
  it('right after the refresh: the town, a village and the city, each exactly its list', async () => {
    await expectExact(townA, ['关国华', '关玉兰', '李伟']);
    await expectExact(townA, ['关国华', '关玉兰'], { regionCode: REGIONS.villageA1 });
    await expectExact(townB, ['陈沙塘']);
    await expectExact(admin, ['关国华', '关玉兰', '李伟', '陈沙塘']);
  });

  it('between refreshes: a move to another town, a closing and a new archive leave each total the list\'s length', async () => {
    // 关国华 moves to town B: still judged "not visited" by the refresh, now listed (and counted) in town B only.
    ok(await t.exec(admin, UPDATE, { id: e.moving, version: 1, input: { regionCode: REGIONS.villageB1 } }));
    // 关玉兰 dies today: out of the registry on the day judged, so out of the list and of its total.
    ok(await t.exec(admin, CLOSE, { id: e.closing, version: 1, input: { status: 'DECEASED', effectiveDate: '2026-11-15', reason: '病故' } }));
    // A new archive has no verdict until the next refresh: in neither the list nor the total.
    await register('关新来', REGIONS.villageA1, '1944-02-05', '2026-11-15');
    await expectExact(townA, ['李伟']);
    await expectExact(townA, [], { regionCode: REGIONS.villageA1 });
    await expectExact(townB, ['关国华', '陈沙塘']);
    await expectExact(admin, ['关国华', '李伟', '陈沙塘']);
  });

  it('a filter beyond the drill still counts the list itself, exactly', async () => {
    await expectExact(townB, ['关国华', '陈沙塘'], { status: ['ACTIVE'] });
    await expectExact(townB, ['陈沙塘'], { text: '陈沙塘' });
  });

  it('finds the archives changed since the refresh through the change log\'s own index of archive changes, not every change', async () => {
    // Partners' record syncs fill the change log between refreshes; the drill's scan must not walk them.
    const parents = async (index: string) => (await t.sql<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = $1`,
      [index],
    )).map((r) => r.name);
    const seqIndexes = await parents('change_log_elder_seq_idx');
    const xidIndexes = await parents('change_log_elder_xid_idx');
    expect(seqIndexes.length).toBeGreaterThan(0);
    expect(xidIndexes.length).toBeGreaterThan(0);
    // The test database is tiny: sequential scans off for this call only, to see which index the planner picks.
    await t.sql(`create or replace function test_plan(q text) returns setof text language plpgsql set enable_seqscan = off
                   as $$ begin return query execute 'explain (costs off) ' || q; end $$`);
    const plan = (await t.sql<{ test_plan: string }>(`select test_plan($1)`, [
      `with s as (select last_seq, seen from report_rollup_state where period = '2026-11')
       select c.entity_id from change_log c where c.entity = 'ELDER' and c.seq > (select last_seq from s)
       union
       select c.entity_id from change_log c
        where c.entity = 'ELDER' and c.xid >= (select pg_snapshot_xmin(seen) from s) and not pg_visible_in_snapshot(c.xid, (select seen from s))`,
    ])).map((r) => r.test_plan).join('\n');
    // Every scan of the change log is one of the archive-changes indexes (on tiny partitions the planner may take
    // either for either branch): none walks the whole log.
    const scans = plan.split('\n').filter((line) => / on change_log_/.test(line));
    expect(scans.length, plan).toBeGreaterThan(0);
    const partial = [...seqIndexes, ...xidIndexes];
    for (const line of scans) expect(partial.some((name) => line.includes(` ${name} `)), plan).toBe(true);
  });

  it('the next refresh takes the changes in: the same lists, counted from the new verdicts', async () => {
    await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    await expectExact(townA, ['关新来', '李伟']);
    await expectExact(townB, ['关国华', '陈沙塘']);
    await expectExact(admin, ['关国华', '关新来', '李伟', '陈沙塘']);
    await expectCountsKept();
  });

  it('the per-village verdict counts follow every write of the verdicts: a village refresh, a re-keyed move, a full refresh', async () => {
    // 李伟 moves to town B: the village refresh of B re-keys his verdict row (an upsert from A's village).
    ok(await t.exec(admin, UPDATE, { id: e.staying, version: 1, input: { regionCode: REGIONS.villageB1 } }));
    await refreshRollups(t.orm.em, '2026-11', t.clock.now());
    await expectCountsKept();
    await expectExact(townA, ['关新来']);
    await expectExact(townB, ['关国华', '李伟', '陈沙塘']);
    // A full refresh (a new day) replaces every village's verdicts town by town.
    t.clock.set('2026-11-16T02:00:00Z');
    try {
      await refreshRollups(t.orm.em, '2026-11', t.clock.now());
      await expectCountsKept();
      const [row] = await t.sql<{ n: string }>(`select coalesce(sum(n), 0) as n from report_rollup_verdict_count where period = '2026-11' and not ok`);
      expect(Number(row!.n)).toBe(4);
      await expectExact(admin, ['关国华', '关新来', '李伟', '陈沙塘']);
    } finally {
      t.clock.set(TODAY);
    }
  });
});

/** The kept counts are exactly the verdict rows grouped (a counter left at zero is no row). */
async function expectCountsKept(): Promise<void> {
  const kept = await t.sql(`select period, region_code, ok, late, n::int from report_rollup_verdict_count where n <> 0 order by 1, 2, 3, 4`);
  const counted = await t.sql(`select period, region_code, ok, late, count(*)::int as n from report_rollup_elder group by 1, 2, 3, 4 order by 1, 2, 3, 4`);
  expect(counted.length).toBeGreaterThan(0);
  expect(kept).toEqual(counted);
}
