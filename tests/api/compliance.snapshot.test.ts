import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadReferenceData } from '../../packages/api/src/db/bootstrap.js';
import { loadRegions } from '../../packages/api/src/db/seeders/regions.js';
import { complianceSource, refreshComplianceSnapshot, SNAPSHOT_TABLES, subtree } from '../../packages/api/src/modules/compliance/compliance.snapshot.js';
import { analyzeCounts, codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * The day's compliance snapshot: overdue lists, worklists and workloads read it instead of recomputing every elder,
 * and must give exactly the live answer at all times: right after a refresh, after a visit recorded since (the elder
 * is recomputed live), after a standard or campaign changed (the whole snapshot is set aside), and on a new day.
 */
let t: TestApp;
let admin: TestUser;
let worker: TestUser;
const ids: string[] = [];

const OVERDUE = `query($r: String, $first: Int) { overdueElders(regionCode: $r, first: $first) {
  totalCount nodes { class daysOverdue elder { id name } requirements { requirementId counted met overdue daysOverdue dueBy windowStart windowEnd } } } }`;
const WORKLIST = `{ myWorklist { overdue daysOverdue dueBy class elder { id } requirements { requirementId met overdue dueBy } } }`;
const WORKLOAD = `query($r: String) { visitorWorkload(regionCode: $r) { visitorId elders classA classB classC dueThisWeek overdue } }`;
const OVERDUE_FILTER = `{ elders(first: 50, filter: { overdue: true }) { totalCount nodes { id } } }`;
const VISIT = `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`;
const CREATE_VISITOR = `mutation($input: CreateVisitorInput!) { createVisitor(input: $input) { id } }`;
const ASSIGN = `mutation($input: AssignVisitorInput!) { assignVisitor(input: $input) { assigned } }`;
const CREATE_CAMPAIGN = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`;

/** Every answer the snapshot serves, as the API gives it now. */
async function answers() {
  return {
    city: ok(await t.exec<any>(admin, OVERDUE, { first: 100 })).overdueElders,
    town: ok(await t.exec<any>(admin, OVERDUE, { r: REGIONS.townA, first: 100 })).overdueElders,
    worklist: ok(await t.exec<any>(worker, WORKLIST)).myWorklist,
    workload: ok(await t.exec<any>(admin, WORKLOAD, { r: REGIONS.townA })).visitorWorkload,
    filter: ok(await t.exec<any>(admin, OVERDUE_FILTER)).elders,
  };
}

/** The same answers computed live, with the snapshot set aside (then put back as it was). */
async function liveAnswers() {
  const [state] = await t.sql(`select valid from compliance_snapshot_state`);
  await t.sql(`update compliance_snapshot_state set valid = false`);
  try {
    return await answers();
  } finally {
    if (state) await t.sql(`update compliance_snapshot_state set valid = $1`, [state.valid]);
  }
}

const fromSnapshot = async (asOf: string) => (await complianceSource(t.orm.em.fork(), asOf, subtree(REGIONS.city))).fromSnapshot;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  worker = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  t.clock.set('2026-08-03T02:00:00Z');
  const villages = [REGIONS.villageA1, REGIONS.villageA1, REGIONS.villageA1, REGIONS.villageA2, REGIONS.villageB1];
  for (const [i, village] of villages.entries()) {
    const e = await registerElder(t, admin, {
      name: `快照${'甲乙丙丁戊'[i]}`, idNumber: idNumberFor(`194${i}-05-05`), regionCode: village,
      // Class A (incapacitated) and class C elders: different requirements and windows.
      ...(i % 2 ? { circumstances: ['INCAPACITATED'], incapacityLevel: 'FULL' } : { circumstances: ['LIVING_ALONE'] }),
    });
    ids.push(e.id);
  }
  const visitor = ok(await t.exec<any>(admin, CREATE_VISITOR, {
    input: { name: '快照探访员', kind: 'VILLAGE_STAFF', regionCode: REGIONS.villageA1, username: worker.username },
  })).createVisitor;
  ok(await t.exec(admin, ASSIGN, { input: { visitorId: visitor.id, elderIds: ids.slice(0, 3), role: 'PRIMARY' } }));
  t.clock.set('2026-11-10T02:00:00Z');
  ok(await t.exec(admin, VISIT, { i: { elderId: ids[0], visitedAt: '2026-10-05T02:00:00Z', method: 'HOME' } }));
  ok(await t.exec(admin, VISIT, { i: { elderId: ids[1], visitedAt: '2026-11-02T02:00:00Z', method: 'HOME' } }));
  ok(await t.exec(admin, VISIT, { i: { elderId: ids[3], visitedAt: '2026-09-20T02:00:00Z', method: 'PHONE' } }));
});
afterAll(() => t.close());

describe('compliance snapshot', () => {
  it('answers exactly as the live computation after a full refresh', async () => {
    const live = await answers();
    expect(await fromSnapshot('2026-11-10')).toBe(false);
    expect(live.city.totalCount).toBeGreaterThan(0);
    expect(live.worklist.length).toBeGreaterThan(0);

    const result = await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    expect(result).toMatchObject({ asOf: '2026-11-10', full: true, valid: true, villages: 3 });
    expect(await fromSnapshot('2026-11-10')).toBe(true);
    const [{ n }] = await t.sql<{ n: number }>(`select count(distinct elder_id)::int as n from compliance_snapshot`);
    expect(n).toBe(5);
    expect(await answers()).toEqual(live);
    // A past day is never answered from today's snapshot.
    expect(await fromSnapshot('2026-11-09')).toBe(false);
  });

  it('survives a restart: reloading the regions and reference standards (nothing changes) does not set it aside', async () => {
    expect(await loadRegions(t.orm.em.fork())).toBe(0);
    await loadReferenceData(t.orm.em.fork(), t.clock.now());
    expect(await fromSnapshot('2026-11-10')).toBe(true);
  });

  it('reads the requirements of an overdue page from the snapshot rows, not live (the page was chosen from them)', async () => {
    const page = ok(await t.exec<any>(admin, OVERDUE, { r: REGIONS.townA, first: 100 })).overdueElders;
    const first = page.nodes[0];
    const req = first.requirements[0];
    // A stored figure the live computation would not give: the page shows it, so the page read the stored row.
    await t.sql(`update compliance_snapshot set counted = counted + 7 where elder_id = $1 and requirement_id = $2`, [first.elder.id, req.requirementId]);
    try {
      const again = ok(await t.exec<any>(admin, OVERDUE, { r: REGIONS.townA, first: 100 })).overdueElders;
      const shown = again.nodes.find((n: any) => n.elder.id === first.elder.id);
      expect(shown.requirements.find((r: any) => r.requirementId === req.requirementId).counted).toBe(req.counted + 7);
    } finally {
      await t.sql(`update compliance_snapshot set counted = counted - 7 where elder_id = $1 and requirement_id = $2`, [first.elder.id, req.requirementId]);
    }
  });

  it('shows a visit recorded after the refresh at once (the elder is recomputed live), then takes it in incrementally', async () => {
    const before = await answers();
    const overdueId = before.town.nodes[0].elder.id as string;
    ok(await t.exec(admin, VISIT, { i: { elderId: overdueId, visitedAt: '2026-11-09T02:00:00Z', method: 'HOME' } }));
    const now = await answers();
    expect(now).toEqual(await liveAnswers());
    expect(now).not.toEqual(before);
    expect(await fromSnapshot('2026-11-10')).toBe(true);

    const analyzed = await analyzeCounts(t, SNAPSHOT_TABLES);
    const result = await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    expect(result).toMatchObject({ full: false, elders: 1, valid: true });
    // A refresh of a few elders leaves the statistics alone (a full one renews them: see the new-day case).
    expect(await analyzeCounts(t, SNAPSHOT_TABLES)).toEqual(analyzed);
    expect(await answers()).toEqual(now);
    // The dirty marks every reader has moved past are trimmed.
    const [{ n }] = await t.sql<{ n: number }>(`select count(*)::int as n from compliance_dirty`);
    expect(n).toBe(0);
  });

  it('is set aside when a campaign changes what is asked, until a full refresh', async () => {
    ok(await t.exec(admin, CREATE_CAMPAIGN, {
      input: { name: '快照寒潮探访', regionCode: REGIONS.townA, reasonKind: 'EXTREME_WEATHER', reason: '寒潮预警',
        startsOn: '2026-11-01', endsOn: '2026-11-20', minCount: 1, window: 'PERIOD' },
    }));
    expect(await fromSnapshot('2026-11-10')).toBe(false);
    const live = await answers();
    const result = await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    expect(result).toMatchObject({ full: true, valid: true });
    expect(await answers()).toEqual(live);
  });

  it('is not used on a new day until refreshed for it', async () => {
    t.clock.set('2026-12-02T02:00:00Z');
    expect(await fromSnapshot('2026-12-02')).toBe(false);
    const live = await answers();
    // A stopping worker's signal ends a full refresh between towns: nothing is marked valid, the next run starts over.
    const stop = new AbortController();
    stop.abort();
    await expect(refreshComplianceSnapshot(t.orm.em, t.clock.now(), stop.signal)).rejects.toThrow(/abort/i);
    expect(await fromSnapshot('2026-12-02')).toBe(false);
    const analyzed = await analyzeCounts(t, SNAPSHOT_TABLES);
    expect(await refreshComplianceSnapshot(t.orm.em, t.clock.now())).toMatchObject({ asOf: '2026-12-02', full: true, valid: true });
    // Every row was rewritten: each table's statistics are renewed, so the first plans of the day see its rows.
    const after = await analyzeCounts(t, SNAPSHOT_TABLES);
    for (const table of SNAPSHOT_TABLES) expect(after[table], table).toBe(analyzed[table] + 1);
    expect(await answers()).toEqual(live);
  });

  it('is not marked valid by a refresh that ran while the standards changed', async () => {
    ok(await t.exec(admin, VISIT, { i: { elderId: ids[2], visitedAt: '2026-12-01T02:00:00Z', method: 'HOME' } }));
    // A standards change landing between the refresh's start and its end bumps the generation it started from.
    const root = t.orm.em.fork();
    const em = root.fork();
    const transactional = em.transactional.bind(em);
    let bumped = false;
    vi.spyOn(em, 'transactional').mockImplementation(async (work) => {
      if (!bumped) {
        bumped = true;
        await t.sql(`update compliance_snapshot_state set valid = false, generation = generation + 1`);
      }
      return transactional(work);
    });
    vi.spyOn(root, 'fork').mockReturnValue(em);
    const result = await refreshComplianceSnapshot(root, t.clock.now());
    expect(bumped).toBe(true);
    expect(result.valid).toBe(false);
    expect(await fromSnapshot('2026-12-02')).toBe(false);
    expect(await refreshComplianceSnapshot(t.orm.em, t.clock.now())).toMatchObject({ full: true, valid: true });
    expect(await answers()).toEqual(await liveAnswers());
  });

  it('serves workloads and overdue counts of a village, a town and the city in the same statements, equal to live', async () => {
    // A helper visitor sharing one elder and a visitor with nobody assigned: both are listed, the shared elder counts
    // for each of its visitors.
    const helper = ok(await t.exec<any>(admin, CREATE_VISITOR, { input: { name: '快照协助员', kind: 'VOLUNTEER', regionCode: REGIONS.townA } })).createVisitor;
    const idle = ok(await t.exec<any>(admin, CREATE_VISITOR, { input: { name: '快照空闲员', kind: 'VOLUNTEER', regionCode: REGIONS.villageA2 } })).createVisitor;
    ok(await t.exec(admin, ASSIGN, { input: { visitorId: helper.id, elderIds: [ids[0], ids[3]], role: 'HELPER' } }));
    await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    expect(await fromSnapshot('2026-12-02')).toBe(true);

    const WORKLOAD_COUNT = `query($r: String) { visitorWorkload(regionCode: $r) { visitorId visitorName elders classA classB classC dueThisWeek overdue }
      overdueElders(regionCode: $r, first: 1) { totalCount } }`;
    const regions = [REGIONS.villageA1, REGIONS.townA, REGIONS.city];
    const read = async () => {
      const out: { data: any; statements: number }[] = [];
      for (const r of regions) {
        const result = await t.exec<any>(admin, WORKLOAD_COUNT, { r });
        out.push({ data: ok(result), statements: result.sqlStatements });
      }
      return out;
    };
    const snap = await read();
    const [state] = await t.sql(`select valid from compliance_snapshot_state`);
    await t.sql(`update compliance_snapshot_state set valid = false`);
    const live = await read().finally(() => t.sql(`update compliance_snapshot_state set valid = $1`, [state!.valid]));
    expect(snap.map((r) => r.data)).toEqual(live.map((r) => r.data));
    // Statements do not grow with the region: region check, snapshot state and one statement per figure.
    expect(new Set(snap.map((r) => r.statements)).size).toBe(1);

    const city = snap[2]!.data.visitorWorkload as { visitorId: string; elders: number; classA: number; classC: number; overdue: number }[];
    expect(city.find((w) => w.visitorId === idle.id)).toMatchObject({ elders: 0, classA: 0, classC: 0, overdue: 0 });
    expect(city.find((w) => w.visitorId === helper.id)).toMatchObject({ elders: 2 });
    const town = snap[1]!.data.visitorWorkload as { visitorId: string }[];
    // All three visitors work in 三埠街道 (townA); a village's list leaves out the town-level helper.
    expect(town.map((w) => w.visitorId).sort()).toEqual(city.map((w) => w.visitorId).sort());
    expect((snap[0]!.data.visitorWorkload as { visitorId: string }[]).map((w) => w.visitorId)).not.toContain(helper.id);
  });

  it('pages the workloads (visitorWorkloads) in the order and with the figures of the whole list, from the snapshot and live', async () => {
    const ALL = `query($r: String) { visitorWorkload(regionCode: $r) { visitorId visitorName elders classA classB classC dueThisWeek overdue } }`;
    const PAGE = `query($r: String, $first: Int, $after: String) { visitorWorkloads(regionCode: $r, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { visitorId visitorName elders classA classB classC dueThisWeek overdue } } }`;
    const walk = async () => {
      const all = ok(await t.exec<any>(admin, ALL, { r: REGIONS.city })).visitorWorkload as unknown[];
      const paged: unknown[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page: any = ok(await t.exec<any>(admin, PAGE, { r: REGIONS.city, first: 1, after })).visitorWorkloads;
        expect(page.totalCount).toBe(all.length);
        paged.push(...page.nodes);
        if (!page.pageInfo.hasNextPage) {
          // Past the last page: no rows, the same total.
          const past = ok(await t.exec<any>(admin, PAGE, { r: REGIONS.city, first: 1, after: page.pageInfo.endCursor })).visitorWorkloads;
          expect(past).toMatchObject({ totalCount: all.length, nodes: [] });
          break;
        }
        after = page.pageInfo.endCursor;
      }
      return { all, paged };
    };
    await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    expect(await fromSnapshot('2026-12-02')).toBe(true);
    const snap = await walk();
    expect(snap.all.length).toBeGreaterThanOrEqual(3);
    expect(snap.paged).toEqual(snap.all);
    const [state] = await t.sql(`select valid from compliance_snapshot_state`);
    await t.sql(`update compliance_snapshot_state set valid = false`);
    const live = await walk().finally(() => t.sql(`update compliance_snapshot_state set valid = $1`, [state!.valid]));
    expect(live.paged).toEqual(live.all);
    expect(live.all).toEqual(snap.all);
    // Outside the jurisdiction: refused like every region argument.
    const worker2 = await t.user('TOWN_OPERATOR', REGIONS.townB);
    expect(codeOf(await t.exec(worker2, PAGE, { r: REGIONS.townA, first: 1 }))).toBe('FORBIDDEN');
  });

  it('keeps the workload and overdue rollups exact through an assignment, a visit and a closure, before and after the incremental refresh', async () => {
    await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    const FIGURES = `query($r: String) { visitorWorkload(regionCode: $r) { visitorId elders classA classB classC dueThisWeek overdue }
      first: overdueElders(regionCode: $r, first: 1) { totalCount pageInfo { hasNextPage } nodes { elder { id } daysOverdue } }
      all: overdueElders(regionCode: $r, first: 100) { totalCount nodes { elder { id } class daysOverdue } } }`;
    type Figures = {
      visitorWorkload: { visitorId: string; elders: number }[];
      all: { nodes: { elder: { id: string } }[] };
    };
    const figures = async () => {
      const out: Figures[] = [];
      for (const r of [REGIONS.villageA2, REGIONS.townA, REGIONS.city]) out.push(ok(await t.exec<Figures>(admin, FIGURES, { r })));
      return out;
    };
    const live = async () => {
      const [state] = await t.sql(`select valid from compliance_snapshot_state`);
      await t.sql(`update compliance_snapshot_state set valid = false`);
      try { return await figures(); } finally { await t.sql(`update compliance_snapshot_state set valid = $1`, [state!.valid]); }
    };
    // The sums must equal the per-elder rows they are kept from (a drift here would be served as a figure).
    const rollupsMatchRows = async () => {
      expect(await t.sql(`select visitor_id, elders, class_a, class_b, class_c, due, overdue from workload_rollup order by visitor_id`)).toEqual(
        await t.sql(`select v as visitor_id, (count(*) filter (where s.active))::int as elders, (count(*) filter (where s.cls = 'A'))::int as class_a,
                            (count(*) filter (where s.cls = 'B'))::int as class_b, (count(*) filter (where s.cls = 'C'))::int as class_c,
                            (count(*) filter (where s.due))::int as due, (count(*) filter (where s.overdue))::int as overdue
                       from compliance_snapshot_elder s cross join unnest(s.visitor_ids) v group by v order by v`));
      expect(await t.sql(`select region_code, elders from overdue_rollup order by region_code`)).toEqual(
        await t.sql(`select region_code, count(*)::int as elders from compliance_snapshot_elder where overdue group by region_code order by region_code`));
    };
    await rollupsMatchRows();
    const before = await figures();
    expect(before).toEqual(await live());

    // A new responsible visitor for an elder of 三埠 village A2, a visit to the most overdue elder, a closed archive.
    const fresh = ok(await t.exec<any>(admin, CREATE_VISITOR, { input: { name: '快照新探访员', kind: 'VOLUNTEER', regionCode: REGIONS.villageA2 } })).createVisitor;
    ok(await t.exec(admin, ASSIGN, { input: { visitorId: fresh.id, elderIds: [ids[3]], role: 'PRIMARY' } }));
    const city = before[2]!.all.nodes;
    ok(await t.exec(admin, VISIT, { i: { elderId: city[0]!.elder.id, visitedAt: '2026-12-01T03:00:00Z', method: 'HOME' } }));
    const closed = city.map((n) => n.elder.id).find((id) => id !== city[0]!.elder.id && id !== ids[3]);
    if (closed) await t.sql(`update elder set status = 'DECEASED', status_date = '2026-11-25' where id = $1`, [closed]);
    expect(await fromSnapshot('2026-12-02')).toBe(true);
    const changed = await figures();
    expect(changed).toEqual(await live());
    expect(changed).not.toEqual(before);
    const town = changed[1]!.visitorWorkload;
    expect(town.find((w) => w.visitorId === fresh.id)).toMatchObject({ elders: 1 });

    expect(await refreshComplianceSnapshot(t.orm.em, t.clock.now())).toMatchObject({ full: false, valid: true });
    await rollupsMatchRows();
    expect(await figures()).toEqual(changed);
  });

  it('never steps over the change of a transaction that commits after a later one', async () => {
    // The tests before this one visit and close overdue elders (which ones depends on ties between random ids): an
    // elder registered in August and never visited is overdue now, whatever they left.
    const today = t.clock.now().toISOString();
    t.clock.set('2026-08-03T02:00:00Z');
    await registerElder(t, admin, {
      name: '快照己', idNumber: idNumberFor('1939-06-06'), regionCode: REGIONS.villageA2, circumstances: ['INCAPACITATED'], incapacityLevel: 'FULL',
    });
    t.clock.set(today);
    await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    const overdueId = (await answers()).city.nodes[0].elder.id as string;
    const other = ids.find((id) => id !== overdueId)!;
    const older = new pg.Client({ connectionString: t.dbUrl });
    const slow = new pg.Client({ connectionString: t.dbUrl });
    await older.connect();
    await slow.connect();
    try {
      // `older` takes its transaction id first; `slow` closes an overdue archive (a lower seq) and stays open while
      // `older` changes another elder (a higher seq) and commits, and a refresh runs in between.
      await older.query('begin');
      await older.query('select pg_current_xact_id()');
      await slow.query('begin');
      await slow.query(`update elder set status = 'DECEASED', status_date = '2026-11-20' where id = $1`, [overdueId]);
      await older.query(`update elder set updated_at = now() where id = $1`, [other]);
      await older.query('commit');
      await refreshComplianceSnapshot(t.orm.em, t.clock.now());
      await slow.query('commit');
      const now = await answers();
      expect(now.city.nodes.map((n: any) => n.elder.id)).not.toContain(overdueId);
      expect(now).toEqual(await liveAnswers());
      await refreshComplianceSnapshot(t.orm.em, t.clock.now());
      expect(await answers()).toEqual(now);
    } finally {
      await older.end();
      await slow.end();
    }
  });
});
