import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAMP_LOCK, stampSql } from '../../packages/api/src/modules/changes/changes.stamp.js';
import { createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * Exactly once under any interleaving (issue 12): a cursor must never pass an entry of a transaction that was still
 * running when the page was read, and no entry may come twice. Two real connections write in both commit orders
 * while the feed is read between the commits.
 */
let t: TestApp;
let admin: TestUser;
let police: TestUser;
const elders: ElderData[] = [];

type Change = { seq: string; cursor: string; entity: string; entityId: string; elderId: string | null; op: string };
type Feed = { entries: Change[]; endCursor: string | null; hasMore: boolean };
const CHANGES = `query($since: String, $first: Int) { changes(since: $since, first: $first) {
  entries { seq cursor entity entityId elderId op } endCursor hasMore } }`;

async function page(as: TestUser, since: string | null): Promise<Feed> {
  return ok(await t.exec<{ changes: Feed }>(as, CHANGES, { since, first: 1000 })).changes;
}
/** Everything after `since`, page by page; returns the entries and the cursor to keep. */
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
async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: t.dbUrl });
  await c.connect();
  return c;
}
/** An archive edit written straight to the table: the change-log trigger logs it like any other write. */
const TOUCH = `update elder set updated_at = now() where id = $1`;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city);
  police = await t.user('POLICE', REGIONS.townA);
  for (let i = 0; i < 4; i++) {
    elders.push(await registerElder(t, admin, { name: ["关一", "关二", "关三", "关四"][i]!, regionCode: REGIONS.villageA1, idNumber: idNumberFor(`195${i}-02-0${i + 1}`) }));
  }
});
afterAll(() => t.close());

/**
 * T1 takes its transaction id first, T2 second; T2 writes first (lower seq), then T1; one of them commits, the feed is
 * read, the other commits, the feed is read again from the stored cursor. Every write must arrive exactly once.
 */
async function interleave(as: TestUser, firstToCommit: 'older' | 'younger'): Promise<void> {
  const [a, b] = [elders[0]!, elders[1]!];
  const start = (await drain(as, null)).cursor;
  const t1 = await connect();
  const t2 = await connect();
  try {
    await t1.query('begin');
    await t1.query('select pg_current_xact_id()');
    await t2.query('begin');
    await t2.query('select pg_current_xact_id()');
    await t2.query(TOUCH, [b.id]);
    await t1.query(TOUCH, [a.id]);
    const [early, late] = firstToCommit === 'older' ? [t1, t2] : [t2, t1];
    await early.query('commit');
    const mid = await drain(as, start);
    await late.query('commit');
    const rest = await drain(as, mid.cursor);
    const got = [...mid.entries, ...rest.entries].filter((e) => e.entity === 'ELDER').map((e) => e.entityId);
    expect(got.sort()).toEqual([a.id, b.id].sort());
    // The first read already had the committed one.
    const committedFirst = firstToCommit === 'older' ? a.id : b.id;
    expect(mid.entries.map((e) => e.entityId)).toContain(committedFirst);
    // Nothing more, and nothing twice on a re-read from the start cursor.
    expect((await drain(as, rest.cursor)).entries).toEqual([]);
    const again = (await drain(as, start)).entries;
    expect(again.map((e) => e.seq)).toEqual([...mid.entries, ...rest.entries].map((e) => e.seq));
  } finally {
    await t1.query('rollback').catch(() => undefined);
    await t2.query('rollback').catch(() => undefined);
    await t1.end();
    await t2.end();
  }
}

describe('two connections interleaving', () => {
  it('civil affairs: the transaction that took its id first commits first, the other (with the lower seq) later', async () => {
    await interleave(admin, 'older');
  });
  it('civil affairs: the younger transaction commits first', async () => {
    await interleave(admin, 'younger');
  });
  it('a partner (police): both orders', async () => {
    await interleave(police, 'older');
    await interleave(police, 'younger');
  });
  it('a reader waiting on neither: an open transaction never holds the feed back for others', async () => {
    const start = (await drain(admin, null)).cursor;
    const open = await connect();
    try {
      await open.query('begin');
      await open.query(TOUCH, [elders[2]!.id]);
      await t.sql(TOUCH, [elders[3]!.id]);
      // The committed write is served at once although an older transaction is still open.
      const now = await drain(admin, start);
      expect(now.entries.map((e) => e.entityId)).toEqual([elders[3]!.id]);
      await open.query('commit');
      expect((await drain(admin, now.cursor)).entries.map((e) => e.entityId)).toEqual([elders[2]!.id]);
    } finally {
      await open.query('rollback').catch(() => undefined);
      await open.end();
    }
  });

  it('a stamp still running: a reader waits for it instead of numbering around it, and gets every row once', async () => {
    const start = (await drain(admin, null)).cursor;
    await t.sql(TOUCH, [elders[0]!.id]);
    // Another stamper holds the lock and has numbered that row, not yet committed.
    const stamper = await connect();
    try {
      await stamper.query('begin');
      await stamper.query(`select pg_advisory_xact_lock(${STAMP_LOCK})`);
      await stamper.query(`update change_log set pos = (select max(pos) + 1 from change_log) where pos is null`);
      await t.sql(TOUCH, [elders[1]!.id]);
      let done = false;
      const reading = drain(admin, start).then((r) => ((done = true), r));
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBe(false);
      await stamper.query('commit');
      const read = await reading;
      expect(read.entries.map((e) => e.entityId)).toEqual([elders[0]!.id, elders[1]!.id]);
      const seqs = read.entries.map((e) => BigInt(e.seq));
      expect(seqs[1]! > seqs[0]!).toBe(true);
      expect((await drain(admin, read.cursor)).entries).toEqual([]);
    } finally {
      await stamper.query('rollback').catch(() => undefined);
      await stamper.end();
    }
  });

  it('a backlog is numbered a chunk at a time, oldest first, and the feed still gives every row once in that order', async () => {
    const start = (await drain(admin, null)).cursor;
    for (const e of elders) await t.sql(TOUCH, [e.id]);
    await t.sql(stampSql(3));
    const stamped = await t.sql<{ seq: string; pos: string | null }>(
      `select c.seq::text as seq, c.pos::text as pos from change_log c where c.entity = 'ELDER' and c.op = 'update' order by c.seq desc limit 4`,
    );
    // The three oldest of the four new rows got positions, in seq order; the newest waits for the next stamp.
    const [newest, ...older] = stamped;
    expect(newest!.pos).toBeNull();
    expect(older.map((r) => r.pos !== null)).toEqual([true, true, true]);
    expect(BigInt(older[0]!.pos!) > BigInt(older[1]!.pos!) && BigInt(older[1]!.pos!) > BigInt(older[2]!.pos!)).toBe(true);
    const read = await drain(admin, start);
    expect(read.entries.map((e) => e.entityId)).toEqual(elders.map((e) => e.id));
  });
});
