import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, fieldsOf, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

/**
 * One shape per concept (issue 16 item 5): every operation that takes a period takes PeriodInput (the String label
 * kept one release, deprecated, answering alike), the label parser knows half years (2026-H1) like PeriodInput's
 * HALF_YEAR, and candidate, transfer and conflict statuses are enums (the String filter kept, deprecated, answering alike).
 */
const NOW = '2026-11-15T02:00:00Z';

const REPORT_OLD = `query($p: String!) { report(period: $p) { period from to asOf figures { elders visits visitRate { numerator denominator rate } }
  children { region { code } figures { elders visits visitRate { numerator denominator } } } } }`;
const REPORT_NEW = `query($p: PeriodInput!) { report(periodInput: $p) { period from to asOf figures { elders visits visitRate { numerator denominator rate } }
  children { region { code } figures { elders visits visitRate { numerator denominator } } } } }`;
const REPORT_BOTH = `query($p: String, $i: PeriodInput) { report(period: $p, periodInput: $i) { period } }`;
const CLOSE_NEW = `mutation($r: String!, $p: PeriodInput!) { closeReportPeriod(regionCode: $r, periodInput: $p) { period closed version } }`;
const AMEND_OLD = `mutation($r: String!, $p: String!) { amendReportPeriod(regionCode: $r, period: $p, reason: "补录 10 月探访记录后更正") { period closed version } }`;
const ELDERS = `query($f: ElderFilter) { elders(filter: $f, first: 50) { totalCount nodes { id } } }`;
const RATE = `query($p: PeriodInput!) { visitRate(period: $p) { from to } }`;
const CANDIDATES_OLD = `query($s: String) { candidates(status: $s, first: 50) { totalCount nodes { id status } } }`;
const CANDIDATES_NEW = `query($s: [CandidateStatus!]) { candidates(statuses: $s, first: 50) { totalCount nodes { id status } } }`;
const TRANSFERS_OLD = `query($s: String) { transfers(status: $s) { id status } }`;
const TRANSFERS_NEW = `query($s: [TransferStatus!]) { transfers(statuses: $s) { id status } }`;
const CONFLICTS_OLD = `query($s: String) { dataConflicts(status: $s, first: 50) { totalCount nodes { id status } } }`;
const CONFLICTS_NEW = `query($s: [DataConflictStatus!]) { dataConflicts(statuses: $s, first: 50) { totalCount nodes { id status } } }`;

let t: TestApp;
let town: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
  admin = await t.user('ADMIN', REGIONS.city);
  // Three archives of 东河 registered in August; one visited in October.
  t.clock.set('2026-08-03T02:00:00Z');
  const elders = [];
  for (let i = 0; i < 3; i++) {
    elders.push(await registerElder(t, town, { name: `形${'甲乙丙'[i]}`, regionCode: REGIONS.villageA1, idNumber: idNumberFor(`1944-0${i + 3}-1${i}`) }));
  }
  t.clock.set(NOW);
  ok(await t.exec(town, `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`, {
    i: { elderId: elders[0]!.id, visitedAt: '2026-10-12T02:00:00Z', method: 'PHONE' },
  }));
  // The partners' sync leaves candidates, transfers and conflicts; the filters are what is tested here.
  await t.sql(
    `insert into candidate (id_number, name, region_code, county_code, status, first_seen_at, last_seen_at)
     values ('440783194401010011', '候一', $1, '440783', 'PENDING', now(), now()), ('440783194401010022', '候二', $1, '440783', 'PENDING', now(), now()),
            ('440783194401010033', '候三', $1, '440783', 'DISMISSED', now(), now())`,
    [REGIONS.villageA1],
  );
  await t.sql(
    `insert into transfer (elder_id, county_code, from_region_code, to_region_code, moved_on, status, proposed_at)
     values ($1, '440783', $3, $4, '2026-11-01', 'PROPOSED', now()), ($2, '440783', $3, $4, '2026-10-01', 'REJECTED', now())`,
    [elders[1]!.id, elders[2]!.id, REGIONS.villageA1, REGIONS.villageA2],
  );
  await t.sql(
    `insert into data_conflict (elder_id, county_code, region_code, kind, field, detail, status, raised_at)
     values ($1, '440783', $2, 'ARCHIVE_DIFFERS', 'incapacityLevel', '卫健评估与档案不同', 'OPEN', now()),
            ($1, '440783', $2, 'ARCHIVE_DIFFERS', 'phone', '电话不同', 'SETTLED', now())`,
    [elders[0]!.id, REGIONS.villageA1],
  );
}, 60_000);
afterAll(() => t.close());

