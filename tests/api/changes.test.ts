import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * The change feed partners mirror from: change_log in commit order after an opaque cursor, two statements per call
 * (stamp the committed rows, read the page),
 * restricted to the caller's view (civil affairs: its region subtree; a partner: its duty view, alerts referred to
 * its kind, its own records, never visits).
 */
let t: TestApp;
let admin: TestUser;
let adminB: TestUser;
let police: TestUser;
let health: TestUser;
let disability: TestUser;
let housing: TestUser;
let policeB: TestUser;

let plain: ElderData;
let disabled: ElderData;
let flagged: ElderData;
let elderB: ElderData;
let visitId: string;
let policeAlert: string;
let healthAlert: string;
let policeRecord: string;
let healthRecord: string;

type Change = { seq: string; cursor: string; at: string; entity: string; entityId: string; elderId: string | null; op: string };
type Feed = { entries: Change[]; endCursor: string | null; hasMore: boolean };

const CHANGES = `query($since: String, $first: Int) { changes(since: $since, first: $first) {
  entries { seq cursor at entity entityId elderId op } endCursor hasMore } }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version } }`;
const REFER = `mutation($id: ID!, $version: Int!, $to: Referral!) { referAlert(id: $id, version: $version, to: $to) { id version } }`;

const b64 = (s: string) => Buffer.from(s).toString('base64url');

