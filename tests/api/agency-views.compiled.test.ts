import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareData } from '../../packages/api/src/db/bootstrap.js';
import { DEMO_CITY, DEMO_TOWN, DEMO_VILLAGE } from '../../packages/api/src/db/seeders/demo.js';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import { PARTNER_KINDS, type PartnerKind } from '../../packages/api/src/modules/agencies/agency-views.js';
import { codeOf, createTestApp, ok, type TestApp, type TestUser } from '../helpers/app.js';

/**
 * Issue 17 item 2, the fifth hot read: `agencyElders` compiled to one statement (agency-views.queries.ts: the agency,
 * the page, the total and the AGENCY_VIEW_READ row together) answers exactly what the uncompiled path answers and
 * writes the same audit rows, for each partner kind, on the demo data (2,000 elders of 开平市). Each query runs
 * twice, compiled reads off then on.
 */

let t: TestApp;
/** An agency of each kind at the town (its users there) and at the city. */
const town = {} as Record<PartnerKind, TestUser>;
const city = {} as Record<PartnerKind, TestUser>;

const LIST = `query($filter: AgencyElderFilter, $first: Int, $after: String) {
  agencyElders(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id view name gender birthDate idNumber village { code name fullName } addressDetail phone
      emergencyContacts { kind name relation phone } status circumstances incapacityLevel
      latestHealth { visitedOn expression mobility disease diseaseName mood }
      disability { certificateNumber category grade severe } lastVisitOn class
      housing { housingSafe visitedOn housingUnsafe indoorEnvironment } } } }`;
/** Without totalCount: the compiled statement counts nothing. */
const NO_TOTAL = `query($first: Int) { agencyElders(first: $first) { pageInfo { hasNextPage } nodes { id name } } }`;

let auditMark = 0;
async function auditSince(): Promise<unknown[]> {
  const rows = await t.sql<{ id: string }>(
    `select id, action, elder_id, actor_id, actor_username, actor_role, region_code, county_code, purpose, changes, detail
       from audit_event where id > $1 order by id`,
    [auditMark],
  );
  auditMark = Math.max(auditMark, ...rows.map((r) => Number(r.id)));
  return rows.map(({ id: _id, ...rest }) => rest);
}

const compiled = (enabled: boolean, auditInStatement = true) => {
  t.options.config.compiledReads = { enabled, auditInStatement, prepared: true };
};

/** The same operation uncompiled and compiled: equal answers, equal audit rows, and the statements of each. */
async function both(user: TestUser, variables: Record<string, unknown>, query = LIST) {
  await auditSince();
  compiled(false);
  const old = await t.exec<any>(user, query, variables);
  const oldAudit = await auditSince();
  compiled(true);
  const now = await t.exec<any>(user, query, variables);
  const audit = await auditSince();
  expect(now.errors).toEqual(old.errors);
  expect(now.data).toEqual(old.data);
  expect(audit).toEqual(oldAudit);
  return { data: now.data?.agencyElders, errors: now.errors, sqlStatements: now.sqlStatements, audit, statements: [old.sqlStatements, now.sqlStatements] };
}

beforeAll(async () => {
  t = await createTestApp();
  await prepareData(t.orm, { seedDemo: true });
  for (const kind of PARTNER_KINDS) {
    town[kind] = await t.user(kind, DEMO_TOWN);
    city[kind] = await t.user(kind, DEMO_CITY);
  }
});
afterAll(() => t.close());

describe('agencyElders compiled answers as the uncompiled path does', () => {
  it.each(PARTNER_KINDS)('%s: pages with cursors, totals and audit rows, at the town and the city', async (kind) => {
    for (const user of [town[kind], city[kind]]) {
      const first = await both(user, { first: 7 });
      expect(first.data.nodes.length).toBeGreaterThan(0);
      expect(first.statements).toEqual([3, 1]);
      expect(first.audit).toEqual([expect.objectContaining({
        action: 'AGENCY_VIEW_READ', actor_id: user.id, region_code: user.actor.regionCode,
        detail: { query: 'agencyElders', view: kind, agencyId: user.actor.agencyId, elderIds: first.data.nodes.map((n: { id: string }) => n.id) },
      })]);
      if (first.data.pageInfo.hasNextPage) {
        const second = await both(user, { first: 7, after: first.data.pageInfo.endCursor });
        expect(second.data.nodes[0].id).not.toBe(first.data.nodes[0].id);
        expect(second.data.pageInfo.hasPreviousPage).toBe(true);
      }
      // The whole view in one page: the total is the page's length on both paths.
      const all = await both(user, { first: 100, filter: { regionCode: DEMO_VILLAGE } });
      if (!all.data.pageInfo.hasNextPage) expect(all.data.totalCount).toBe(all.data.nodes.length);
      else expect(all.data.totalCount).toBeGreaterThan(all.data.nodes.length);
    }
  });

  it.each(PARTNER_KINDS)('%s: filters by region, name prefix and ID-number digits', async (kind) => {
    const user = town[kind];
    const page = (await both(user, { first: 50 })).data;
    const [someone] = await t.sql<{ name: string; id_number: string }>(`select name, id_number from elder where id = $1`, [page.nodes.at(-1).id]);
    const byName = await both(user, { filter: { text: someone!.name.slice(0, 1) } });
    expect(byName.data.nodes.length).toBeGreaterThan(0);
    expect(byName.data.nodes.some((n: { id: string }) => n.id === page.nodes.at(-1).id) || byName.data.pageInfo.hasNextPage).toBe(true);
    const byDigits = await both(user, { filter: { text: someone!.id_number.slice(-6) } });
    expect(byDigits.data.nodes.map((n: { id: string }) => n.id)).toContain(page.nodes.at(-1).id);
    await both(user, { filter: { text: someone!.id_number } });
    await both(user, { first: 3, filter: { regionCode: DEMO_VILLAGE, text: someone!.name.slice(0, 1) } });
  });
});

