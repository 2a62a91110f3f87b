import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareData } from '../../packages/api/src/db/bootstrap.js';
import { refreshComplianceSnapshot } from '../../packages/api/src/modules/compliance/compliance.snapshot.js';
import { DEMO_CITY, DEMO_TOWN, DEMO_VILLAGE } from '../../packages/api/src/db/seeders/demo.js';
import { maskCertificateNumber, maskCertificateNumberSql, maskIdNumber, maskIdNumberSql, maskPhone, maskPhoneSql } from '../../packages/api/src/shared/masking.js';
import { codeOf, createTestApp, ok, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';

/**
 * Issue 17 item 2: `elders` and `elder(id)` compiled to one statement (modules/elders/elder.queries.ts) answer
 * exactly what the entity path answers, and write the same read-audit rows. Each query runs twice on the demo data,
 * once with the compiled reads off and once on, as two users (a city admin, a town operator).
 */

let t: TestApp;
let admin: TestUser;
let town: TestUser;
let outsideElder: string;
let townElder: string;

const ARCHIVE_FIELDS = `fragment ElderArchiveFields on Elder {
  id version name idNumber gender birthDate age phone status statusDate statusReason acceptsVisits registeredAt updatedAt
  addressDetail livesAtRegisteredResidence circumstances incapacityLevel familyPlanningKind extremePovertyKind
  temporaryDifficulty temporaryDifficultyUntil lastVerifiedOn
  disability { category grade certificateNumber severe }
  region { code name fullName level }
  emergencyContacts { id kind name relation phone }
  householdMembers { id name gender idNumber relation health assistance }
  livingConditions { waterSafe electricitySafe housingSafe householdMonthlyIncome monthlyBenefits benefitsNote }
  helpReceived { id unitType unitName measures }
  refusals { id refusedOn reason talkedWith recordedAt withdrawnOn withdrawnNote }
}`;

/** The console's archive page without its uncompiled tabs (compliance, history...): fragment + classification. */
const ARCHIVE = `query Archive($id: ID!) { elder(id: $id) { ...ElderArchiveFields
  classification { class computedClass computedAt ruleVersion changesOn reasons { code text } computedReasons { code text }
    override { class reason startsOn expiresOn } } } } ${ARCHIVE_FIELDS}`;

/** The console's elder list document (packages/admin/src/modules/elders/elders.graphql.ts). */
const CONSOLE_LIST = `query ElderList($filter: ElderFilter, $sort: ElderSort, $first: Int, $after: String) {
  elders(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name idNumber gender age phone status acceptsVisits circumstances registeredAt
      region { code name parent { code name } } } } }`;

/** The bench's selections (bench/run.mjs LIST_OURS and ELDER_OURS). */
const BENCH_LIST = `query($r: String!) { elders(first: 50, filter: { regionCode: $r }, sort: { field: NAME, direction: ASC }) { totalCount
  nodes { id name gender birthDate phone classification { class } region { code name } emergencyContacts { name phone }
  visits(first: 5) { nodes { visitedOn method } } } } }`;
const BENCH_ELDER = `query($id: ID!) { elder(id: $id) { id name gender birthDate status idNumber phone circumstances
  classification { class } region { code name fullName } emergencyContacts { kind name phone } householdMembers { name relation } } }`;

/** Aliases, fragments, inline fragments, __typename, edges with cursors and visits' page info. */
const ALIASED = `query($first: Int, $after: String) { page: elders(first: $first, after: $after, sort: { field: NAME, direction: DESC }) {
  count: totalCount __typename
  info: pageInfo { more: hasNextPage back: hasPreviousPage start: startCursor end: endCursor }
  edges { c: cursor node { ...Who ... on Elder { years: age(asOf: "2030-01-01") cls: classification(asOf: "2030-01-01") { class reasons { text } } }
    v: visits(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id seq visitedAt elderId } } } } } } }
  fragment Who on Elder { key: id __typename nm: name place: region { __typename c: code } name }`;

let auditMark = 0;

async function auditSince(): Promise<unknown[]> {
  const rows = await t.sql<{ id: string; elder_id: string; action: string; actor_username: string; region_code: string; county_code: string; detail: unknown }>(
    `select id, elder_id, action, actor_username, actor_role, region_code, county_code, detail from audit_event where id > $1 order by elder_id, action`,
    [auditMark],
  );
  auditMark = Math.max(auditMark, ...rows.map((r) => Number(r.id)));
  return rows.map(({ id: _id, ...rest }) => rest);
}

/** The same operation through the entity path and the compiled one: equal answers and equal audit rows. */
async function both(user: TestUser, query: string, variables: Record<string, unknown> = {}) {
  await auditSince();
  t.options.config.compiledReads = { enabled: false, auditInStatement: true, prepared: true };
  const old = await t.exec<any>(user, query, variables);
  const oldAudit = await auditSince();
  t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
  const compiled = await t.exec<any>(user, query, variables);
  const compiledAudit = await auditSince();
  expect(compiled.errors).toEqual(old.errors);
  expect(compiled.data).toEqual(old.data);
  expect(compiledAudit).toEqual(oldAudit);
  return { old, compiled, audit: compiledAudit };
}

beforeAll(async () => {
  t = await createTestApp();
  await prepareData(t.orm, { seedDemo: true });
  admin = await t.user('ADMIN', DEMO_CITY);
  town = await t.user('TOWN_OPERATOR', DEMO_TOWN);
  [{ id: outsideElder }] = await t.sql<{ id: string }>(`select id from elder where not starts_with(region_code, $1) order by id limit 1`, [DEMO_TOWN]);
  // An elder of the town with contacts, household members and visits, and an override of its class in force.
  [{ id: townElder }] = await t.sql<{ id: string }>(
    `select e.id from elder e where starts_with(e.region_code, $1) and exists (select 1 from visit v where v.elder_id = e.id)
        and exists (select 1 from household_member h where h.elder_id = e.id) and exists (select 1 from elder_contact c where c.elder_id = e.id)
      order by e.id limit 1`,
    [DEMO_TOWN],
  );
  ok(await t.exec(admin, `mutation($i: OverrideClassInput!) { overrideElderClass(input: $i) { id } }`, {
    i: { elderId: townElder, class: 'A', reason: '独居且近期跌倒', expiresOn: '2027-06-30' },
  }));
});
afterAll(() => t.close());

describe('compiled reads answer as the entity path does', () => {
  it("the console's list document, pages and filters, for a city admin and a town operator", async () => {
    for (const user of [admin, town]) {
      const first = await both(user, CONSOLE_LIST, { first: 20 });
      const data = ok(first.compiled).elders;
      expect(data.nodes).toHaveLength(20);
      expect(data.nodes[0].idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
      expect(first.audit).toHaveLength(20);
      const second = await both(user, CONSOLE_LIST, { first: 20, after: data.pageInfo.endCursor });
      expect(ok(second.compiled).elders.nodes[0].id).not.toBe(data.nodes[0].id);
      await both(user, CONSOLE_LIST, { first: 7, filter: { regionCode: DEMO_VILLAGE, status: ['ACTIVE'], acceptsVisits: true } });
      await both(user, CONSOLE_LIST, { first: 5, sort: { field: 'NAME', direction: 'DESC' }, filter: { regionCode: DEMO_TOWN } });
    }
    // Outside the town's jurisdiction: an empty page, as on the entity path.
    const outside = await both(town, CONSOLE_LIST, { filter: { regionCode: DEMO_CITY } });
    expect(ok(outside.compiled).elders.totalCount).toBeGreaterThan(0);
    expect(ok(outside.compiled).elders.nodes.every((n: { region: { code: string } }) => n.region.code.startsWith(DEMO_TOWN))).toBe(true);
  });

  it("the archive document and the bench's selections, masked, with the override in force", async () => {
    for (const user of [admin, town]) {
      const archive = await both(user, ARCHIVE, { id: townElder });
      const elder = ok(archive.compiled).elder;
      expect(elder.classification).toMatchObject({ class: 'A', reasons: [{ code: 'OVERRIDE', text: '独居且近期跌倒' }] });
      expect(elder.emergencyContacts[0].phone).toMatch(/\*{4}/);
      // (The demo's elders are drawn anew each run: whether this one also has refusals or help records varies.)
      expect(archive.audit).toEqual([expect.objectContaining({
        elder_id: townElder, detail: { via: ['elder'], parts: expect.arrayContaining(['archive', 'emergencyContacts', 'householdMembers']) },
      })]);
      await both(user, BENCH_ELDER, { id: townElder });
      const list = await both(user, BENCH_LIST, { r: DEMO_TOWN });
      expect(list.audit).toHaveLength(50);
      expect(list.audit.some((r: any) => r.detail.parts.includes('visits'))).toBe(true);
    }
  });

  it("a kept plan binds each request's own values: the archive, the caller, variables and today's date", async () => {
    // One document, sent again and again as a client does: the plan is kept after the first request (elder.queries.ts
    // keptPlan), so a value bound from the first request and reused would answer the wrong archive or age here.
    const KEPT = `query Kept($id: ID!, $asOf: Date) { elder(id: $id) { id name age years: age(asOf: $asOf) region { code }
      classification { class reasons { code text } } visits(first: 2) { totalCount } } }`;
    const [{ id: otherTownElder }] = await t.sql<{ id: string }>(
      `select id from elder where starts_with(region_code, $1) and id <> $2 order by id desc limit 1`, [DEMO_TOWN, townElder]);
    const seen = new Set<string>();
    try {
      for (const user of [admin, town, admin]) {
        for (const id of [townElder, otherTownElder, townElder]) {
          for (const asOf of [null, '2031-01-01']) {
            const read = await both(user, KEPT, { id, asOf });
            expect(ok(read.compiled).elder.id).toBe(id);
            expect(read.audit).toEqual([expect.objectContaining({ elder_id: id, actor_username: user.username })]);
            seen.add(JSON.stringify(ok(read.compiled).elder));
          }
        }
        // Outside the town, through the same kept plan: not found for the town operator, found for the city.
        const outside = await t.exec(user, KEPT, { id: outsideElder, asOf: null });
        if (user === town) expect(codeOf(outside)).toBe('NOT_FOUND');
        else expect(ok(outside).elder.id).toBe(outsideElder);
      }
      // A year later the default age moves with today's date.
      const before = ok(await t.exec<any>(admin, KEPT, { id: townElder, asOf: null })).elder.age;
      t.clock.set('2027-11-16T02:00:00Z');
      const later = await both(admin, KEPT, { id: townElder, asOf: null });
      expect(ok(later.compiled).elder.age).toBe(before + 1);
    } finally {
      t.clock.set('2026-11-15T02:00:00Z');
    }
    // Two archives, each with and without the later asOf.
    expect(seen.size).toBe(4);
  });

  it('a variable the root argument shares with a nested one is not kept out of the plan', async () => {
    const SHARED = `query Shared($id: ID!) { elder(id: $id) { id name } again: elder(id: $id) { id } }`;
    for (const id of [townElder, outsideElder]) {
      const read = await both(admin, SHARED, { id });
      expect(ok(read.compiled)).toEqual({ elder: { id, name: expect.any(String) }, again: { id } });
    }
  });

  it('aliases, fragments, inline fragments, edges and nested visit pages', async () => {
    const first = await both(admin, ALIASED, { first: 4 });
    const page = ok(first.compiled).page;
    expect(page.edges[0].node.key).toBeTruthy();
    await both(town, ALIASED, { first: 3, after: page.info.end });
    // Two root fields serving the same archive: still one row naming both (the plugin writes it, not the statement).
    const two = await both(town, `query($id: ID!) { a: elder(id: $id) { name } elders(first: 3, filter: { regionCode: "${DEMO_TOWN}" }) {
      nodes { id emergencyContacts { name } } } b: elder(id: $id) { id householdMembers { name } } }`, { id: townElder });
    expect(two.audit.find((r: any) => r.elder_id === townElder)).toMatchObject({ detail: { via: expect.arrayContaining(['elder']), parts: expect.arrayContaining(['archive', 'householdMembers']) } });
  });

  it('outside the jurisdiction and bad ids are NOT_FOUND, and bad input keeps its error', async () => {
    const outside = await both(town, BENCH_ELDER, { id: outsideElder });
    expect(codeOf(outside.compiled)).toBe('NOT_FOUND');
    expect(outside.audit).toEqual([]);
    expect(codeOf((await both(town, BENCH_ELDER, { id: 'not-a-uuid' })).compiled)).toBe('NOT_FOUND');
    expect(codeOf((await both(admin, CONSOLE_LIST, { first: 500 })).compiled)).toBe('BAD_USER_INPUT');
    expect(codeOf((await both(admin, CONSOLE_LIST, { after: 'bm9wZQ' })).compiled)).toBe('BAD_USER_INPUT');
  });
});

describe('one statement', () => {
  it('a 50-elder page with region, class, contacts, visits, count and its audit is one SQL statement', async () => {
    t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
    const compiled = await t.exec<any>(admin, BENCH_LIST, { r: DEMO_CITY });
    expect(ok(compiled).elders.nodes).toHaveLength(50);
    expect(compiled.sqlStatements).toBe(1);
    t.options.config.compiledReads = { enabled: false, auditInStatement: true, prepared: true };
    const old = await t.exec<any>(admin, BENCH_LIST, { r: DEMO_CITY });
    expect(old.sqlStatements).toBeGreaterThan(1);
    t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
  });

  it('without the audit in the statement (a replica), the read-audit plugin writes the same rows', async () => {
    await auditSince();
    t.options.config.compiledReads = { enabled: true, auditInStatement: false, prepared: true };
    const separate: GqlResult<any> = await t.exec<any>(town, ARCHIVE, { id: townElder });
    const separateAudit = await auditSince();
    t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
    const inStatement = await t.exec<any>(town, ARCHIVE, { id: townElder });
    expect(separate.data).toEqual(inStatement.data);
    expect(separate.sqlStatements).toBe(2); // the read, then the plugin's insert
    expect(separateAudit).toEqual(await auditSince());
  });
});

/** The console's worklist document (packages/admin/src/modules/visits/visits.graphql.ts), every requirement of every elder. */
const CONSOLE_WORKLIST = `query MyWorklist { myWorklist { class overdue daysOverdue missedDueBy dueBy daysLeft
  elder { id name age region { code name } } requirements { requirementId description overdue } } }`;
/** Every figure, an alias, a fragment and an archive part, with an older day judged. */
const FULL_WORKLIST = `query($asOf: Date) { list: myWorklist(asOf: $asOf) { __typename ...Item
  who: elder { ...on Elder { id idNumber phone emergencyContacts { name phone } classification { class } } }
  requirements { requirementId source sourceName activity minCount window homeOnly description windowStart windowEnd counted met overdue daysOverdue dueBy } } }
  fragment Item on WorklistItem { class overdue daysOverdue missedDueBy dueBy daysLeft }`;

describe('myWorklist compiled (the archives built in the statement, the rows from the same source)', () => {
  let workerA: TestUser;
  let workerB: TestUser;
  let worklistElder: string;

  beforeAll(async () => {
    // Two village workers, each the login of the demo visitor holding the most elders of a village of the town.
    const visitors = await t.sql<{ id: string; region_code: string }>(
      `select distinct on (v.region_code) v.id, v.region_code from visitor v join assignment a on a.visitor_id = v.id and a.ends_at is null
        where starts_with(v.region_code, $1) and v.active and v.user_id is null
        group by v.id order by v.region_code, count(*) desc, v.id limit 2`,
      [DEMO_TOWN],
    );
    expect(visitors).toHaveLength(2);
    [workerA, workerB] = [await t.user('VILLAGE_WORKER', visitors[0]!.region_code), await t.user('VILLAGE_WORKER', visitors[1]!.region_code)];
    for (const [i, w] of [workerA, workerB].entries()) {
      await t.sql(`update visitor set user_id = (select id from app_user where username = $1) where id = $2`, [w.username, visitors[i]!.id]);
    }
  });

  it('answers as the entity path does for two visitors, live, from the snapshot and with a changed elder', async () => {
    for (const user of [workerA, workerB]) {
      const live = await both(user, CONSOLE_WORKLIST);
      expect(ok(live.compiled).myWorklist.length).toBeGreaterThan(0);
      expect(live.audit).toHaveLength(ok(live.compiled).myWorklist.length);
    }
    await both(workerA, FULL_WORKLIST, { asOf: '2026-06-30' });
    await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    const fromSnapshot = await both(workerA, CONSOLE_WORKLIST);
    worklistElder = ok(fromSnapshot.compiled).myWorklist[0].elder.id;
    await both(workerB, FULL_WORKLIST);
    // Changed since the snapshot (a dirty elder, recomputed live): it leaves the worklist on both paths.
    await t.sql(`update elder set status = 'DECEASED', status_date = '2026-01-02' where id = $1`, [worklistElder]);
    const dirty = await both(workerA, CONSOLE_WORKLIST);
    expect(ok(dirty.compiled).myWorklist.map((i: { elder: { id: string } }) => i.elder.id)).not.toContain(worklistElder);
  });

  it('is two statements (the snapshot state, then the read with its audit) where the entity path takes five', async () => {
    t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
    const compiled = await t.exec<any>(workerB, CONSOLE_WORKLIST);
    expect(ok(compiled).myWorklist.length).toBeGreaterThan(0);
    expect(compiled.sqlStatements).toBe(2);
    t.options.config.compiledReads = { enabled: false, auditInStatement: true, prepared: true };
    expect((await t.exec<any>(workerB, CONSOLE_WORKLIST)).sqlStatements).toBe(5);
    t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
  });

  it('a login with no visitor is refused alike; a replica hands the audit to the plugin', async () => {
    expect(codeOf((await both(town, CONSOLE_WORKLIST)).compiled)).toBe('FORBIDDEN');
    await auditSince();
    t.options.config.compiledReads = { enabled: true, auditInStatement: false, prepared: true };
    const separate = await t.exec<any>(workerA, FULL_WORKLIST);
    const separateAudit = await auditSince();
    t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
    const inStatement = await t.exec<any>(workerA, FULL_WORKLIST);
    expect(separate.data).toEqual(inStatement.data);
    expect(separateAudit).toEqual(await auditSince());
    expect(separateAudit.length).toBeGreaterThan(0);
  });
});

/** The dashboard's card (packages/admin/src/modules/dashboard/dashboard.graphql.ts) and a full overdue page. */
const OVERDUE_CARD = `query DashboardVisits($regionCode: String) { overdueElders(regionCode: $regionCode, first: 1) { totalCount } }`;
const OVERDUE_PAGE = `query($r: String, $after: String) { overdueElders(regionCode: $r, first: 5, after: $after) { totalCount
  pageInfo { hasNextPage hasPreviousPage endCursor }
  nodes { class daysOverdue elder { id name idNumber age status region { code name } classification { class } }
    requirements { requirementId description overdue daysOverdue dueBy windowStart windowEnd counted met } } } }`;

describe('overdueElders compiled on a snapshot day (the page read in one statement)', () => {
  it('answers as the entity path does for a city admin and a town operator, two pages and the card', async () => {
    await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    // One elder changed since the refresh: recomputed live on both paths.
    await t.sql(`update elder set accepts_visits = not accepts_visits where id = $1`, [townElder]);
    for (const [user, region] of [[admin, DEMO_CITY], [town, DEMO_TOWN]] as const) {
      const first = await both(user, OVERDUE_PAGE, { r: region });
      const page = ok(first.compiled).overdueElders;
      expect(page.nodes).toHaveLength(5);
      expect(first.audit).toHaveLength(5);
      expect(page.nodes[0].elder.idNumber).toMatch(/\*{8}/);
      await both(user, OVERDUE_PAGE, { r: region, after: page.pageInfo.endCursor });
      expect(ok((await both(user, OVERDUE_CARD, { regionCode: null })).compiled).overdueElders.totalCount).toBeGreaterThan(0);
    }
  });

  it('statements: the card reads the snapshot state and the counts only; a page adds one statement for its rows and archives', async () => {
    await refreshComplianceSnapshot(t.orm.em, t.clock.now());
    t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
    ok(await t.exec<any>(admin, OVERDUE_CARD)); // the session is looked up once, then cached
    expect((await t.exec<any>(admin, OVERDUE_CARD)).sqlStatements).toBe(2);
    expect((await t.exec<any>(admin, OVERDUE_PAGE)).sqlStatements).toBe(3);
    t.options.config.compiledReads = { enabled: false, auditInStatement: true, prepared: true };
    expect((await t.exec<any>(admin, OVERDUE_CARD)).sqlStatements).toBe(4);
    expect((await t.exec<any>(admin, OVERDUE_PAGE)).sqlStatements).toBe(6); // with the audit rows written apart
    t.options.config.compiledReads = { enabled: true, auditInStatement: true, prepared: true };
  });
});

describe('masking in SQL', () => {
  it('gives the same strings as the JS masks', async () => {
    const samples = ['440783194605080023', '44078319460508002X', '1234567890', '12345678901', '13812345678', '138-1234-5678', '0750-2212345',
      '07502212345', '+86 138 1234 5678', '123', '12345', '', '4407831946050800231', '44078319460508002342'];
    for (const v of samples) {
      const [row] = await t.sql<{ id: string | null; phone: string | null; cert: string | null }>(
        `select ${maskIdNumberSql('$1::text')} as id, ${maskPhoneSql('$1::text')} as phone, ${maskCertificateNumberSql('$1::text')} as cert`,
        [v],
      );
      expect(row).toEqual({ id: maskIdNumber(v), phone: maskPhone(v), cert: maskCertificateNumber(v) });
    }
  });
});
