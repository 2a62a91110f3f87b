import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * Who may do what in the survey (摸底排查) and dynamic management (动态管理), per operation: without its scope an
 * operation is FORBIDDEN; outside the caller's area a round, task or region is NOT_FOUND exactly like a missing one,
 * and a refused call writes nothing.
 */
let t: TestApp;
let admin: TestUser;
let townA: TestUser;
let townB: TestUser;
let villageA1: TestUser;
let villageA2: TestUser;
let police: TestUser;
let integrator: TestUser;
let roundA: string;
let taskA1: string;

const DUE = `query($r: String) { reverificationDue(regionCode: $r, first: 10) { totalCount nodes { elder { id } } } }`;
const SUMMARY = `query($r: String) { reverificationSummary(regionCode: $r) { due } }`;
const CREATE = `mutation($r: String!) { createSurveyRound(regionCode: $r, name: "摸排", startsOn: "2026-11-15", endsOn: "2026-12-31") { id } }`;
const REFRESH = `mutation($id: ID!) { refreshSurveyRound(roundId: $id) { id } }`;
const ROUNDS = `query($r: String) { surveyRounds(regionCode: $r, first: 10) { totalCount nodes { id } } }`;
const ROUND = `query($id: ID!) { surveyRound(id: $id) { id } }`;
const TASKS = `query($id: ID!, $r: String) { surveyTasks(roundId: $id, regionCode: $r, first: 100) { totalCount nodes { id regionCode } } }`;
const RESULT = `mutation($id: ID!) { recordSurveyResult(taskId: $id, result: NOT_FOUND) { id result } }`;
const PROGRESS = `query($id: ID!) { surveyProgress(roundId: $id) { total { tasks } villages { regionCode } } }`;
const ROLL = `mutation($b: ResidentRollBatch!) { syncResidentRoll(batch: $b) { created } }`;
const rollBatch = (key: string) => ({
  idempotencyKey: key, records: [{ externalId: `P-${key}`, idNumber: idNumberFor('1950-06-06'), name: '谭一', regionCode: REGIONS.villageA1, listedOn: '2026-11-01' }],
});

async function writes() {
  const [row] = await t.sql(`select (select count(*)::int from survey_round) as rounds, (select count(*)::int from survey_task) as tasks,
    (select count(*)::int from survey_task where result is not null) as results, (select count(*)::int from agency_record) as records`);
  return row;
}

