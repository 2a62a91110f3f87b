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
    // A date that does not exist is refused by the Date scalar, as for every date input, naming the value.
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toContain('2026-02-30');
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
    // The total is the region's count, the dashboard's figure, on every page (past the end too), not the page's.
    expect(second.totalCount).toBe(2);
    const past = ok(await t.exec<any>(admin, DUE, { r: REGIONS.townA, first: 1, after: second.pageInfo.endCursor })).reverificationDue;
    expect(past).toMatchObject({ totalCount: 2, nodes: [] });
    expect(ok(await t.exec<any>(admin, SUMMARY, { r: REGIONS.townA })).reverificationSummary.due).toBe(2);
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

const ROLL = `mutation($b: ResidentRollBatch!) { syncResidentRoll(batch: $b) {
  replayed received created updated unchanged rejected conflicts results { externalId status match elderId candidateId errors { field } } } }`;
const CREATE = `mutation($r: String!, $n: String!, $s: Date!, $e: Date!, $team: SurveyTeamInput) {
  createSurveyRound(regionCode: $r, name: $n, startsOn: $s, endsOn: $e, team: $team) { id name regionCode regionName startsOn endsOn team { id name kind } } }`;
const PROGRESS = `query($id: ID!) { surveyProgress(roundId: $id) {
  total { regionCode tasks surveyed left rollPeople rollSurveyed coverage coverageNote }
  villages { regionCode regionName tasks surveyed left rollPeople rollSurveyed coverage coverageNote } } }`;
const TASKS = `query($id: ID!, $r: String, $s: SurveyTaskStatus, $first: Int) { surveyTasks(roundId: $id, regionCode: $r, status: $s, first: $first) {
  totalCount nodes { id name idNumber regionCode sources onRoll candidateId result note recordedBy recordedAt elder { id name lastVerifiedOn } } } }`;
const RESULT = `mutation($id: ID!, $res: SurveyResult!, $note: String, $a: SurveyArchiveInput) {
  recordSurveyResult(taskId: $id, result: $res, note: $note, archive: $a) { id result note recordedBy recordedAt elder { id name lastVerifiedOn } } }`;

