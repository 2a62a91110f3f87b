import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, UPDATE, type ElderData } from '../helpers/elders.js';

/**
 * A partner's feed says when an elder leaves its view (issue 12, governance): one ELDER entry with op LEAVE when an
 * elder it could see is no longer in it (moved out of its region, certificate cancelled), and ENTER when an elder
 * comes into it through a change it does not receive itself (a visit that found the housing unsafe, an alert).
 */
let t: TestApp;
let admin: TestUser;
let police: TestUser;
let policeB: TestUser;
let disability: TestUser;
let housing: TestUser;

type Change = { seq: string; cursor: string; entity: string; entityId: string; elderId: string | null; op: string };
type Feed = { entries: Change[]; endCursor: string | null; hasMore: boolean };
const CHANGES = `query($since: String, $first: Int) { changes(since: $since, first: $first) {
  entries { seq cursor entity entityId elderId op } endCursor hasMore } }`;
const SYNC_CERTIFICATES = `mutation($batch: DisabilityCertificateBatch!) { r: syncDisabilityCertificates(batch: $batch) { rejected results { status match } } }`;
const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id } }`;
const RAISE = `mutation($input: RaiseAlertInput!) { raiseAlert(input: $input) { id version } }`;
const REFER = `mutation($id: ID!, $version: Int!, $to: Referral!) { referAlert(id: $id, version: $version, to: $to) { id version } }`;

async function page(as: TestUser, since: string | null, first = 1000): Promise<Feed> {
  return ok(await t.exec<{ changes: Feed }>(as, CHANGES, { since, first })).changes;
}
/** Everything after `since`; returns the entries and the cursor to keep. */
async function drain(as: TestUser, since: string | null): Promise<{ entries: Change[]; cursor: string | null }> {
  const entries: Change[] = [];
  let cursor = since;
  for (;;) {
    const p = await page(as, cursor);
    entries.push(...p.entries);
    cursor = p.endCursor;
    if (!p.hasMore) return { entries, cursor };
  }
}
const short = (entries: Change[]) => entries.map((e) => `${e.entity}:${e.op}:${e.entityId}`);

async function update(elder: ElderData, input: Record<string, unknown>): Promise<ElderData> {
  const current = ok(await t.exec<any>(admin, `query($id: ID!) { elder(id: $id) { version } }`, { id: elder.id })).elder;
  return ok(await t.exec<{ updateElder: ElderData }>(admin, UPDATE, { id: elder.id, version: current.version, input })).updateElder;
}

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set('2026-11-20T02:00:00Z');
  admin = await t.user('ADMIN', REGIONS.city);
  police = await t.user('POLICE', REGIONS.townA);
  policeB = await t.user('POLICE', REGIONS.townB);
  disability = await t.user('DISABILITY', REGIONS.townA);
  housing = await t.user('HOUSING', REGIONS.townA);
});
afterAll(() => t.close());

describe('LEAVE', () => {
  it('police: an elder moved to another town leaves once; that town gets the move; moving back is an update again', async () => {
    const mover = await registerElder(t, admin, { name: '关国华', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1950-04-01') });
    const [a, b] = [(await drain(police, null)).cursor, (await drain(policeB, null)).cursor];

    await update(mover, { regionCode: REGIONS.villageB1 });
    const left = await drain(police, a);
    expect(short(left.entries)).toEqual([`ELDER:LEAVE:${mover.id}`]);
    expect(left.entries[0]!.elderId).toBe(mover.id);
    const arrived = await drain(policeB, b);
    expect(short(arrived.entries)).toEqual([`ELDER:UPDATE:${mover.id}`]);

    // Further changes in town B: nothing for town A's police, not a second LEAVE.
    await update(mover, { addressDetail: '沙塘墟三巷 5 号' });
    const quiet = await drain(police, left.cursor);
    expect(quiet.entries).toEqual([]);
    const stillB = await drain(policeB, arrived.cursor);
    expect(short(stillB.entries)).toEqual([`ELDER:UPDATE:${mover.id}`]);

    // Back to town A: an ordinary update for town A (the entry says the elder is there), LEAVE for town B.
    await update(mover, { regionCode: REGIONS.villageA2 });
    expect(short((await drain(police, quiet.cursor)).entries)).toEqual([`ELDER:UPDATE:${mover.id}`]);
    expect(short((await drain(policeB, stillB.cursor)).entries)).toEqual([`ELDER:LEAVE:${mover.id}`]);
  });

  it('disability: a certificate cancelled by the federation takes the elder out of its view, with one LEAVE', async () => {
    const idNumber = idNumberFor('1949-05-02', false);
    const elder = await registerElder(t, admin, { name: '司徒美兰', regionCode: REGIONS.villageA2, idNumber, circumstances: ['LIVING_ALONE'] });
    const start = (await drain(disability, null)).cursor;
    const certificate = { externalId: 'CDPF-77', idNumber, certificateNumber: `${idNumber}42`, category: 'PHYSICAL', grade: 2, issuedOn: '2026-10-01' };

    ok(await t.exec(disability, SYNC_CERTIFICATES, { batch: { idempotencyKey: 'cert-issue', records: [certificate] } }));
    const issued = await drain(disability, start);
    // The certificate brings the elder into view: its archive entry (and its class) come.
    expect(issued.entries.some((e) => e.entity === 'ELDER' && e.op === 'UPDATE' && e.entityId === elder.id)).toBe(true);
    expect(issued.entries.every((e) => e.elderId === elder.id && e.op !== 'LEAVE')).toBe(true);

    ok(await t.exec(disability, SYNC_CERTIFICATES, { batch: { idempotencyKey: 'cert-cancel', records: [{ ...certificate, sourceVersion: 2, cancelledOn: '2026-11-10' }] } }));
    const [row] = await t.sql<{ cert: string | null }>(`select disability_certificate_number as cert from elder where id = $1`, [elder.id]);
    expect(row!.cert).toBeNull();
    const cancelled = await drain(disability, issued.cursor);
    // Its own record's update, and one LEAVE for the archive.
    expect(short(cancelled.entries.filter((e) => e.entity !== 'AGENCY_RECORD'))).toEqual([`ELDER:LEAVE:${elder.id}`]);
    expect(cancelled.entries.filter((e) => e.entity === 'AGENCY_RECORD').map((e) => e.op)).toEqual(['UPDATE']);
    // Its later changes are not the federation's business any more.
    await update(elder, { addressDetail: '新安路 8 号' });
    expect((await drain(disability, cancelled.cursor)).entries).toEqual([]);
    // Police (every elder of the town) saw no LEAVE in all this.
    expect((await drain(police, null)).entries.filter((e) => e.elderId === elder.id && e.op === 'LEAVE')).toEqual([]);
  });
});

describe('ENTER', () => {
  it('housing: a visit that found the housing unsafe brings the elder into view (ENTER; visits themselves never come)', async () => {
    const elder = await registerElder(t, admin, { name: '谭家明', regionCode: REGIONS.villageA1, idNumber: idNumberFor('1951-06-03') });
    const start = (await drain(housing, null)).cursor;
    expect((await drain(housing, null)).entries.filter((e) => e.elderId === elder.id)).toEqual([]);
    ok(await t.exec(admin, RECORD, { input: { elderId: elder.id, visitedAt: '2026-11-20T01:00:00Z', method: 'HOME', housingUnsafe: true } }));
    const entered = (await drain(housing, start)).entries.filter((e) => e.elderId === elder.id);
    expect(entered[0]).toMatchObject({ entity: 'ELDER', entityId: elder.id, op: 'ENTER' });
    expect(entered.filter((e) => e.op === 'ENTER' || e.op === 'LEAVE')).toHaveLength(1);
    expect(entered.some((e) => e.entity === 'VISIT')).toBe(false);
  });

  it('an alert referred to housing: the ALERT entry and the ENTER it caused share a position and page apart', async () => {
    const elder = await registerElder(t, admin, { name: '黄丽珍', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1948-07-04', false) });
    const start = (await drain(housing, null)).cursor;
    const raised = ok(await t.exec<any>(admin, RAISE, { input: { elderId: elder.id, severity: 'NORMAL', title: '屋顶漏水需要查看' } })).raiseAlert;
    expect((await drain(housing, start)).entries).toEqual([]);
    ok(await t.exec(admin, REFER, { id: raised.id, version: raised.version, to: 'HOUSING' }));

    const one = await page(housing, start, 1);
    expect(short(one.entries)).toEqual([`ALERT:UPDATE:${raised.id}`]);
    expect(one.hasMore).toBe(true);
    const two = await page(housing, one.endCursor, 1);
    expect(short(two.entries)).toEqual([`ELDER:ENTER:${elder.id}`]);
    expect(two.entries[0]!.seq).toBe(one.entries[0]!.seq);
    expect(two.entries[0]!.cursor).not.toBe(one.entries[0]!.cursor);
    expect(two.hasMore).toBe(false);
    expect(await page(housing, two.endCursor)).toMatchObject({ entries: [], endCursor: two.endCursor, hasMore: false });
    // Read whole, the same two entries in that order.
    expect((await drain(housing, start)).entries).toEqual([...one.entries, ...two.entries]);
  });
});