async function expectCode(user: TestUser, query: string, variables: Record<string, unknown>, code: string, label: string) {
  const result = await t.exec(user, query, variables);
  expect(codeOf(result), label).toBe(code);
  expect(result.data ?? null, label).toBeNull();
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-11-15T02:00:00Z');
  admin = await t.user('ADMIN', REGIONS.city);
  townA = await t.user('TOWN_OPERATOR', REGIONS.townA);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
  villageA1 = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  villageA2 = await t.user('VILLAGE_WORKER', REGIONS.villageA2);
  police = await t.user('POLICE', REGIONS.city);
  integrator = await t.user('INTEGRATOR', REGIONS.city);
  ok(await t.exec(police, ROLL, { b: rollBatch('setup') }));
  await registerElder(t, townA, { name: '谭二', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1949-07-07') });
  await t.sql(`update elder set last_verified_on = '2025-01-01'`);
  roundA = ok(await t.exec<any>(townA, CREATE, { r: REGIONS.townA })).createSurveyRound.id;
  const tasks = ok(await t.exec<any>(townA, TASKS, { id: roundA })).surveyTasks.nodes;
  expect(tasks.map((n: any) => n.regionCode).sort()).toEqual([REGIONS.villageA1, REGIONS.villageA2]);
  taskA1 = tasks.find((n: any) => n.regionCode === REGIONS.villageA1).id;
});
afterAll(async () => {
  await t?.close();
});

describe('survey scopes', () => {
  it('without the scope every operation is FORBIDDEN and writes nothing', async () => {
    const before = await writes();
    const ops: [string, string, Record<string, unknown>][] = [
      ['reverificationDue', DUE, {}], ['reverificationSummary', SUMMARY, {}], ['createSurveyRound', CREATE, { r: REGIONS.townA }],
      ['refreshSurveyRound', REFRESH, { id: roundA }], ['surveyRounds', ROUNDS, {}], ['surveyRound', ROUND, { id: roundA }],
      ['surveyTasks', TASKS, { id: roundA }], ['recordSurveyResult', RESULT, { id: taskA1 }], ['surveyProgress', PROGRESS, { id: roundA }],
    ];
    for (const [label, query, variables] of ops) {
      await expectCode(integrator, query, variables, 'FORBIDDEN', `integrator ${label}`);
      await expectCode(police, query, variables, 'FORBIDDEN', `police ${label}`);
    }
    // Village workers record results but do not open or rebuild rounds.
    await expectCode(villageA1, CREATE, { r: REGIONS.townA }, 'FORBIDDEN', 'village createSurveyRound');
    await expectCode(villageA1, REFRESH, { id: roundA }, 'FORBIDDEN', 'village refreshSurveyRound');
    // Only the police write the roll.
    await expectCode(townA, ROLL, { b: rollBatch('town') }, 'FORBIDDEN', 'town syncResidentRoll');
    await expectCode(integrator, ROLL, { b: rollBatch('integrator') }, 'FORBIDDEN', 'integrator syncResidentRoll');
    expect(await writes()).toEqual(before);
  });

  it('outside the area a round, task or region is NOT_FOUND, exactly like a missing one', async () => {
    const before = await writes();
    const missing = randomUUID();
    const cases: [string, string, Record<string, unknown>, Record<string, unknown>][] = [
      ['reverificationDue', DUE, { r: REGIONS.townA }, { r: '440783999' }],
      ['reverificationSummary', SUMMARY, { r: REGIONS.villageA1 }, { r: '440783999999' }],
      ['createSurveyRound', CREATE, { r: REGIONS.townA }, { r: '440783999' }],
      ['refreshSurveyRound', REFRESH, { id: roundA }, { id: missing }],
      ['surveyRounds', ROUNDS, { r: REGIONS.townA }, { r: '440783999' }],
      ['surveyRound', ROUND, { id: roundA }, { id: missing }],
      ['surveyTasks', TASKS, { id: roundA }, { id: missing }],
      ['recordSurveyResult', RESULT, { id: taskA1 }, { id: missing }],
      ['surveyProgress', PROGRESS, { id: roundA }, { id: missing }],
    ];
    for (const [label, query, outside, absent] of cases) {
      const a = await t.exec(townB, query, outside);
      const b = await t.exec(townB, query, absent);
      expect(codeOf(a), `${label} outside`).toBe('NOT_FOUND');
      expect(a.errors?.[0]?.message, label).toBe(b.errors?.[0]?.message);
      expect(codeOf(b), `${label} missing`).toBe('NOT_FOUND');
    }
    expect(ok(await t.exec<any>(townB, ROUNDS, {})).surveyRounds.totalCount).toBe(0);
    // A village worker sees the town's round, but only their village's tasks, and cannot record elsewhere.
    const tasks = ok(await t.exec<any>(villageA2, TASKS, { id: roundA })).surveyTasks;
    expect(tasks.nodes.map((n: any) => n.regionCode)).toEqual([REGIONS.villageA2]);
    expect(ok(await t.exec<any>(villageA2, PROGRESS, { id: roundA })).surveyProgress.villages.map((v: any) => v.regionCode)).toEqual([REGIONS.villageA2]);
    await expectCode(villageA2, RESULT, { id: taskA1 }, 'NOT_FOUND', 'village A2 records in A1');
    await expectCode(villageA2, TASKS, { id: roundA, r: REGIONS.villageA1 }, 'NOT_FOUND', 'village A2 lists A1');
    expect(await writes()).toEqual(before);
  });

  it('in the area, the same operations answer', async () => {
    expect(ok(await t.exec<any>(admin, DUE, { r: REGIONS.townA })).reverificationDue.totalCount).toBe(1);
    expect(ok(await t.exec<any>(townA, SUMMARY, {})).reverificationSummary.due).toBe(1);
    expect(ok(await t.exec<any>(villageA1, ROUNDS, {})).surveyRounds.nodes.map((n: any) => n.id)).toEqual([roundA]);
    expect(ok(await t.exec<any>(admin, RESULT, { id: taskA1 })).recordSurveyResult.result).toBe('NOT_FOUND');
  });
});
