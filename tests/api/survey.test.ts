import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, UPDATE } from '../helpers/elders.js';

/**
 * Dynamic management (动态管理) and the survey (摸底排查), issue 13 items 4 and 5: last-verified dates and what sets them,
 * the re-verification list and its count, the police's resident roll, survey rounds with their task lists, results
 * and coverage.
 */
const NOW = '2026-11-15T02:00:00Z'; // Sunday 15 November 2026, 10:00 in China
const THIRTEEN_MONTHS_AGO = '2025-10-10T02:00:00Z';

// Villages of town A used by one group of tests each, so that lists and counts are exact.
const V = {
  reverify: '440783001022',
  temporary: '440783001023',
  round1: '440783001024',
  round2: '440783001025',
} as const;

let t: TestApp;
let admin: TestUser;
let town: TestUser;

const DUE = `query($r: String, $first: Int, $after: String) { reverificationDue(regionCode: $r, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { reasons reasonText lastVerifiedOn temporaryDifficultyUntil elder { id name idNumber lastVerifiedOn } } } }`;
const SUMMARY = `query($r: String) { reverificationSummary(regionCode: $r) { regionCode due notVerified temporaryDifficultyEnded months cutoff } }`;
const VISIT = `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`;

async function due(region: string) {
  return ok(await t.exec<{ reverificationDue: any }>(town, DUE, { r: region, first: 100 })).reverificationDue;
}
async function lastVerified(elderId: string): Promise<string> {
  const [row] = await t.sql<{ d: string }>(`select to_char(last_verified_on, 'YYYY-MM-DD') as d from elder where id = $1`, [elderId]);
  return row!.d;
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(NOW);
  admin = await t.user('ADMIN', REGIONS.city);
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
});
afterAll(async () => {
  await t?.close();
});