async function feed(as: TestUser, since: string | null = null, first: number | null = 1000): Promise<Feed & { sqlStatements: number }> {
  const r = await t.exec<{ changes: Feed }>(as, CHANGES, { since, first });
  return { ...ok(r).changes, sqlStatements: r.sqlStatements };
}
/** Every entry `as` sees, as "ENTITY:entityId" (ops collapsed). */
async function seen(as: TestUser): Promise<Set<string>> {
  return new Set((await feed(as)).entries.map((e) => `${e.entity}:${e.entityId}`));
}
async function referAlert(elder: ElderData, to: string): Promise<string> {
  const raised = ok(await t.exec<any>(admin, RAISE, { input: { elderId: elder.id, severity: 'NORMAL', title: '需要转介处理' } })).raiseAlert;
  return ok(await t.exec<any>(admin, REFER, { id: raised.id, version: raised.version, to })).referAlert.id;
}
async function agencyRecord(agencyId: string, kind: string, elder: ElderData, region: string): Promise<string> {
  const [row] = await t.sql<{ id: string }>(
    `insert into agency_record (agency_id, agency_kind, kind, external_id, id_number, name, region_code, elder_id, county_code,
                                effective_on, source_version, payload, payload_hash, batch_id, received_at, updated_at)
     values ($1, $2, 'TEST', gen_random_uuid()::text, $3, $4, $5, $6, '440783', '2026-11-01', 1, '{}', 'h', gen_random_uuid(), now(), now())
     returning id`,
    [agencyId, kind, elder.fullIdNumber, elder.name, region, elder.id],
  );
  return row!.id;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  adminB = await t.user('ADMIN', REGIONS.townB);
  police = await t.user('POLICE', REGIONS.townA);
  health = await t.user('HEALTH', REGIONS.townA);
  disability = await t.user('DISABILITY', REGIONS.townA);
  housing = await t.user('HOUSING', REGIONS.townA);
  policeB = await t.user('POLICE', REGIONS.townB);

  plain = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1950-03-15'), circumstances: ['LIVING_ALONE'] });
  const cert = idNumberFor('1948-04-05', false);
  disabled = await registerElder(t, admin, { name: '司徒美兰', regionCode: REGIONS.villageA2, idNumber: cert, disability: { certificateNumber: `${cert}42` } });
  flagged = await registerElder(t, admin, { name: '谭家明', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1952-05-06'), livingConditions: { housingSafe: false } });
  elderB = await registerElder(t, admin, { name: '周志强', regionCode: REGIONS.villageB1, idNumber: idNumberFor('1951-06-07') });

  t.clock.set('2026-11-20T02:00:00Z');
  visitId = ok(await t.exec<any>(admin, RECORD, { input: { elderId: plain.id, visitedAt: '2026-11-18T02:00:00Z', method: 'HOME' } })).recordVisit.id;
  policeAlert = await referAlert(plain, 'POLICE');
  healthAlert = await referAlert(disabled, 'HEALTH');
  policeRecord = await agencyRecord(police.actor.agencyId!, 'POLICE', plain, REGIONS.villageA1);
  healthRecord = await agencyRecord(health.actor.agencyId!, 'HEALTH', plain, REGIONS.villageA1);
});
afterAll(() => t.close());

describe('civil affairs', () => {
  it('reads every entry of its region subtree in seq order, in two statements (the commit-order stamp, the read)', async () => {
    const all = await feed(admin);
    expect(all.sqlStatements).toBe(2);
    expect(all.hasMore).toBe(false);
    const seqs = all.entries.map((e) => BigInt(e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(seqs).size).toBe(seqs.length);
    const keys = new Set(all.entries.map((e) => `${e.entity}:${e.entityId}`));
    for (const elder of [plain, disabled, flagged, elderB]) expect(keys.has(`ELDER:${elder.id}`)).toBe(true);
    expect(keys.has(`VISIT:${visitId}`)).toBe(true);
    expect(keys.has(`ALERT:${policeAlert}`)).toBe(true);
    expect(keys.has(`AGENCY_RECORD:${policeRecord}`)).toBe(true);
    expect(keys.has(`CLASS:${plain.id}`)).toBe(true);
    const registered = all.entries.find((e) => e.entity === 'ELDER' && e.entityId === plain.id)!;
    expect(registered).toMatchObject({ op: 'INSERT', elderId: plain.id });
    expect(registered.cursor).toBe(b64(registered.seq));
    expect(all.endCursor).toBe(all.entries.at(-1)!.cursor);
    // The alert: raised (INSERT), then referred (UPDATE).
    const ops = all.entries.filter((e) => e.entityId === policeAlert).map((e) => e.op);
    expect(ops[0]).toBe('INSERT');
    expect(ops.length).toBeGreaterThanOrEqual(2);
    expect(ops.slice(1).every((op) => op === 'UPDATE')).toBe(true);
  });

  it('an admin of town B sees town B only', async () => {
    const entries = (await feed(adminB)).entries;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.elderId === elderB.id)).toBe(true);
  });

  it('is resumable: pages of 2 add up to the whole feed, and an empty poll keeps the cursor', async () => {
    const whole = (await feed(admin)).entries;
    const paged: Change[] = [];
    let since: string | null = null;
    for (let i = 0; i < 200; i++) {
      const page: Feed = await feed(admin, since, 2);
      expect(page.entries.length).toBeLessThanOrEqual(2);
      paged.push(...page.entries);
      since = page.endCursor;
      if (!page.hasMore) break;
    }
    expect(paged).toEqual(whole);
    // Nothing new: same cursor back, nothing more.
    const idle = await feed(admin, since, 2);
    expect(idle).toMatchObject({ entries: [], endCursor: since, hasMore: false });
    // Something new: only it.
    // (In another town, so that the partners' expectations below do not depend on the order of the tests.)
    const late = await registerElder(t, admin, { name: '黄丽珍', regionCode: '440783104001', idNumber: idNumberFor('1949-07-08', false) });
    const next = await feed(admin, since);
    expect(next.entries.length).toBeGreaterThan(0);
    expect(next.entries.every((e) => e.elderId === late.id)).toBe(true);
    expect(next.entries[0]).toMatchObject({ entity: 'ELDER', op: 'INSERT' });
    // Any entry's cursor resumes right after it.
    const mid = whole[3]!;
    expect((await feed(admin, mid.cursor)).entries[0]).toEqual(whole[4]);
  });

  it('refuses a bad cursor or page size with BAD_USER_INPUT', async () => {
    for (const since of ['', 'not a cursor!', b64('x'), b64('-1'), b64('01'), b64('1.5'), b64('99999999999999999999'), 'MQ==']) {
      const r = await t.exec(admin, CHANGES, { since });
      expect(codeOf(r), since).toBe('BAD_USER_INPUT');
    }
    for (const first of [0, -1, 1001]) expect(codeOf(await t.exec(admin, CHANGES, { first }))).toBe('BAD_USER_INPUT');
    // Default page size: 200.
    expect(ok(await t.exec<any>(admin, CHANGES, {})).changes.entries.length).toBeLessThanOrEqual(200);
    expect(ok(await t.exec<any>(admin, CHANGES, { first: 1 })).changes.hasMore).toBe(true);
  });
});

