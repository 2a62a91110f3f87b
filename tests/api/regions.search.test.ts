import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';

// searchRegions lets the console's region picker find a village by name without opening its town first.
let t: TestApp;
let county: TestUser;
let townB: TestUser;
const SEARCH = `query($text: String!, $first: Int) { searchRegions(text: $text, first: $first) { code name level } }`;

beforeAll(async () => {
  t = await createTestApp();
  county = await t.user('ADMIN', REGIONS.city);
  townB = await t.user('TOWN_OPERATOR', REGIONS.townB);
});
afterAll(() => t.close());

type Hit = { code: string; name: string; level: number };
const hits = (data: unknown) => (data as { searchRegions: Hit[] }).searchRegions;

describe('searchRegions', () => {
  it('finds a village by part of its name at any depth of the subtree, towns before villages', async () => {
    const found = hits(ok(await t.exec(county, SEARCH, { text: '东河' })));
    expect(found.map((r) => r.code)).toContain(REGIONS.villageA1);
    expect(found.every((r) => r.name.includes('东河') && r.code.startsWith(REGIONS.city))).toBe(true);
    const levels = found.map((r) => r.level);
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    const towns = hits(ok(await t.exec(county, SEARCH, { text: '街道' })));
    expect(towns.map((r) => r.code)).toContain(REGIONS.townA);
  });

  it('finds nothing outside the caller\'s subtree, and treats LIKE wildcards as text', async () => {
    expect(hits(ok(await t.exec(townB, SEARCH, { text: '东河' })))).toEqual([]);
    expect(hits(ok(await t.exec(townB, SEARCH, { text: '沙塘' }))).map((r) => r.code)).toContain(REGIONS.villageB1);
    expect(hits(ok(await t.exec(county, SEARCH, { text: '%' })))).toEqual([]);
    expect(hits(ok(await t.exec(county, SEARCH, { text: '_' })))).toEqual([]);
    expect(hits(ok(await t.exec(county, SEARCH, { text: '  ' })))).toEqual([]);
  });

  it('caps the number of hits and refuses a bad page size', async () => {
    expect(hits(ok(await t.exec(county, SEARCH, { text: '社区', first: 3 })))).toHaveLength(3);
    const bad = await t.exec(county, SEARCH, { text: '社区', first: 51 });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(bad)).toEqual(['first']);
  });
});
