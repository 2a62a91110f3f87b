// The audit log's bounded total (issue 17): the log gains a row for every audited read, so its total is counted up to a
// cap (AppConfig.auditCountCap, 10,000 in production, 5 here) and then answered as "at least the cap" with
// totalCountCapped, while the pages themselves keep going by cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';

const CAP = 5;
let t: TestApp;
let cityAuditor: TestUser;
let townBAuditor: TestUser;

const LOG = `query($filter: AuditFilter, $first: Int, $after: String) { auditLog(filter: $filter, first: $first, after: $after) {
  totalCount totalCountCapped pageInfo { hasNextPage endCursor } nodes { id action regionCode } } }`;

interface Log {
  totalCount: number;
  totalCountCapped: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: { id: string; action: string; regionCode: string | null }[];
}

/** `n` audit rows of `action` in `region` (the log is append-only: inserts are all it takes). */
async function events(n: number, action: string, region: string): Promise<void> {
  await t.sql(`insert into audit_event (action, region_code, actor_username) select $1, $2, 'seed' from generate_series(1, $3)`, [action, region, n]);
}

async function log(as: TestUser, filter: Record<string, unknown> | null, first?: number, after?: string | null): Promise<Log> {
  return ok(await t.exec<{ auditLog: Log }>(as, LOG, { filter, first, after })).auditLog;
}

beforeAll(async () => {
  t = await createTestApp({ config: { auditCountCap: CAP } });
  cityAuditor = await t.user('AUDITOR', REGIONS.city);
  townBAuditor = await t.user('AUDITOR', REGIONS.townB);
  // 12 reads in town A's village, CAP exactly in town B, one row fewer than CAP of another kind in town A.
  await events(12, 'ELDER_READ', REGIONS.villageA1);
  await events(CAP, 'ELDER_READ', REGIONS.villageB1);
  await events(CAP - 1, 'VISIT_PROOF_READ', REGIONS.villageA2);
});
afterAll(() => t.close());

describe('the audit log total, counted up to the cap', () => {
  it('more than the cap: the cap with totalCountCapped, never a figure it did not count', async () => {
    const all = await log(cityAuditor, null, 100);
    expect(all.totalCount).toBe(CAP);
    expect(all.totalCountCapped).toBe(true);
    // The page is not cut at the cap: all 12 + 5 + 4 rows fit on one page of 100.
    expect(all.nodes.length).toBe(21);
    expect(all.pageInfo.hasNextPage).toBe(false);
  });

  it('exact below the cap and at it', async () => {
    const below = await log(cityAuditor, { actions: ['VISIT_PROOF_READ'] });
    expect(below).toMatchObject({ totalCount: CAP - 1, totalCountCapped: false });
    expect(below.nodes).toHaveLength(CAP - 1);
    const at = await log(cityAuditor, { regionCode: REGIONS.townB });
    expect(at).toMatchObject({ totalCount: CAP, totalCountCapped: false });
    const none = await log(cityAuditor, { actions: ['ELDER_CLOSE'] });
    expect(none).toMatchObject({ totalCount: 0, totalCountCapped: false, nodes: [] });
  });

  it('pages past the cap by cursor, newest first, every row once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Log = await log(cityAuditor, { regionCode: REGIONS.townA, actions: ['ELDER_READ'] }, 4, after);
      expect(page).toMatchObject({ totalCount: CAP, totalCountCapped: true });
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));
  });

  it('counts only inside the jurisdiction: a town auditor sees its own rows, exactly', async () => {
    const own = await log(townBAuditor, null);
    expect(own).toMatchObject({ totalCount: CAP, totalCountCapped: false });
    expect(own.nodes.every((n) => n.regionCode?.startsWith(REGIONS.townB))).toBe(true);
    // Town A's rows (more than the cap) are not theirs to count: asking for them is an empty list, not a capped one.
    expect(await log(townBAuditor, { regionCode: REGIONS.townA })).toMatchObject({ totalCount: 0, totalCountCapped: false, nodes: [] });
  });

  it('reading the log writes to it as before: nothing (it serves no archive)', async () => {
    const count = async () => (await t.sql<{ n: number }>(`select count(*)::int as n from audit_event`))[0]!.n;
    const before = await count();
    await log(cityAuditor, null, 100);
    await log(cityAuditor, { regionCode: REGIONS.townA }, 3);
    expect(await count()).toBe(before);
  });

  it('every other list counts exactly and says so', async () => {
    const town = await t.user('TOWN_OPERATOR', REGIONS.townA);
    const elders = ok(await t.exec<{ elders: { totalCount: number; totalCountCapped: boolean } }>(town, `{ elders { totalCount totalCountCapped } }`)).elders;
    expect(elders).toEqual({ totalCount: 0, totalCountCapped: false });
  });
});
