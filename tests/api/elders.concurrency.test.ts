import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

let t: TestApp;
let town: TestUser;

// A slim selection: the race is in the write, not in the answer, and 1,000 full archives would only cost time.
const UPDATE = `mutation($id: ID!, $version: Int!, $input: UpdateElderInput!) { updateElder(id: $id, version: $version, input: $input) { id version addressDetail } }`;

beforeAll(async () => {
  t = await createTestApp();
  town = await t.user('TOWN_OPERATOR', REGIONS.townA);
});
afterAll(() => t.close());

describe('concurrent updateElder with one version (stress)', () => {
  it('has exactly one winner and one CONFLICT in each of 500 rounds, and the winner’s value is what is stored', async () => {
    const ROUNDS = 500;
    const elder = await registerElder(t, town);
    const started = Date.now();
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [{ version }] = await t.sql<{ version: number }>('select version from elder where id = $1', [elder.id]);
      // Values that differ from the stored one and from each other: neither edit is a no-op (a no-op changes nothing,
      // keeps the version, and may rightly succeed beside a real edit).
      const values = [`甲-${round}`, `乙-${round}`];
      // Alternate which request is issued first, so both interleavings are exercised.
      const order = round % 2 === 0 ? values : [...values].reverse();
      // t.exec builds its own request context (its own EntityManager fork and pooled connection) per call.
      const results = await Promise.all(
        order.map((addressDetail) => t.exec<{ updateElder: { version: number; addressDetail: string } }>(town, UPDATE, { id: elder.id, version, input: { addressDetail } })),
      );
      const winners = results.filter((r) => !r.errors);
      const conflicts = results.filter((r) => codeOf(r) === 'CONFLICT');
      const [row] = await t.sql<{ version: number; address_detail: string }>('select version, address_detail from elder where id = $1', [elder.id]);
      if (winners.length !== 1 || conflicts.length !== 1 || row!.version !== version + 1 || row!.address_detail !== winners[0]?.data?.updateElder.addressDetail) {
        failures.push(`round ${round}: ${winners.length} winners, ${conflicts.length} conflicts, version ${version} -> ${row!.version}, stored ${row!.address_detail}, errors ${JSON.stringify(results.map((r) => r.errors?.[0]?.extensions?.code ?? null))}`);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`elders.concurrency: ${ROUNDS} rounds in ${seconds.toFixed(1)} s, ${failures.length} failed`);
    expect(failures).toEqual([]);
    const [{ version, audits }] = await t.sql<{ version: number; audits: number }>(
      `select e.version, (select count(*)::int from audit_event a where a.elder_id = e.id and a.action = 'ELDER_UPDATE') as audits from elder e where e.id = $1`,
      [elder.id],
    );
    // One version step and one audit entry per round: no lost or doubled write.
    expect(version).toBe(1 + ROUNDS);
    expect(audits).toBe(ROUNDS);
  }, 120_000);

  it('a no-op beside a real edit of the same version: the real edit always lands, the version steps once', async () => {
    // The one way two same-version calls can both succeed: one of them changes nothing. Under the row lock it either
    // runs first (confirms the current state, keeps the version, and the edit then wins) or second (stale: CONFLICT).
    // Either way exactly one write is made per version, and it is the real edit.
    const elder = await registerElder(t, town, { addressDetail: '原址' });
    for (let round = 0; round < 50; round++) {
      const [{ version, address_detail: stored }] = await t.sql<{ version: number; address_detail: string }>('select version, address_detail from elder where id = $1', [elder.id]);
      const edit = `改-${round}`;
      const calls = [{ addressDetail: stored }, { addressDetail: edit }];
      const results = await Promise.all((round % 2 ? calls.reverse() : calls).map((input) => t.exec<{ updateElder: { version: number } }>(town, UPDATE, { id: elder.id, version, input })));
      const editResult = results[round % 2 ? 0 : 1]!;
      const noopResult = results[round % 2 ? 1 : 0]!;
      expect(editResult.errors).toBeUndefined();
      expect(noopResult.errors === undefined || codeOf(noopResult) === 'CONFLICT').toBe(true);
      const [row] = await t.sql('select version, address_detail from elder where id = $1', [elder.id]);
      expect(row).toEqual({ version: version + 1, address_detail: edit });
    }
  });

  it('answers CONFLICT and changes nothing when the version-conditional UPDATE itself matches no row', async () => {
    // The row lock makes a second writer wait and see the new version; the guarantee, though, is the UPDATE's own
    // "where version = ?". A trigger that drops the row's update stands for a writer that got past the lock: the
    // UPDATE then matches nothing, and the answer must be the stale-version CONFLICT, not a success or a 500.
    const elder = await registerElder(t, town);
    await t.sql(`create function drop_marked_update() returns trigger language plpgsql as $$
      begin if new.address_detail = '被抢先' then return null; end if; return new; end $$`);
    await t.sql(`create trigger drop_marked_update before update on elder for each row execute function drop_marked_update()`);
    try {
      const result = await t.exec(town, UPDATE, { id: elder.id, version: elder.version, input: { addressDetail: '被抢先' } });
      expect(codeOf(result)).toBe('CONFLICT');
      expect(result.errors![0]!.message).toContain('请刷新后再保存');
      const [row] = await t.sql(
        `select e.version, (select count(*)::int from audit_event a where a.elder_id = e.id and a.action = 'ELDER_UPDATE') as audits from elder e where e.id = $1`,
        [elder.id],
      );
      expect(row).toEqual({ version: elder.version, audits: 0 });
    } finally {
      await t.sql(`drop trigger drop_marked_update on elder`);
      await t.sql(`drop function drop_marked_update()`);
    }
  });
});
