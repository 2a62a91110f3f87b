import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';
import { archiveOldAuditPartitions, ensureHistoryPartitions } from '../../packages/api/src/jobs/partitions.js';
import { CRONTAB, TASKS } from '../../packages/api/src/jobs/queue.js';
import { newestVisitsSql } from '../../packages/api/src/modules/visits/visits.queries.js';

/**
 * Partitioned history (issue 18.3): audit_event, change_log and visit in one partition per China month (migration
 * 20261206016000), partitions made ahead by a daily job, and audit retention that detaches, exports and drops months
 * older than TANFANG_AUDIT_RETENTION_MONTHS. One database; the job functions are called with the test clock's time.
 */
let t: TestApp;
let town: TestUser;
let pool: pg.Pool;
const archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tanfang-audit-archive-'));

const RECORD = `mutation($input: RecordVisitInput!) { recordVisit(input: $input) { id visitedAt } }`;

const query = (text: string, values?: unknown[]) => pool.query(text, values);

async function partitionOf(table: string, where: string, params: unknown[]): Promise<string[]> {
  const rows = await t.sql<{ p: string }>(`select distinct tableoid::regclass::text as p from ${table} where ${where} order by 1`, params);
  return rows.map((r) => r.p);
}

async function partitions(table: string): Promise<string[]> {
  const rows = await t.sql<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = $1::regclass order by 1`,
    [table],
  );
  return rows.map((r) => r.name);
}

beforeAll(async () => {
  t = await createTestApp();
  pool = new pg.Pool({ connectionString: t.dbUrl, max: 2 });
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
});

afterAll(async () => {
  await pool?.end();
  await t?.close();
  fs.rmSync(archiveDir, { recursive: true, force: true });
});

describe('monthly partitions', () => {
  it('the three tables are partitioned by month with a default partition, and the job runs daily', async () => {
    const kinds = await t.sql<{ relname: string; relkind: string }>(
      `select relname, relkind from pg_class where relname in ('audit_event', 'change_log', 'visit') order by 1`,
    );
    expect(kinds).toEqual([
      { relname: 'audit_event', relkind: 'p' },
      { relname: 'change_log', relkind: 'p' },
      { relname: 'visit', relkind: 'p' },
    ]);
    for (const table of ['audit_event', 'change_log', 'visit']) expect(await partitions(table)).toContain(`${table}_default`);
    expect(CRONTAB).toMatch(new RegExp(`^\\S+ \\S+ \\* \\* \\* ${TASKS.ensurePartitions} `, 'm'));
    expect(CRONTAB).toContain(TASKS.auditRetention);
    expect(CRONTAB).toContain(TASKS.failedJobsRetention);
  });

  it('a new month has its partitions before it starts (the job near the end of the month before), once', async () => {
    // 31 May 2027, 23:00 in China: June and the three months after must exist already.
    t.clock.set('2027-05-31T15:00:00Z');
    expect(await ensureHistoryPartitions(query, t.clock.now())).toBeGreaterThan(0);
    for (const table of ['audit_event', 'change_log', 'visit']) {
      const names = await partitions(table);
      for (const month of ['202705', '202706', '202707', '202708']) expect(names).toContain(`${table}_p${month}`);
      expect(names).not.toContain(`${table}_p202709`);
    }
    // Idempotent: a second run (another instance, the next day) makes nothing.
    expect(await ensureHistoryPartitions(query, t.clock.now())).toBe(0);
    // China months: 1 June 00:30 in China (31 May 16:30 UTC) is June's partition.
    const [row] = await t.sql<{ id: string }>(`insert into audit_event (at, action) values ('2027-05-31T16:30:00Z', 'LOGIN') returning id`);
    expect(await partitionOf('audit_event', 'id = $1', [row!.id])).toEqual(['audit_event_p202706']);
  });

  it('rows land in their month; a month made later takes its rows out of the default partition', async () => {
    const [far] = await t.sql<{ id: string }>(`insert into audit_event (at, action) values ('2031-02-10T00:00:00Z', 'LOGIN') returning id`);
    expect(await partitionOf('audit_event', 'id = $1', [far!.id])).toEqual(['audit_event_default']);
    t.clock.set('2031-02-01T00:00:00Z');
    await ensureHistoryPartitions(query, t.clock.now(), 0);
    expect(await partitionOf('audit_event', 'id = $1', [far!.id])).toEqual(['audit_event_p203102']);
    // Still append-only after the move (the guard is the parent's, on every partition), and no partition can be
    // emptied by TRUNCATE either (statement triggers are not inherited: each audit partition gets its own).
    await expect(t.sql(`delete from audit_event where id = $1`, [far!.id])).rejects.toThrow(/append-only/);
    for (const part of ['audit_event_p203102', 'audit_event_p202706', 'audit_event_default']) {
      await expect(t.sql(`truncate ${part}`)).rejects.toThrow(/append-only/);
    }
  });

  it('a visit recorded through the API lands in its month; its change-log row too; references and keys still hold', async () => {
    t.clock.set('2026-11-20T02:00:00Z');
    const elder = await registerElder(t, town, { regionCode: REGIONS.villageA1, idNumber: idNumberFor('1944-04-04') });
    t.clock.set('2027-01-05T02:00:00Z');
    const visit = ok(await t.exec<{ recordVisit: { id: string } }>(town, RECORD, {
      input: { elderId: elder.id, visitedAt: '2027-01-03T03:00:00Z', method: 'HOME', gasSafety: 'UNSAFE', idempotencyKey: 'part-1' },
    })).recordVisit;
    expect(await partitionOf('visit', 'id = $1', [visit.id])).toEqual(['visit_p202701']);
    const feed = await partitionOf('change_log', `entity = 'VISIT' and entity_id = $1`, [visit.id]);
    expect(feed).toHaveLength(1);
    expect(feed[0]).toMatch(/^change_log_(p\d{6}|default)$/);
    // The alert raised by the finding points at the visit (the trigger that replaced the foreign key let it in).
    const alerts = await t.sql(`select 1 from alert where visit_id = $1`, [visit.id]);
    expect(alerts).toHaveLength(1);
    // A reference to a visit that does not exist is refused, as the foreign key did.
    await expect(
      t.sql(`update alert set visit_id = gen_random_uuid() where visit_id = $1`, [visit.id]),
    ).rejects.toMatchObject({ code: '23503' });
    // A visit still referenced cannot be deleted.
    await expect(t.sql(`delete from visit where id = $1`, [visit.id])).rejects.toMatchObject({ code: '23503' });
    // The idempotency key is unique across months: the same key with another date (another month) is a CONFLICT.
    const again = await t.exec(town, RECORD, {
      input: { elderId: elder.id, visitedAt: '2026-12-20T03:00:00Z', method: 'PHONE', idempotencyKey: 'part-1' },
    });
    expect(codeOf(again)).toBe('CONFLICT');
    // ...and at the database too, whatever the writer (a row in December under January's key).
    await expect(
      t.sql(
        `insert into visit (elder_id, county_code, region_code, seq, visited_at, visited_on, method, entered_by, entered_at, idempotency_key)
         select elder_id, county_code, region_code, 99, '2026-12-20T03:00:00Z', '2026-12-20', 'PHONE', entered_by, now(), idempotency_key
           from visit where id = $1`,
        [visit.id],
      ),
    ).rejects.toMatchObject({ code: '23505' });
  });
});

describe('visits by elder (the global index a partitioned table cannot have)', () => {
  const mismatched = `select v.id from visit v full join visit_by_elder k on k.id = v.id and k.visited_at = v.visited_at
                       where v.id is null or k.id is null or (v.elder_id, v.visited_on, v.method) is distinct from (k.elder_id, k.visited_on, k.method)`;

  it('follows every write: the API, a move to another month, a delete; a date that is not the China date is refused', async () => {
    t.clock.set('2026-11-20T02:00:00Z');
    const elder = await registerElder(t, town, { regionCode: REGIONS.villageA1, idNumber: idNumberFor('1943-03-03') });
    t.clock.set('2027-02-10T02:00:00Z');
    const ids: string[] = [];
    for (const [i, at] of ['2026-12-02T03:00:00Z', '2027-01-15T03:00:00Z', '2027-02-08T03:00:00Z'].entries()) {
      ids.push(ok(await t.exec<{ recordVisit: { id: string } }>(town, RECORD, {
        input: { elderId: elder.id, visitedAt: at, method: 'PHONE', idempotencyKey: `by-elder-${i}` },
      })).recordVisit.id);
    }
    const indexed = async () =>
      (await t.sql<{ id: string; on: string }>(
        `select id, to_char(visited_on, 'YYYY-MM-DD') as on from visit_by_elder where elder_id = $1 order by visited_at desc, id desc`,
        [elder.id],
      ));
    expect(await indexed()).toEqual([
      { id: ids[2], on: '2027-02-08' }, { id: ids[1], on: '2027-01-15' }, { id: ids[0], on: '2026-12-02' },
    ]);
    // A correction by hand that moves a visit to another month (another partition) moves its index row.
    await t.sql(`update visit set visited_at = '2026-11-25T04:00:00Z', visited_on = '2026-11-25' where id = $1`, [ids[1]]);
    expect((await indexed()).map((r) => r.on)).toEqual(['2027-02-08', '2026-12-02', '2026-11-25']);
    // Columns the index does not carry change nothing in it; a delete removes the row.
    await t.sql(`update visit set notes = 'x' where id = $1`, [ids[0]]);
    await t.sql(`delete from visit where id = $1`, [ids[2]]);
    expect((await indexed()).map((r) => r.id)).toEqual([ids[0], ids[1]]);
    // Readers bound a window of dates by time: a date that is not the China date of the time is refused.
    await expect(
      t.sql(`update visit set visited_on = '2026-11-24' where id = $1`, [ids[1]]),
    ).rejects.toMatchObject({ code: '23514' });
    // The archive's newest visits and count come from it, newest first.
    const archive = ok(await t.exec<{ elder: { visits: { totalCount: number; nodes: { id: string; visitedOn: string }[] } } }>(
      town, `query($id: ID!) { elder(id: $id) { visits(first: 5) { totalCount nodes { id visitedOn } } } }`, { id: elder.id },
    )).elder;
    expect(archive.visits.totalCount).toBe(2);
    expect(archive.visits.nodes.map((v) => v.id)).toEqual([ids[0], ids[1]]);
    expect(await t.sql(mismatched)).toEqual([]);
  });

  it('a page of elders with their last visits probes one partition per visit shown, not every month', async () => {
    const [elder] = await t.sql<{ id: string }>(`select elder_id as id from visit_by_elder group by elder_id order by count(*) desc limit 1`);
    const plan = (await t.sql<{ 'QUERY PLAN': unknown }>(
      `explain (analyze, format json) select w.id from ${newestVisitsSql('$1::uuid', '5')} w`,
      [elder!.id],
    ))[0]!['QUERY PLAN'] as { Plan: unknown }[];
    // Run-time pruning: for each visit of the page, only its own month's partition is scanned (the others show no
    // loop), where asking `visit` by elder probes every month.
    type Node = { 'Node Type': string; 'Actual Loops': number; 'Actual Rows': number; 'Relation Name'?: string; Plans?: Node[] };
    const all: Node[] = [];
    const walk = (n: Node) => { all.push(n); for (const c of n.Plans ?? []) walk(c); };
    walk(plan[0]!.Plan as Node);
    const append = all.find((n) => n['Node Type'] === 'Append')!;
    const members = append.Plans!;
    expect(members.length).toBeGreaterThan(3);
    const shown = all.find((n) => n['Node Type'] === 'Limit')!['Actual Rows'];
    expect(shown).toBeGreaterThan(0);
    expect(members.reduce((sum, m) => sum + m['Actual Loops'], 0)).toBe(shown);
  });
});

describe('audit retention', () => {
  it('detaches, exports and drops only the months older than N, never the current or future ones', async () => {
    // The partitions of December 2026 to September 2027, as the daily job leaves them (the template has December to
    // March; the job in March makes April to June, in June July to September).
    for (const day of ['2027-03-15T02:00:00Z', '2027-06-15T02:00:00Z']) {
      t.clock.set(day);
      await ensureHistoryPartitions(query, t.clock.now());
    }
    const marked = ['2027-01-10T02:00:00Z', '2027-02-27T17:00:00Z', '2027-03-10T02:00:00Z', '2027-06-10T02:00:00Z', '2027-08-01T02:00:00Z'];
    for (const at of marked) await t.sql(`insert into audit_event (at, action, detail) values ($1, 'LOGIN', '{"retention":true}')`, [at]);
    const before = await t.sql<{ p: string; n: number }>(
      `select tableoid::regclass::text as p, count(*)::int as n from audit_event group by 1 order by 1`,
    );
    const countOf = (p: string) => before.find((r) => r.p === p)?.n ?? 0;

    // Keep 3 months besides June 2027: March, April, May and June stay; February and older go.
    const client = await pool.connect();
    let archived;
    try {
      archived = await archiveOldAuditPartitions(client, { months: 3, dir: archiveDir, now: t.clock.now() });
    } finally {
      client.release();
    }
    const months = archived.map((a) => a.month);
    expect(months).toEqual(expect.arrayContaining(['2026-12', '2027-01', '2027-02']));
    expect(months.every((m) => m < '2027-03')).toBe(true);

    const names = await partitions('audit_event');
    for (const kept of ['202703', '202704', '202705', '202706', '202707', '202708', '202709']) expect(names).toContain(`audit_event_p${kept}`);
    for (const gone of ['202612', '202701', '202702']) {
      expect(names).not.toContain(`audit_event_p${gone}`);
      const [table] = await t.sql(`select to_regclass($1) as r`, [`audit_event_p${gone}`]);
      expect(table!.r).toBeNull();
    }
    // 28 February 2027 01:00 in China was February's; 10 March stays.
    expect(await t.sql(`select 1 from audit_event where detail->>'retention' = 'true'`)).toHaveLength(3);

    // Each file holds its month's rows: a CSV with the columns' header and one line per row.
    const feb = archived.find((a) => a.month === '2027-02')!;
    expect(feb.rows).toBe(countOf('audit_event_p202702'));
    expect(feb.file).toBe(path.join(archiveDir, 'audit_event_p202702.csv.gz'));
    const lines = gunzipSync(fs.readFileSync(feb.file)).toString('utf8').trim().split('\n');
    expect(lines[0]!.startsWith('id,at,actor_id,actor_username,actor_role,action,')).toBe(true);
    expect(lines).toHaveLength(feb.rows + 1);
    expect(lines.some((l) => l.includes('2027-02-27 17:00:00+00') && l.includes('retention'))).toBe(true);
    expect(fs.existsSync(`${feb.file}.partial`)).toBe(false);

    // The archive is audited: one AUDIT_ARCHIVE row per month, naming the file and its row count.
    const audited = await t.sql<{ month: string; rows: number; file: string }>(
      `select detail->>'month' as month, (detail->>'rows')::int as rows, detail->>'file' as file
         from audit_event where action = 'AUDIT_ARCHIVE' order by 1`,
    );
    expect(audited).toEqual(archived.map((a) => ({ month: a.month, rows: a.rows, file: a.file })).sort((a, b) => a.month.localeCompare(b.month)));

    // A second run finds nothing more to do; with N = 1 in June, March and April go (May, June and later stay).
    const again = await pool.connect();
    try {
      expect(await archiveOldAuditPartitions(again, { months: 3, dir: archiveDir, now: t.clock.now() })).toEqual([]);
      const second = await archiveOldAuditPartitions(again, { months: 1, dir: archiveDir, now: t.clock.now() });
      expect(second.map((a) => a.month)).toEqual(['2027-03', '2027-04']);
    } finally {
      again.release();
    }
    const left = await partitions('audit_event');
    for (const kept of ['202705', '202706', '202707', '202708', '202709']) expect(left).toContain(`audit_event_p${kept}`);
  });
});