describe('survey rounds with a synced resident roll', () => {
  let police: TestUser;
  let health: TestUser;
  let worker: TestUser;
  let outsider: TestUser;
  const people = {
    r1: idNumberFor('1950-01-11'), r2: idNumberFor('1951-01-11', false), r3: idNumberFor('1952-01-11'),
    r4: idNumberFor('1953-01-11', false), r5: idNumberFor('1954-01-11'), young: idNumberFor('1970-01-11'),
    candidate: idNumberFor('1945-08-08'), dueArchive: idNumberFor('1944-09-09'), noVillage: idNumberFor('1949-02-02'),
  };
  let r1: { id: string };
  let r2: { id: string };
  let dueArchive: { id: string };
  let roundId: string;
  const rollRecords = () => [
    { externalId: 'HR-1', idNumber: people.r1, name: '关一', regionCode: V.round1, listedOn: '2026-11-01' },
    { externalId: 'HR-2', idNumber: people.r2, name: '关二', regionCode: V.round1, listedOn: '2026-11-01' },
    { externalId: 'HR-3', idNumber: people.r3, name: '关三', regionCode: V.round1, listedOn: '2026-11-01' },
    { externalId: 'HR-4', idNumber: people.r4, name: '关四', regionCode: V.round1, listedOn: '2026-11-01' },
    { externalId: 'HR-5', idNumber: people.r5, name: '关五', regionCode: V.round2, listedOn: '2026-11-01' },
    { externalId: 'HR-6', idNumber: people.young, name: '关年轻', regionCode: V.round1, listedOn: '2026-11-01' },
    { externalId: 'HR-7', idNumber: people.noVillage, name: '关无村', listedOn: '2026-11-01' },
  ];

  beforeAll(async () => {
    t.clock.set(NOW);
    police = await t.user('POLICE', REGIONS.city);
    health = await t.user('HEALTH', REGIONS.city);
    worker = await t.user('VILLAGE_WORKER', V.round1);
    outsider = await t.user('VILLAGE_WORKER', V.round1);
    r1 = await registerElder(t, town, { name: '关一', regionCode: V.round1, idNumber: people.r1 });
    r2 = await registerElder(t, town, { name: '关二', regionCode: V.round1, idNumber: people.r2 });
    t.clock.set(THIRTEEN_MONTHS_AGO);
    dueArchive = await registerElder(t, town, { name: '关待核', regionCode: V.round2, idNumber: people.dueArchive });
    t.clock.set(NOW);
    // Health reports a fully incapacitated 81-year-old nobody registered: a pending candidate of village 1.
    ok(await t.exec(health, `mutation($b: IncapacityAssessmentBatch!) { syncIncapacityAssessments(batch: $b) { created } }`, {
      b: { idempotencyKey: 'inc-1', records: [{ externalId: 'IA-1', idNumber: people.candidate, name: '关候选', regionCode: V.round1, level: 'FULL', assessedOn: '2026-10-20' }] },
    }));
  });

  it('syncs the roll: per-record verdicts, archives matched and never candidates, idempotent', async () => {
    const first = ok(await t.exec<any>(police, ROLL, { b: { idempotencyKey: 'roll-2026-11', records: rollRecords() } })).syncResidentRoll;
    expect(first).toMatchObject({ replayed: false, received: 7, created: 5, rejected: 2, conflicts: 0 });
    const by = Object.fromEntries(first.results.map((r: any) => [r.externalId, r]));
    expect(by['HR-1']).toMatchObject({ status: 'CREATED', match: 'ELDER', elderId: r1.id, candidateId: null });
    expect(by['HR-2']).toMatchObject({ status: 'CREATED', match: 'ELDER', elderId: r2.id });
    for (const k of ['HR-3', 'HR-4', 'HR-5']) expect(by[k]).toMatchObject({ status: 'CREATED', match: 'NONE', elderId: null, candidateId: null });
    expect(by['HR-6']).toMatchObject({ status: 'REJECTED', errors: [{ field: 'idNumber' }] });
    expect(by['HR-7']).toMatchObject({ status: 'REJECTED', errors: [{ field: 'regionCode' }] });
    const [candidates] = await t.sql<{ n: number }>(`select count(*)::int as n from candidate where id_number = any($1)`, [[people.r3, people.r4, people.r5, people.r1]]);
    expect(candidates!.n).toBe(0);

    const replay = ok(await t.exec<any>(police, ROLL, { b: { idempotencyKey: 'roll-2026-11', records: rollRecords() } })).syncResidentRoll;
    expect(replay).toEqual({ ...first, replayed: true });
    const again = ok(await t.exec<any>(police, ROLL, { b: { idempotencyKey: 'roll-2026-11-again', records: rollRecords() } })).syncResidentRoll;
    expect(again).toMatchObject({ created: 0, unchanged: 5, rejected: 2 });
    const [stored] = await t.sql<{ n: number }>(`select count(*)::int as n from agency_record where kind = 'RESIDENT_ROLL'`);
    expect(stored!.n).toBe(5);
    const otherKey = await t.exec(police, ROLL, { b: { idempotencyKey: 'roll-2026-11', records: rollRecords().slice(0, 2) } });
    expect(codeOf(otherKey)).toBe('CONFLICT');
  });

  it('builds the round’s task list per village from the roll, candidates and archives due', async () => {
    const round = ok(await t.exec<any>(town, CREATE, {
      r: REGIONS.townA, n: '2026年冬季摸底排查', s: '2026-11-15', e: '2026-12-31', team: { userIds: [worker.id], visitorIds: [] },
    })).createSurveyRound;
    roundId = round.id;
    expect(round).toMatchObject({ regionCode: REGIONS.townA, regionName: '三埠街道', startsOn: '2026-11-15', endsOn: '2026-12-31' });
    expect(round.team).toEqual([{ id: worker.id, name: `测试 ${worker.username}`, kind: 'USER' }]);

    const v1 = ok(await t.exec<any>(town, TASKS, { id: roundId, r: V.round1, first: 100 })).surveyTasks;
    expect(v1.totalCount).toBe(5);
    const byName = Object.fromEntries(v1.nodes.map((n: any) => [n.name, n]));
    expect(Object.keys(byName).sort()).toEqual(['关一', '关三', '关二', '关候选', '关四'].sort());
    expect(byName['关一']).toMatchObject({ sources: ['ROLL'], onRoll: true, elder: { id: r1.id }, result: null });
    expect(byName['关三']).toMatchObject({ sources: ['ROLL'], onRoll: true, elder: null });
    expect(byName['关三'].idNumber).toBe(`${people.r3.slice(0, 6)}********${people.r3.slice(-4)}`);
    expect(byName['关候选']).toMatchObject({ sources: ['CANDIDATE'], onRoll: false, elder: null });
    expect(byName['关候选'].candidateId).toBeTruthy();
    const v2 = ok(await t.exec<any>(town, TASKS, { id: roundId, r: V.round2, first: 100 })).surveyTasks;
    expect(new Map(v2.nodes.map((n: any) => [n.name, n.sources]))).toEqual(new Map([['关五', ['ROLL']], ['关待核', ['NOT_VERIFIED']]]));

    const p = ok(await t.exec<any>(town, PROGRESS, { id: roundId })).surveyProgress;
    const village = (code: string) => p.villages.find((v: any) => v.regionCode === code);
    expect(village(V.round1)).toMatchObject({ tasks: 5, surveyed: 0, left: 5, rollPeople: 4, rollSurveyed: 0, coverage: 0 });
    expect(village(V.round2)).toMatchObject({ tasks: 2, surveyed: 0, left: 2, rollPeople: 1, rollSurveyed: 0, coverage: 0 });
    expect(p.total).toMatchObject({ regionCode: REGIONS.townA, rollPeople: 5, rollSurveyed: 0, coverage: 0 });
  });

  it('records results with who and when; coverage = roll people surveyed ÷ roll people, exact', async () => {
    const tasks = ok(await t.exec<any>(town, TASKS, { id: roundId, first: 100 })).surveyTasks.nodes;
    const task = (name: string) => tasks.find((n: any) => n.name === name).id;

    // ELIGIBLE without an archive: registered through the registry, verified today.
    const three = ok(await t.exec<any>(town, RESULT, { id: task('关三'), res: 'ELIGIBLE', a: { circumstances: ['LIVING_ALONE'] } })).recordSurveyResult;
    expect(three).toMatchObject({ result: 'ELIGIBLE', recordedBy: `测试 ${town.username}`, recordedAt: NOW.replace('Z', '.000Z'), elder: { name: '关三', lastVerifiedOn: '2026-11-15' } });
    const [registered] = await t.sql<any>(`select region_code, circumstances from elder where id_number = $1`, [people.r3]);
    expect(registered).toEqual({ region_code: V.round1, circumstances: ['LIVING_ALONE'] });

    // ELIGIBLE with an archive: verified.
    await t.sql(`update elder set last_verified_on = '2026-01-01' where id = $1`, [r1.id]);
    ok(await t.exec(town, RESULT, { id: task('关一'), res: 'ELIGIBLE' }));
    expect(await lastVerified(r1.id)).toBe('2026-11-15');
    ok(await t.exec(town, RESULT, { id: task('关待核'), res: 'ELIGIBLE', note: '入户核实，情况无变化' }));
    expect(await lastVerified(dueArchive.id)).toBe('2026-11-15');
    expect((await due(V.round2)).totalCount).toBe(0);

    // NOT_ELIGIBLE needs a reason.
    const noReason = await t.exec(town, RESULT, { id: task('关四'), res: 'NOT_ELIGIBLE' });
    expect(codeOf(noReason)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(noReason)).toEqual(['note']);
    ok(await t.exec(town, RESULT, { id: task('关四'), res: 'NOT_ELIGIBLE', note: '与子女同住，生活能自理' }));

    // The candidate is enrolled: its agency record applies to the new archive.
    const cand = ok(await t.exec<any>(town, RESULT, { id: task('关候选'), res: 'ELIGIBLE' })).recordSurveyResult;
    const [enrolled] = await t.sql<any>(`select c.status, e.incapacity_level from candidate c join elder e on e.id = c.elder_id where c.id_number = $1`, [people.candidate]);
    expect(enrolled).toEqual({ status: 'ENROLLED', incapacity_level: 'FULL' });
    expect(cand.elder.name).toBe('关候选');

    ok(await t.exec(town, RESULT, { id: task('关五'), res: 'MOVED_AWAY', note: '已随子女迁往广州' }));

    // A result is final.
    const twice = await t.exec(town, RESULT, { id: task('关一'), res: 'NOT_FOUND' });
    expect(codeOf(twice)).toBe('CONFLICT');

    // A village worker records in their village only as a member of the round's team.
    expect(codeOf(await t.exec(outsider, RESULT, { id: task('关二'), res: 'REFUSED' }))).toBe('FORBIDDEN');
    let p = ok(await t.exec<any>(town, PROGRESS, { id: roundId })).surveyProgress;
    let v1 = p.villages.find((v: any) => v.regionCode === V.round1);
    expect(v1).toMatchObject({ tasks: 5, surveyed: 4, left: 1, rollPeople: 4, rollSurveyed: 3, coverage: 0.75, coverageNote: '名册 4 人，已摸排 3 人，覆盖率 75.0%' });
    expect(p.villages.find((v: any) => v.regionCode === V.round2)).toMatchObject({ tasks: 2, surveyed: 2, left: 0, rollPeople: 1, rollSurveyed: 1, coverage: 1 });
    expect(p.total).toMatchObject({ rollPeople: 5, rollSurveyed: 4, coverage: 0.8 });

    const mine = ok(await t.exec<any>(worker, TASKS, { id: roundId, s: 'PENDING', first: 100 })).surveyTasks;
    expect(mine.nodes.map((n: any) => n.name)).toEqual(['关二']);
    ok(await t.exec(worker, RESULT, { id: task('关二'), res: 'REFUSED', note: '本人不愿配合' }));
    p = ok(await t.exec<any>(worker, PROGRESS, { id: roundId })).surveyProgress;
    // The village worker's progress is their village's.
    expect(p.villages.map((v: any) => v.regionCode)).toEqual([V.round1]);
    v1 = p.villages[0];
    expect(v1).toMatchObject({ tasks: 5, surveyed: 5, left: 0, rollSurveyed: 4, coverage: 1 });
    p = ok(await t.exec<any>(town, PROGRESS, { id: roundId })).surveyProgress;
    expect(p.total).toMatchObject({ rollPeople: 5, rollSurveyed: 5, coverage: 1 });

    const [audits] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'SURVEY_RESULT_RECORD' and detail->>'roundId' = $1`, [roundId]);
    expect(audits!.n).toBe(7);
    const [created] = await t.sql<{ n: number }>(`select count(*)::int as n from audit_event where action = 'SURVEY_ROUND_CREATE' and detail->>'roundId' = $1`, [roundId]);
    expect(created!.n).toBe(1);
  });

  it('a roll synced after the round joins it on refresh; without any roll the coverage is null and says why', async () => {
    const round = ok(await t.exec<any>(admin, CREATE, { r: REGIONS.townB, n: '沙塘镇摸排', s: '2026-11-15', e: '2026-12-15' })).createSurveyRound;
    let p = ok(await t.exec<any>(admin, PROGRESS, { id: round.id })).surveyProgress;
    expect(p.total.coverage).toBeNull();
    expect(p.total.coverageNote).toBe('公安尚未同步本区域的户籍老年人名册（60周岁以上），无法计算覆盖率');
    ok(await t.exec(police, ROLL, { b: { idempotencyKey: 'roll-b', records: [
      { externalId: 'HB-1', idNumber: idNumberFor('1948-03-03'), name: '黄一', regionCode: REGIONS.villageB1, listedOn: '2026-11-10' },
      // A village code the region tree does not know: the person still counts, at the town's level.
      { externalId: 'HB-2', idNumber: idNumberFor('1948-04-04'), name: '黄二', regionCode: '440783103999', listedOn: '2026-11-10' },
    ] } }));
    ok(await t.exec(admin, `mutation($id: ID!) { refreshSurveyRound(roundId: $id) { id } }`, { id: round.id }));
    p = ok(await t.exec<any>(admin, PROGRESS, { id: round.id })).surveyProgress;
    expect(p.total).toMatchObject({ rollPeople: 2, rollSurveyed: 0, coverage: 0 });
    expect(p.villages.map((v: any) => [v.regionCode, v.rollPeople])).toEqual([[REGIONS.townB, 1], [REGIONS.villageB1, 1]]);
    // A second refresh adds nothing and keeps the tasks as they were.
    ok(await t.exec(admin, `mutation($id: ID!) { refreshSurveyRound(roundId: $id) { id } }`, { id: round.id }));
    const [n] = await t.sql<{ n: number }>(`select count(*)::int as n from survey_task where round_id = $1`, [round.id]);
    expect(n!.n).toBe(2);
  });

  it('validates a new round', async () => {
    const bad = await t.exec(town, CREATE, { r: REGIONS.townA, n: ' ', s: '2026-12-01', e: '2026-11-20' });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(bad).sort()).toEqual(['endsOn', 'name']);
    const village = await t.exec(town, CREATE, { r: V.round1, n: '村级', s: '2026-11-15', e: '2026-12-01' });
    expect(codeOf(village)).toBe('NOT_FOUND');
    const stranger = await t.exec(town, CREATE, { r: REGIONS.townA, n: '队伍', s: '2026-11-15', e: '2026-12-01', team: { userIds: [admin.id], visitorIds: [] } });
    expect(fieldsOf(stranger)).toEqual(['team.userIds']);
  });
});