describe('dynamic management: last verified and re-verification', () => {
  it('lists an archive verified 13 months ago with the reason in words; a phone call does not verify it, a home visit does', async () => {
    t.clock.set(THIRTEEN_MONTHS_AGO);
    const old = await registerElder(t, town, { name: '梁旧档', regionCode: V.reverify, idNumber: idNumberFor('1940-02-02') });
    const recent = await registerElder(t, town, { name: '梁新档', regionCode: V.reverify, idNumber: idNumberFor('1941-02-02') });
    // A new archive starts verified on its registration date.
    expect(await lastVerified(old.id)).toBe('2025-10-10');
    t.clock.set('2026-01-20T02:00:00Z');
    ok(await t.exec(town, VISIT, { i: { elderId: recent.id, visitedAt: '2026-01-20T02:00:00Z', method: 'HOME' } }));
    t.clock.set(NOW);

    let list = await due(V.reverify);
    expect(list.totalCount).toBe(1);
    expect(list.nodes[0].elder.id).toBe(old.id);
    expect(list.nodes[0].elder.name).toBe('梁旧档');
    expect(list.nodes[0].elder.idNumber).toMatch(/^440783\*{8}\d{3}[\dX]$/);
    expect(list.nodes[0].reasons).toEqual(['NOT_VERIFIED']);
    expect(list.nodes[0].reasonText).toBe('已 13 个月未核实（上次核实 2025-10-10）');
    expect(list.nodes[0].lastVerifiedOn).toBe('2025-10-10');
    expect(ok(await t.exec<any>(town, SUMMARY, { r: V.reverify })).reverificationSummary).toEqual({
      regionCode: V.reverify, due: 1, notVerified: 1, temporaryDifficultyEnded: 0, months: 12, cutoff: '2025-11-15',
    });

    ok(await t.exec(town, VISIT, { i: { elderId: old.id, visitedAt: '2026-11-10T02:00:00Z', method: 'PHONE' } }));
    expect((await due(V.reverify)).totalCount).toBe(1);
    ok(await t.exec(town, VISIT, { i: { elderId: old.id, visitedAt: '2026-11-12T02:00:00Z', method: 'HOME' } }));
    expect(await lastVerified(old.id)).toBe('2026-11-12');
    list = await due(V.reverify);
    expect(list.totalCount).toBe(0);
    expect(ok(await t.exec<any>(town, SUMMARY, { r: V.reverify })).reverificationSummary.due).toBe(0);
    // An older home visit entered late never moves the date back.
    ok(await t.exec(town, VISIT, { i: { elderId: old.id, visitedAt: '2026-03-01T02:00:00Z', method: 'HOME' } }));
    expect(await lastVerified(old.id)).toBe('2026-11-12');
  });

  it('an edit of the archive verifies it', async () => {
    t.clock.set(THIRTEEN_MONTHS_AGO);
    const e = await registerElder(t, town, { name: '梁待改', regionCode: V.reverify, idNumber: idNumberFor('1942-03-03') });
    t.clock.set(NOW);
    expect((await due(V.reverify)).nodes.map((n: any) => n.elder.id)).toContain(e.id);
    ok(await t.exec(town, UPDATE, { id: e.id, version: e.version, input: { phone: '13800138000' } }));
    expect(await lastVerified(e.id)).toBe('2026-11-15');
    expect((await due(V.reverify)).nodes.map((n: any) => n.elder.id)).not.toContain(e.id);
  });

  it('a temporary difficulty past its end date is listed until someone verifies the archive again', async () => {
    const e = await registerElder(t, town, {
      name: '梁临困', regionCode: V.temporary, idNumber: idNumberFor('1950-04-04'),
      temporaryDifficulty: '台风损毁住房，临时安置', temporaryDifficultyUntil: '2026-12-31',
    });
    const read = ok(await t.exec<any>(town, `query($id: ID!) { elder(id: $id) { temporaryDifficultyUntil lastVerifiedOn circumstances } }`, { id: e.id })).elder;
    expect(read).toEqual({ temporaryDifficultyUntil: '2026-12-31', lastVerifiedOn: '2026-11-15', circumstances: ['TEMPORARY_DIFFICULTY'] });
    expect((await due(V.temporary)).totalCount).toBe(0);

    t.clock.set('2027-01-10T02:00:00Z');
    const list = await due(V.temporary);
    expect(list.totalCount).toBe(1);
    expect(list.nodes[0].reasons).toEqual(['TEMPORARY_DIFFICULTY_ENDED']);
    expect(list.nodes[0].reasonText).toBe('阶段性临时困难已于 2026-12-31 到期，尚未重新核实');
    expect(list.nodes[0].temporaryDifficultyUntil).toBe('2026-12-31');
    expect(ok(await t.exec<any>(town, SUMMARY, { r: V.temporary })).reverificationSummary).toMatchObject({ due: 1, notVerified: 0, temporaryDifficultyEnded: 1 });
    // The worker ends the difficulty: the edit verifies the archive and the end date goes with the difficulty.
    const fresh = ok(await t.exec<any>(town, `query($id: ID!) { elder(id: $id) { version } }`, { id: e.id })).elder;
    ok(await t.exec<any>(town, UPDATE, { id: e.id, version: fresh.version, input: { circumstances: [] } }));
    const after = ok(await t.exec<any>(town, `query($id: ID!) { elder(id: $id) { temporaryDifficultyUntil lastVerifiedOn circumstances } }`, { id: e.id })).elder;
    expect(after).toEqual({ temporaryDifficultyUntil: null, lastVerifiedOn: '2027-01-10', circumstances: [] });
    expect((await due(V.temporary)).totalCount).toBe(0);
    t.clock.set(NOW);
  });

  it('validates the end date of a temporary difficulty', async () => {
    const bad = await t.exec(town, `mutation($input: RegisterElderInput!) { registerElder(input: $input) { id } }`, {
      input: { name: '梁日期', regionCode: V.temporary, idNumber: idNumberFor('1950-05-05'), temporaryDifficulty: '家庭变故', temporaryDifficultyUntil: '2026-02-30' },
    });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(bad)).toEqual(['temporaryDifficultyUntil']);
    const alone = await t.exec(town, `mutation($input: RegisterElderInput!) { registerElder(input: $input) { id } }`, {
      input: { name: '梁日期', regionCode: V.temporary, idNumber: idNumberFor('1950-05-06'), temporaryDifficultyUntil: '2026-12-30' },
    });
    expect(codeOf(alone)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(alone)).toEqual(['temporaryDifficultyUntil']);
    const e = await registerElder(t, town, { name: '梁无困', regionCode: V.temporary, idNumber: idNumberFor('1950-05-07') });
    const onUpdate = await t.exec(town, UPDATE, { id: e.id, version: e.version, input: { temporaryDifficultyUntil: '2026-12-30' } });
    expect(codeOf(onUpdate)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(onUpdate)).toEqual(['temporaryDifficultyUntil']);
  });

  it('pages the list, and every archive listed is read-audited under reverificationDue', async () => {
    t.clock.set(THIRTEEN_MONTHS_AGO);
    for (const [i, name] of ['梁甲', '梁乙'].entries()) await registerElder(t, town, { name, regionCode: V.reverify, idNumber: idNumberFor(`1943-07-0${i + 1}`) });
    t.clock.set(NOW);
    const first = ok(await t.exec<any>(admin, DUE, { r: REGIONS.townA, first: 1 })).reverificationDue;
    expect(first.totalCount).toBe(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await t.exec<any>(admin, DUE, { r: REGIONS.townA, first: 1, after: first.pageInfo.endCursor })).reverificationDue;
    expect(second.nodes[0].elder.id).not.toBe(first.nodes[0].elder.id);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const [audit] = await t.sql<{ n: number }>(
      `select count(*)::int as n from audit_event where action = 'ELDER_READ' and actor_id = $1 and elder_id = $2 and detail->'via' ? 'reverificationDue'`,
      [admin.id, first.nodes[0].elder.id],
    );
    expect(audit!.n).toBe(1);
    const bad = await t.exec(admin, DUE, { r: REGIONS.townA, first: 1, after: 'nonsense' });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });

  it('the period is configurable', async () => {
    const short = await createTestApp({ config: { reverifyMonths: 1 } });
    try {
      short.clock.set('2026-09-01T02:00:00Z');
      const user = await short.user('TOWN_OPERATOR', REGIONS.townA);
      await registerElder(short, user, { name: '梁一月', regionCode: V.reverify, idNumber: idNumberFor('1945-06-06') });
      short.clock.set('2026-10-15T02:00:00Z');
      const s = ok(await short.exec<any>(user, SUMMARY, { r: V.reverify })).reverificationSummary;
      expect(s).toMatchObject({ due: 1, months: 1, cutoff: '2026-09-15' });
    } finally {
      await short.close();
    }
  });
});
