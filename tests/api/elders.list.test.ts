import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

let t: TestApp;
let town: TestUser;
const LIST = `query($filter: ElderFilter, $sort: ElderSort, $first: Int, $after: String) {
  elders(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { name age birthDate region { code name } }
  } }`;

const people: [string, string, Record<string, unknown>][] = [
  ['陈一', '1940-01-10', { circumstances: ['LIVING_ALONE', 'MINIMUM_ALLOWANCE'] }],
  ['陈二', '1946-11-15', { circumstances: ['LIVING_ALONE'] }], // turns 80 on the test day
  ['陈三', '1946-11-16', { circumstances: ['EMPTY_NEST'] }], // 79 on the test day
  ['李四', '1960-05-05', { circumstances: ['LEFT_BEHIND'], disability: { category: 'PHYSICAL', grade: 2 } }],
  ['李五', '1955-05-05', { circumstances: ['LEFT_BEHIND'], regionCode: REGIONS.villageA2 }],
  ['王六', '1930-03-03', { circumstances: ['LIVING_ALONE'] }],
];

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-11-15T02:00:00Z');
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  for (const [name, birth, extra] of people) await registerElder(t, town, { name, idNumber: idNumberFor(birth), ...extra });
});
afterAll(() => t.close());

const names = (data: any) => data.elders.nodes.map((n: { name: string }) => n.name);

describe('elders: filters', () => {
  it('filters by circumstances (all of them), including derived ones', async () => {
    expect(names(ok(await t.exec(town, LIST, { filter: { circumstances: ['LIVING_ALONE'] } })))).toEqual(['王六', '陈一', '陈二']);
    expect(names(ok(await t.exec(town, LIST, { filter: { circumstances: ['LIVING_ALONE', 'MINIMUM_ALLOWANCE'] } })))).toEqual(['陈一']);
    expect(names(ok(await t.exec(town, LIST, { filter: { circumstances: ['AGED_80_PLUS'] } })))).toEqual(['王六', '陈一', '陈二']);
    expect(names(ok(await t.exec(town, LIST, { filter: { circumstances: ['SEVERELY_DISABLED'] } })))).toEqual(['李四']);
  });

  it('filters by age range on the 79/80 boundary', async () => {
    expect(names(ok(await t.exec(town, LIST, { filter: { ageMin: 80, ageMax: 80 } })))).toEqual(['陈二']);
    expect(names(ok(await t.exec(town, LIST, { filter: { ageMax: 79 } })))).toEqual(['李五', '李四', '陈三']);
    const bad = await t.exec(town, LIST, { filter: { ageMin: 90, ageMax: 80 } });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  });

  it('filters by region subtree, status and name prefix', async () => {
    expect(names(ok(await t.exec(town, LIST, { filter: { regionCode: REGIONS.villageA2 } })))).toEqual(['李五']);
    expect(names(ok(await t.exec(town, LIST, { filter: { text: '陈' } })))).toEqual(['陈一', '陈三', '陈二']);
    expect(names(ok(await t.exec(town, LIST, { filter: { status: ['DECEASED'] } })))).toEqual([]);
    expect(codeOf(await t.exec(town, LIST, { filter: { regionCode: '4407831' } }))).toBe('BAD_USER_INPUT');
    expect(fieldsOf(await t.exec(town, LIST, { filter: { text: '123' } }))).toEqual(['filter.text']);
    // LIKE wildcards in the search text are literal characters, not patterns.
    expect(names(ok(await t.exec(town, LIST, { filter: { text: '%' } })))).toEqual([]);
  });
});

describe('elders: sorting and pagination', () => {
  it('sorts by age (oldest first) and pages with cursors until the end', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: any = ok(await t.exec(town, LIST, { sort: { field: 'AGE', direction: 'DESC' }, first: 4, after })).elders;
      expect(page.totalCount).toBe(6);
      seen.push(...names({ elders: page }));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(['王六', '陈一', '陈二', '陈三', '李五', '李四']);
  });

  it('refuses a cursor from another sort order, a forged cursor and an oversize page', async () => {
    const page: any = ok(await t.exec(town, LIST, { first: 2 })).elders;
    const otherSort = await t.exec(town, LIST, { first: 2, after: page.pageInfo.endCursor, sort: { field: 'AGE', direction: 'ASC' } });
    expect(fieldsOf(otherSort)).toEqual(['after']);
    const forged = Buffer.from(JSON.stringify(['NAME:ASC', Buffer.from(JSON.stringify(["x'); drop table elder; --", 'nope'])).toString('base64url')])).toString('base64url');
    expect(fieldsOf(await t.exec(town, LIST, { after: forged }))).toEqual(['after']);
    expect(fieldsOf(await t.exec(town, LIST, { first: 101 }))).toEqual(['first']);
    expect(fieldsOf(await t.exec(town, LIST, { first: 0 }))).toEqual(['first']);
  });
});

