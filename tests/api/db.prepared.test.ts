import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from '../../packages/api/src/db/bootstrap.js';
import { executeBound, runPrepared, type PgConnection } from '../../packages/api/src/shared/bound-sql.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * Compiled reads as named prepared statements (shared/bound-sql.ts): each connection keeps a bounded number of them,
 * least recently used deallocated first, and a server that refuses one (a pooler in transaction mode that handed the
 * Bind to another session) gets the statement again unnamed, with nothing lost and the pool unnamed from then on.
 */
let t: TestApp;
let orm: MikroORM;

type KnexPgClient = { acquireConnection(): Promise<PgConnection>; releaseConnection(c: PgConnection): Promise<void> };
const clientOf = (o: MikroORM) => o.em.getConnection().getKnex().client as unknown as KnexPgClient;

async function preparedNames(connection: PgConnection): Promise<string[]> {
  const { rows } = await connection.query({ text: `select name from pg_prepared_statements order by name`, values: [] });
  return (rows as { name: string }[]).map((r) => r.name);
}

beforeAll(async () => {
  t = await createTestApp();
  // One connection, so the statements below meet the session they were prepared on.
  orm = await initOrm(t.dbUrl, { debug: false, pool: { min: 0, max: 1 } });
});

afterAll(async () => {
  await orm?.close(true);
  await t?.close();
});

describe('named prepared statements', () => {
  it('keeps at most the cap prepared per connection, the least recently used deallocated first', async () => {
    const client = clientOf(orm);
    const connection = await client.acquireConnection();
    try {
      // Names as executeBound makes them: base64url, with upper case and '-' (deallocated quoted).
      const name = (k: number) => `tf_Test-${k}`;
      const run = async (k: number) => (await runPrepared(connection, name(k), `select $1::int + ${k} as n`, [1], 3)) as { n: number }[];
      for (const k of [1, 2, 3]) expect(await run(k)).toEqual([{ n: 1 + k }]);
      expect(await preparedNames(connection)).toEqual([name(1), name(2), name(3)]);
      // Using 1 again makes 2 the least recently used: the fourth statement deallocates 2, not 1.
      await run(1);
      expect(await run(4)).toEqual([{ n: 5 }]);
      expect(await preparedNames(connection)).toEqual([name(1), name(3), name(4)]);
      // A deallocated statement used again is parsed again (node-postgres was told), and answers.
      expect(await run(2)).toEqual([{ n: 3 }]);
      expect(await preparedNames(connection)).toEqual([name(1), name(2), name(4)]);
    } finally {
      await connection.query('deallocate all');
      await client.releaseConnection(connection);
    }
  });

  it('runs a statement asked generic on its generic plan, leaving the session as it was, errors included', async () => {
    const client = clientOf(orm);
    const connection = await client.acquireConnection();
    try {
      const text = `select count(*)::int as n from generate_series(1, $1::int) g`;
      for (const n of [3, 5, 7]) expect(await runPrepared(connection, 'tf_generic', text, [n], 64, true)).toEqual([{ n }]);
      // Planned once and reused: no custom plan (without `generic`, PostgreSQL plans the first five anew).
      const { rows } = await connection.query({ text: `select generic_plans, custom_plans from pg_prepared_statements where name = 'tf_generic'`, values: [] });
      expect(rows).toEqual([{ generic_plans: '3', custom_plans: '0' }]);
      // SET LOCAL: the session's own setting is untouched, and no transaction is left open.
      const mode = async () => ((await connection.query({ text: `select current_setting('plan_cache_mode') as m, now() = statement_timestamp() as outside`, values: [] })).rows[0]);
      expect(await mode()).toEqual({ m: 'auto', outside: true });
      // An error inside rolls its transaction back: the connection goes on.
      await expect(runPrepared(connection, 'tf_generic_error', `select 1 / ($1::int - 1) as n`, [1], 64, true)).rejects.toThrow(/division by zero/);
      expect(await mode()).toEqual({ m: 'auto', outside: true });
      expect(await runPrepared(connection, 'tf_generic_error', `select 1 / ($1::int - 1) as n`, [2], 64, true)).toEqual([{ n: 1 }]);
    } finally {
      await connection.query('deallocate all');
      await client.releaseConnection(connection);
    }
  });

  it('passes other errors through unchanged, and goes on naming', async () => {
    const em = orm.em.fork();
    await expect(executeBound(em, `select 1 / (? - 1) as n`, [1], { prepare: true })).rejects.toThrow(/division by zero/);
    const [ok] = await executeBound<{ n: number }>(em, `select 2 / ? as n`, [1], { prepare: true });
    expect(ok).toEqual({ n: 2 });
    const client = clientOf(orm);
    const connection = await client.acquireConnection();
    try {
      expect((await preparedNames(connection)).filter((n) => n.startsWith('tf_')).length).toBeGreaterThanOrEqual(1);
      await connection.query('deallocate all');
    } finally {
      await client.releaseConnection(connection);
    }
  });

  it('answers a statement the server no longer knows by name unnamed, and stops naming on that pool', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const em = orm.em.fork();
      const sql = `select count(*)::int as n from region where starts_with(code, ?)`;
      const [first] = await executeBound<{ n: number }>(em, sql, ['44'], { prepare: true });
      expect(first!.n).toBeGreaterThan(0);
      // What a pooler in transaction mode does to a client: the next Bind reaches a session without the statement.
      const client = clientOf(orm);
      const connection = await client.acquireConnection();
      expect((await preparedNames(connection)).filter((n) => n.startsWith('tf_'))).toHaveLength(1);
      await connection.query('deallocate all');
      await client.releaseConnection(connection);

      const [again] = await executeBound<{ n: number }>(em, sql, ['44'], { prepare: true });
      expect(again).toEqual(first);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/TANFANG_PREPARED_STATEMENTS=off/);

      // From then on the pool sends it unnamed: nothing is prepared on the session any more, and no second warning.
      const [third] = await executeBound<{ n: number }>(em, sql, ['4407'], { prepare: true });
      expect(third!.n).toBeGreaterThan(0);
      const after = await client.acquireConnection();
      try {
        expect(await preparedNames(after)).toEqual([]);
      } finally {
        await client.releaseConnection(after);
      }
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

});