describe('one period shape', () => {
  it('report answers alike for the label and PeriodInput, for every kind', async () => {
    const cases: [string, { kind: string; date: string }, string, string][] = [
      ['2026-10', { kind: 'MONTH', date: '2026-10-20' }, '2026-10-01', '2026-10-31'],
      ['2026-W42', { kind: 'WEEK', date: '2026-10-15' }, '2026-10-12', '2026-10-18'],
      ['2026-Q4', { kind: 'QUARTER', date: '2026-11-01' }, '2026-10-01', '2026-12-31'],
      ['2026-H2', { kind: 'HALF_YEAR', date: '2026-07-01' }, '2026-07-01', '2026-12-31'],
      ['2026-H1', { kind: 'HALF_YEAR', date: '2026-06-30' }, '2026-01-01', '2026-06-30'],
      ['2026', { kind: 'YEAR', date: '2026-02-28' }, '2026-01-01', '2026-12-31'],
    ];
    for (const [label, input, from, to] of cases) {
      const old = ok(await t.exec<{ report: any }>(town, REPORT_OLD, { p: label })).report;
      const now = ok(await t.exec<{ report: any }>(town, REPORT_NEW, { p: input })).report;
      expect(now, label).toEqual(old);
      expect(now, label).toMatchObject({ period: label, from, to });
    }
    // October holds the one visit, so the comparison above compared real figures.
    const october = ok(await t.exec<{ report: any }>(town, REPORT_NEW, { p: { kind: 'MONTH', date: '2026-10-01' } })).report;
    expect(october.figures).toMatchObject({ elders: 3, visits: 1 });
  });

  it('a week belongs to its ISO year (31 Dec 2026 is in 2026-W53, to 3 Jan 2027), and a label and an input may come together only if they agree', async () => {
    t.clock.set('2027-01-10T02:00:00Z');
    try {
      const week = ok(await t.exec<{ report: any }>(town, REPORT_NEW, { p: { kind: 'WEEK', date: '2026-12-31' } })).report;
      expect(week).toMatchObject({ period: '2026-W53', from: '2026-12-28', to: '2027-01-03' });
    } finally {
      t.clock.set(NOW);
    }
    expect(ok(await t.exec<{ report: any }>(town, REPORT_BOTH, { p: '2026-10', i: { kind: 'MONTH', date: '2026-10-09' } })).report.period).toBe('2026-10');
    const differ = await t.exec(town, REPORT_BOTH, { p: '2026-09', i: { kind: 'MONTH', date: '2026-10-09' } });
    expect(codeOf(differ)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(differ)).toEqual(['periodInput']);
    const neither = await t.exec(town, REPORT_BOTH, {});
    expect(fieldsOf(neither)).toEqual(['periodInput']);
    const future = await t.exec(town, REPORT_BOTH, { i: { kind: 'HALF_YEAR', date: '2027-01-01' } });
    expect(codeOf(future)).toBe('BAD_USER_INPUT');
    expect(fieldsOf(await t.exec(town, REPORT_BOTH, { p: '2026-H3' }))).toEqual(['period']);
  });

  it('closes with PeriodInput and amends with the deprecated label: the same closed period', async () => {
    const closed = ok(await t.exec<{ closeReportPeriod: any }>(town, CLOSE_NEW, { r: REGIONS.townA, p: { kind: 'MONTH', date: '2026-09-30' } })).closeReportPeriod;
    expect(closed).toMatchObject({ period: '2026-09', closed: true, version: 1 });
    const amended = ok(await t.exec<{ amendReportPeriod: any }>(town, AMEND_OLD, { r: REGIONS.townA, p: '2026-09' })).amendReportPeriod;
    expect(amended).toMatchObject({ period: '2026-09', closed: true, version: 2 });
    const again = await t.exec(town, CLOSE_NEW, { r: REGIONS.townA, p: { kind: 'MONTH', date: '2026-09-01' } });
    expect(codeOf(again)).toBe('CONFLICT');
  });

  it('the elder list filter answers alike for period and periodInput', async () => {
    for (const visited of [false, true]) {
      const old = ok(await t.exec<{ elders: any }>(town, ELDERS, { f: { period: '2026-10', visited } })).elders;
      const now = ok(await t.exec<{ elders: any }>(town, ELDERS, { f: { periodInput: { kind: 'MONTH', date: '2026-10-01' }, visited } })).elders;
      expect(now).toEqual(old);
      expect(now.totalCount).toBe(visited ? 1 : 2);
    }
    const half = ok(await t.exec<{ elders: any }>(town, ELDERS, { f: { periodInput: { kind: 'HALF_YEAR', date: '2026-08-01' }, visited: true } })).elders;
    expect(half).toEqual(ok(await t.exec<{ elders: any }>(town, ELDERS, { f: { period: '2026-H2', visited: true } })).elders);
    const missing = await t.exec(town, ELDERS, { f: { visited: false } });
    expect(fieldsOf(missing)).toEqual(['filter.period']);
    const differ = await t.exec(town, ELDERS, { f: { period: '2026-09', periodInput: { kind: 'MONTH', date: '2026-10-01' } } });
    expect(fieldsOf(differ)).toEqual(['filter.periodInput']);
  });

  it('visitRate takes a half year on the same calendar', async () => {
    expect(ok(await t.exec<{ visitRate: any }>(town, RATE, { p: { kind: 'HALF_YEAR', date: '2026-09-09' } })).visitRate).toEqual({ from: '2026-07-01', to: '2026-12-31' });
  });
});