describe('elders: SQL statements per page', () => {
  it('costs the same number of statements for 5 or 50 elders with nested region, contacts and household', async () => {
    for (let i = 0; i < 50; i++) {
      await registerElder(t, town, {
        name: `批量${String.fromCharCode(0x4e00 + i)}`,
        idNumber: idNumberFor('1950-07-07'),
        emergencyContacts: [{ kind: 'CHILD', name: '关儿', phone: '13800000001' }],
        householdMembers: [{ name: '关国华', relation: '户主' }],
      });
    }
    const q = `query($first: Int) { elders(first: $first) { totalCount nodes { name region { name fullName } emergencyContacts { phone } householdMembers { relation } } } }`;
    // The entity path (compiled reads off): count + page (region joined) + contacts + household + the read audit,
    // whatever the page size: no N+1.
    t.options.config.compiledReads = { ...t.options.config.compiledReads, enabled: false };
    const small = await t.exec<any>(town, q, { first: 5 });
    const large = await t.exec<any>(town, q, { first: 50 });
    expect(ok(large).elders.nodes).toHaveLength(50);
    expect(small.sqlStatements).toBe(5);
    expect(large.sqlStatements).toBe(5);
    const plain = await t.exec<any>(town, `{ elders(first: 50) { totalCount nodes { name region { name } } } }`);
    expect(plain.sqlStatements).toBe(3);
    // Compiled (elders/elder.queries.ts, the default): the same answer in one statement, its audit included.
    t.options.config.compiledReads = { ...t.options.config.compiledReads, enabled: true };
    const compiled = await t.exec<any>(town, q, { first: 50 });
    expect(compiled.data).toEqual(large.data);
    expect(compiled.sqlStatements).toBe(1);
  });
});

describe('elders: totals from maintained counts', () => {
  it('a total by region (and status) equals the archives after registering, moving and closing one', async () => {
    const total = async (filter: Record<string, unknown> | null) => ok(await t.exec<any>(town, LIST, { filter, first: 1 })).elders.totalCount as number;
    const live = async (prefix: string, statuses: string[] | null) =>
      (await t.sql<{ n: number }>(`select count(*)::int as n from elder where starts_with(region_code, $1) and ($2::text[] is null or status = any($2))`, [prefix, statuses]))[0]!.n;
    const check = async () => {
      const cases: [Record<string, unknown> | null, string, string[] | null][] = [
        [null, REGIONS.townA, null],
        [{ regionCode: REGIONS.villageA2 }, REGIONS.villageA2, null],
        [{ status: ['DECEASED'] }, REGIONS.townA, ['DECEASED']],
        [{ regionCode: REGIONS.villageA1, status: ['ACTIVE'] }, REGIONS.villageA1, ['ACTIVE']],
      ];
      for (const [filter, prefix, statuses] of cases) expect(await total(filter)).toBe(await live(prefix, statuses));
    };
    await check();
    const e = await registerElder(t, town, { name: '赵七', idNumber: idNumberFor('1944-04-04'), circumstances: ['LIVING_ALONE'] });
    await t.sql(`update elder set region_code = $1 where id = $2`, [REGIONS.villageA2, e.id]);
    await t.sql(`update elder set status = 'DECEASED', status_date = '2026-11-14' where id = $1`, [e.id]);
    await check();
    expect(await total({ regionCode: REGIONS.villageA2, status: ['DECEASED'] })).toBe(1);
    // The counts are the archives grouped (a drift would be served as a total).
    expect(await t.sql(`select region_code, status, n::int from elder_region_count where n <> 0 order by 1, 2`)).toEqual(
      await t.sql(`select region_code, status, count(*)::int as n from elder group by 1, 2 order by 1, 2`));
  });
});
