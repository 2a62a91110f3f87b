import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';
import { refreshComplianceSnapshot } from '../../packages/api/src/modules/compliance/compliance.snapshot.js';
import { refreshRollups } from '../../packages/api/src/modules/reports/reports.rollup.js';

/**
 * Issue 17: the elder list's derived filters (today's overdue, a report figure's people) are conditions inside the
 * list's own statements, not every matching id of the region read into Node and sent back as an array. So a page
 * costs the same statements whether 3 or 30 elders match, and no statement carries the matching elders' ids.
 */

const TODAY = '2026-11-15T02:00:00Z';
const LIST = `query($filter: ElderFilter) { elders(filter: $filter, first: 50) { totalCount nodes { id } } }`;

const GIVEN = '一二三四五六七八九十甲乙丙丁戊己庚辛壬癸春夏秋冬梅兰竹菊松柏桃李杏';

let t: TestApp;
let admin: TestUser;
const many: string[] = []; // 东河社区: 30 elders, none visited since registration (all overdue, none visited this month)
const few: string[] = []; // 新安社区: 3 such elders
/** Every statement run since the last `list` began: its text (the ORM inlines values) and any bound values. */
let statements: unknown[][] = [];

/**
 * The most of our elders' ids any statement of the list carried. The entity path's read-audit insert is left out: it
 * names the page's archives by design (one ELDER_READ row each), at most a page of them.
 */
function mostIdsInOneStatement(): number {
  const ours = new Set([...many, ...few]);
  let most = 0;
  for (const [text, ...values] of statements) {
    if (/^\s*insert into audit_event/.test(String(text))) continue;
    const all = [text, ...values].filter((v) => typeof v === 'string').join(' ');
    const ids = new Set(all.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g));
    most = Math.max(most, [...ids].filter((id) => ours.has(id)).length);
  }
  return most;
}

/**
 * Compiled (one statement) or through the entity path: both are checked. Unnamed statements, so that knex's query
 * event (which the checks below read) sees every statement: a named prepared one goes to the connection directly.
 */
function setCompiled(enabled: boolean): void {
  t.options.config.compiledReads = { ...t.options.config.compiledReads, enabled, prepared: false };
}

async function list(filter: Record<string, unknown>) {
  statements = [];
  const result = await t.exec<{ elders: { totalCount: number; nodes: { id: string }[] } }>(admin, LIST, { filter });
  return { ...ok(result).elders, statements: result.sqlStatements, mostIds: mostIdsInOneStatement() };
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-09-01T01:00:00Z');
  admin = await t.user('ADMIN', REGIONS.city);
  for (let i = 0; i < 33; i++) {
    const village = i < 30 ? REGIONS.villageA1 : REGIONS.villageA2;
    const elder = await registerElder(t, admin, {
      name: `关${GIVEN[i]}`, regionCode: village, circumstances: ['LIVING_ALONE'],
      idNumber: idNumberFor(`1944-03-${String((i % 28) + 1).padStart(2, '0')}`),
    });
    (i < 30 ? many : few).push(elder.id);
  }
  t.clock.set(TODAY);
  await refreshComplianceSnapshot(t.orm.em, t.clock.now());
  await refreshRollups(t.orm.em, '2026-11', t.clock.now());
  (t.orm.em as EntityManager).getKnex().on('query', (q: { sql: string; bindings?: unknown[] }) => statements.push([q.sql, ...(q.bindings ?? [])]));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/**
 * One filter on the village of 30 matching elders and on the village of 3: the right people and totals, the same
 * statements for both, and none of them carrying a matching elder's id. Returns the 30-elder answer.
 */
async function thirtyAndThree(filter: Record<string, unknown>) {
  const a1 = await list({ ...filter, regionCode: REGIONS.villageA1 });
  const a2 = await list({ ...filter, regionCode: REGIONS.villageA2 });
  expect(a1.nodes.map((n) => n.id).sort()).toEqual([...many].sort());
  expect(a1.totalCount).toBe(30);
  expect(a2.nodes.map((n) => n.id).sort()).toEqual([...few].sort());
  expect(a2.totalCount).toBe(3);
  expect(a1.statements).toBe(a2.statements);
  expect(a1.mostIds).toBe(0);
  expect(a2.mostIds).toBe(0);
  return a1;
}

describe('derived filters of the elder list', () => {
  it.each([true, false])('today\'s overdue from the snapshot: the same statements for 3 or 30 elders, none carrying their ids (compiled: %s)', async (compiled) => {
    setCompiled(compiled);
    const a1 = await thirtyAndThree({ overdue: true });

    // An elder changed since the snapshot (marked dirty, still overdue) is judged live and only that id travels:
    // the same answer, in the same statements.
    await t.sql(`insert into compliance_dirty (elder_id) values ($1)`, [many[7]]);
    const dirty = await list({ overdue: true, regionCode: REGIONS.villageA1 });
    expect(dirty.nodes.map((n) => n.id)).toEqual(a1.nodes.map((n) => n.id));
    expect(dirty.totalCount).toBe(30);
    expect(dirty.statements).toBe(a1.statements);
    expect(dirty.mostIds).toBe(1);
    await t.sql(`delete from compliance_dirty`); // as the next refresh would: the other path starts clean
  });

  it.each([true, false])('a report figure\'s people from the rollups: the same statements for 3 or 30 elders, none carrying their ids (compiled: %s)', async (compiled) => {
    setCompiled(compiled);
    const period = { kind: 'MONTH', date: '2026-11-01' };
    await thirtyAndThree({ periodInput: period, visited: false });
    // Nobody was visited: the "visited" figure's list is empty, in a name-ordered page as well.
    expect((await list({ periodInput: period, visited: true, regionCode: REGIONS.villageA1 })).totalCount).toBe(0);
  });

  it('the compiled statement answers as the entity path: pages, cursors and totals (a dirty elder included)', async () => {
    const PAGE = `query($filter: ElderFilter, $after: String) { elders(filter: $filter, first: 12, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id name region { code } } } }`;
    const pages = async (filter: Record<string, unknown>) => {
      const first = await t.exec<any>(admin, PAGE, { filter });
      const second = await t.exec<any>(admin, PAGE, { filter, after: ok(first).elders.pageInfo.endCursor });
      return { data: [ok(first), ok(second)], statements: first.sqlStatements + second.sqlStatements };
    };
    setCompiled(true);
    await t.sql(`insert into compliance_dirty (elder_id) values ($1)`, [many[7]]);
    const period = { kind: 'MONTH', date: '2026-11-01' };
    for (const filter of [
      { overdue: true },
      { overdue: true, regionCode: REGIONS.townA, acceptsVisits: true },
      { periodInput: period, visited: false, regionCode: REGIONS.townA },
      { periodInput: period, overdue: true },
      { period: '2026-11', refused: false, unresolvedAlerts: false },
    ]) {
      const compiled = await pages(filter);
      setCompiled(false);
      const entity = await pages(filter).finally(() => setCompiled(true));
      expect(compiled.data, JSON.stringify(filter)).toEqual(entity.data);
      expect(compiled.data[0]!.elders.totalCount).toBeGreaterThan(12);
      // Compiled: the page, its count and its audit are one statement where the entity path runs several.
      expect(compiled.statements, JSON.stringify(filter)).toBeLessThan(entity.statements);
    }
  });
});