describe('status enums', () => {
  it('candidates, transfers and conflicts answer alike for the String status and the enum statuses', async () => {
    const pairs: [string, string, string, string, (d: any) => any[]][] = [
      [CANDIDATES_OLD, CANDIDATES_NEW, 'PENDING', 'DISMISSED', (d) => d.candidates.nodes],
      [TRANSFERS_OLD, TRANSFERS_NEW, 'PROPOSED', 'REJECTED', (d) => d.transfers],
      [CONFLICTS_OLD, CONFLICTS_NEW, 'OPEN', 'SETTLED', (d) => d.dataConflicts.nodes],
    ];
    for (const [old, now, open, done, nodes] of pairs) {
      for (const status of [open, done]) {
        const a = nodes(ok(await t.exec(admin, old, { s: status })));
        const b = nodes(ok(await t.exec(admin, now, { s: [status] })));
        expect(b, status).toEqual(a);
        expect(b.length, status).toBeGreaterThan(0);
        expect(b.every((n: { status: string }) => n.status === status), status).toBe(true);
      }
      // Neither: the open ones, as before. Both statuses at once: the union.
      expect(nodes(ok(await t.exec(admin, now, {})))).toEqual(nodes(ok(await t.exec(admin, old, { s: open }))));
      const both = nodes(ok(await t.exec(admin, now, { s: [open, done] })));
      expect(both.length).toBe(nodes(ok(await t.exec(admin, old, { s: open }))).length + nodes(ok(await t.exec(admin, old, { s: done }))).length);
      // A String that is no status used to match nothing in silence: now it says what is allowed.
      const wrong = await t.exec(admin, old, { s: 'pending' });
      expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
      expect(wrong.errors![0]!.message).toContain(open);
    }
  });

  it('publishes the enums with Chinese labels and the old arguments as deprecated', async () => {
    const schema = ok(await t.exec<any>(admin, `{
      c: __type(name: "CandidateStatus") { enumValues { name description } }
      tr: __type(name: "TransferStatus") { enumValues { name } }
      d: __type(name: "DataConflictStatus") { enumValues { name } }
      k: __type(name: "PeriodKind") { enumValues { name } }
      q: __type(name: "Query") { fields { name args(includeDeprecated: true) { name isDeprecated deprecationReason } } }
      m: __type(name: "Mutation") { fields { name args(includeDeprecated: true) { name isDeprecated } } }
      f: __type(name: "ElderFilter") { inputFields(includeDeprecated: true) { name isDeprecated } }
      cand: __type(name: "Candidate") { fields { name type { kind name ofType { name } } } }
    }`));
    expect(schema.c.enumValues).toEqual([
      { name: 'PENDING', description: '待处理' },
      { name: 'ENROLLED', description: '已建档' },
      { name: 'DISMISSED', description: '已排除' },
    ]);
    expect(schema.tr.enumValues.map((v: { name: string }) => v.name)).toEqual(['PROPOSED', 'ACCEPTED', 'REJECTED']);
    expect(schema.d.enumValues.map((v: { name: string }) => v.name)).toEqual(['OPEN', 'SETTLED']);
    expect(schema.k.enumValues.map((v: { name: string }) => v.name)).toEqual(['WEEK', 'MONTH', 'QUARTER', 'HALF_YEAR', 'YEAR']);
    const arg = (type: any, field: string, name: string) => type.fields.find((f: any) => f.name === field).args.find((a: any) => a.name === name);
    for (const [field, old] of [['report', 'period'], ['candidates', 'status'], ['transfers', 'status'], ['dataConflicts', 'status']]) {
      expect(arg(schema.q, field!, old!), field).toMatchObject({ isDeprecated: true, deprecationReason: expect.any(String) });
    }
    expect(arg(schema.q, 'report', 'periodInput').isDeprecated).toBe(false);
    expect(arg(schema.m, 'closeReportPeriod', 'period').isDeprecated).toBe(true);
    expect(arg(schema.m, 'amendReportPeriod', 'period').isDeprecated).toBe(true);
    expect(schema.f.inputFields.filter((f: any) => f.name.startsWith('period'))).toEqual([
      { name: 'period', isDeprecated: true },
      { name: 'periodInput', isDeprecated: false },
    ]);
    const status = schema.cand.fields.find((f: any) => f.name === 'status');
    expect(status.type).toEqual({ kind: 'NON_NULL', name: null, ofType: { name: 'CandidateStatus' } });
  });
});