describe('partner agencies see their view only', () => {
  it('police: archives of its town, alerts referred to the police, its own records; no visits, no classes', async () => {
    const r = await feed(police);
    expect(r.sqlStatements).toBe(2);
    const keys = new Set(r.entries.map((e) => `${e.entity}:${e.entityId}`));
    expect(keys).toEqual(
      new Set([`ELDER:${plain.id}`, `ELDER:${disabled.id}`, `ELDER:${flagged.id}`, `ALERT:${policeAlert}`, `AGENCY_RECORD:${policeRecord}`]),
    );
    // Only the entries written while the alert was referred to the police: the raise is not among them.
    expect(r.entries.filter((e) => e.entity === 'ALERT').every((e) => e.op === 'UPDATE')).toBe(true);
  });

  it('health: archives and classes of its town, alerts referred to health, its own records', async () => {
    const keys = await seen(health);
    expect(keys).toEqual(
      new Set([
        `ELDER:${plain.id}`, `ELDER:${disabled.id}`, `ELDER:${flagged.id}`,
        `CLASS:${plain.id}`, `CLASS:${disabled.id}`, `CLASS:${flagged.id}`,
        `ALERT:${healthAlert}`, `AGENCY_RECORD:${healthRecord}`,
      ]),
    );
  });

  it('disability: archives and classes of disabled elders only', async () => {
    expect(await seen(disability)).toEqual(new Set([`ELDER:${disabled.id}`, `CLASS:${disabled.id}`]));
  });

  it('housing: archives of elders whose housing was flagged, no classes', async () => {
    expect(await seen(housing)).toEqual(new Set([`ELDER:${flagged.id}`]));
  });

  it('an agency of town B sees nothing of town A', async () => {
    expect(await seen(policeB)).toEqual(new Set([`ELDER:${elderB.id}`]));
  });

  it('the partner feed pages with the same cursors', async () => {
    const whole = (await feed(health)).entries;
    const first = await feed(health, null, 3);
    expect(first.entries).toEqual(whole.slice(0, 3));
    expect(first.hasMore).toBe(true);
    expect((await feed(health, first.endCursor, 1000)).entries).toEqual(whole.slice(3));
  });
});

describe('who may read', () => {
  it('roles without changes.read:view are FORBIDDEN, and so is a partner without an agency', async () => {
    for (const role of ['TOWN_OPERATOR', 'VILLAGE_WORKER', 'INTEGRATOR', 'AUDITOR'] as const) {
      const u = await t.user(role, role === 'VILLAGE_WORKER' ? REGIONS.villageA1 : REGIONS.townA);
      expect(codeOf(await t.exec(u, CHANGES, {})), role).toBe('FORBIDDEN');
    }
    const u = await t.user('HEALTH', REGIONS.townA);
    const orphan: TestUser = { ...u, actor: actorFor({ id: u.id, username: u.username, displayName: u.username, role: 'HEALTH', regionCode: REGIONS.townA, agencyId: null }) };
    expect(codeOf(await t.exec(orphan, CHANGES, {}))).toBe('FORBIDDEN');
    expect(codeOf(await t.exec(null, CHANGES, {}))).toBe('UNAUTHENTICATED');
  });
});
