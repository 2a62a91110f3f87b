import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/** The elder list filtered by the class in force today and by overdue requirements (derived, not stored). */
let t: TestApp;
let town: TestUser;
const LIST = `query($filter: ElderFilter) { elders(filter: $filter, first: 50) { totalCount nodes { name } } }`;
const names = (data: any) => data.elders.nodes.map((n: { name: string }) => n.name).sort();

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  // Registered in September and never visited: overdue by mid-November (October's visit was missed).
  t.clock.set('2026-09-01T02:00:00Z');
  await registerElder(t, town, { name: '关久', idNumber: idNumberFor('1950-01-01'), circumstances: ['EMPTY_NEST'] });
  t.clock.set('2026-11-15T02:00:00Z');
  await registerElder(t, town, { name: '关甲', idNumber: idNumberFor('1940-01-10'), circumstances: ['LIVING_ALONE'] });
  await registerElder(t, town, { name: '关乙', idNumber: idNumberFor('1946-11-15'), circumstances: ['LIVING_ALONE'] }); // 80 today
  await registerElder(t, town, { name: '关丙', idNumber: idNumberFor('1946-11-16'), circumstances: ['LIVING_ALONE'] }); // 79 today
});
afterAll(() => t.close());

it('filters by the class in force today, the 80th birthday included', async () => {
  expect(names(ok(await t.exec(town, LIST, { filter: { classes: ['A'] } })))).toEqual(['关乙', '关甲'].sort());
  expect(names(ok(await t.exec(town, LIST, { filter: { classes: ['C'] } })))).toEqual(['关丙', '关久'].sort());
  expect(names(ok(await t.exec(town, LIST, { filter: { classes: ['A', 'C'] } })))).toHaveLength(4);
  expect(ok(await t.exec(town, LIST, { filter: { classes: ['B'] } })).elders.totalCount).toBe(0);
});

it('filters by overdue requirements today, combined with other filters', async () => {
  expect(names(ok(await t.exec(town, LIST, { filter: { overdue: true } })))).toEqual(['关久']);
  expect(names(ok(await t.exec(town, LIST, { filter: { overdue: true, classes: ['A'] } })))).toEqual([]);
  expect(names(ok(await t.exec(town, LIST, { filter: { overdue: true, regionCode: REGIONS.villageA2 } })))).toEqual([]);
});