describe('refusals and the audit row', () => {
  it('an empty page writes no audit row, on both paths', async () => {
    for (const kind of PARTNER_KINDS) {
      const none = await both(town[kind], { filter: { text: '无此人名' } });
      expect(none.data).toMatchObject({ totalCount: 0, nodes: [] });
      expect(none.audit).toEqual([]);
      expect(none.statements).toEqual([2, 1]);
    }
  });

  it('a region outside the agency, a mismatched or missing agency and bad input are refused alike, with no row', async () => {
    // Outside the caller's own subtree (the uncompiled path refuses it) and outside its agency's only (the statement finds it).
    const police = town.POLICE;
    const outside = await both(police, { filter: { regionCode: DEMO_CITY } });
    expect(codeOf(outside)).toBe('FORBIDDEN');
    const wide: TestUser = { ...city.POLICE, actor: actorFor({ ...actorFields(city.POLICE), agencyId: police.actor.agencyId }) };
    const [otherTown] = await t.sql<{ code: string }>(`select code from region where parent_code = $1 and code <> $2 order by code limit 1`, [DEMO_CITY, DEMO_TOWN]);
    const narrowed = await both(wide, { filter: { regionCode: otherTown!.code } });
    expect(codeOf(narrowed)).toBe('FORBIDDEN');
    expect(narrowed.errors![0]!.message).toContain(otherTown!.code);
    expect(narrowed.audit).toEqual([]);
    // A city user of a town agency reads that town only, compiled and not.
    const inside = await both(wide, { first: 5 });
    expect(inside.data.nodes.length).toBe(5);
    expect(inside.audit).toEqual([expect.objectContaining({ region_code: DEMO_TOWN })]);

    const mixed: TestUser = { ...police, actor: actorFor({ ...actorFields(police), agencyId: town.HEALTH.actor.agencyId }) };
    expect(codeOf(await both(mixed, {}))).toBe('FORBIDDEN');
    const missing: TestUser = { ...police, actor: actorFor({ ...actorFields(police), agencyId: '00000000-0000-4000-8000-000000000000' }) };
    expect(codeOf(await both(missing, {}))).toBe('FORBIDDEN');
    for (const bad of [{ text: '12' }, { regionCode: '12345' }, { text: 'x'.repeat(51) }]) {
      const r = await both(police, { filter: bad });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(r.audit).toEqual([]);
    }
    expect(codeOf(await both(police, { after: 'bm9wZQ' }))).toBe('BAD_USER_INPUT');
  });

  it('without totalCount nothing is counted; with the audit written apart (TANFANG_COMPILED_READ_AUDIT=separate) the rows are the same', async () => {
    const noTotal = await both(town.DISABILITY, { first: 3 }, NO_TOTAL);
    expect(noTotal.data.nodes).toHaveLength(3);
    await auditSince();
    compiled(true, false);
    const separate = await t.exec<any>(town.HOUSING, LIST, { first: 4 });
    const separateAudit = await auditSince();
    compiled(true, true);
    const inStatement = await t.exec<any>(town.HOUSING, LIST, { first: 4 });
    expect(separate.data).toEqual(inStatement.data);
    expect(separate.sqlStatements).toBe(2); // the read, then writeReadAudit
    expect(inStatement.sqlStatements).toBe(1);
    expect(separateAudit).toEqual(await auditSince());
    expect(separateAudit).toHaveLength(1);
  });

  it("the maintained total follows a new archive in the police agency's town", async () => {
    const before = ok(await t.exec<any>(town.POLICE, LIST, { first: 1 })).agencyElders.totalCount;
    const [{ id }] = await t.sql<{ id: string }>(`select id from elder where not starts_with(region_code, $1) order by id limit 1`, [DEMO_TOWN]);
    await t.sql(`update elder set region_code = $1::text, county_code = left($1::text, 6) where id = $2`, [DEMO_VILLAGE, id]);
    const after = await both(town.POLICE, { first: 1 });
    expect(after.data.totalCount).toBe(before + 1);
  });
});

function actorFields(u: TestUser) {
  return { id: u.id, username: u.username, displayName: u.username, role: u.actor.role, regionCode: u.actor.regionCode, agencyId: u.actor.agencyId };
}
