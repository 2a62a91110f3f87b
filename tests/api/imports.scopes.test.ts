import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, createTestApp, idNumberFor, ok, REGIONS, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder, type ElderData } from '../helpers/elders.js';

/**
 * importElders, scope by scope: it needs the scope registerElder needs (elder.write:jurisdiction), and it acts only
 * inside the caller's subtree. A village worker imports into their own village only; an archive elsewhere is told
 * as "exists in another region", nothing more.
 */
const IMPORT = `mutation($batch: ElderImportBatch!) { importElders(batch: $batch) {
  created exists rejected records { status elderId elderName inJurisdiction differences errors { field } } } }`;

let t: TestApp;
let village: TestUser;
let otherVillage: ElderData;
let key = 0;

const run = (as: TestUser | null, records: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
  t.exec<any>(as, IMPORT, { batch: { idempotencyKey: `scopes-${++key}`, records, ...extra } });

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.user('ADMIN', REGIONS.city);
  village = await t.user('VILLAGE_WORKER', REGIONS.villageA1);
  otherVillage = await registerElder(t, admin, { name: '邻村老人', regionCode: REGIONS.villageA2, idNumber: idNumberFor('1942-02-02') });
});
afterAll(() => t.close());

describe('importElders scopes', () => {
  it('is FORBIDDEN without the elder write scope (auditor, integrator, partner agency) and UNAUTHENTICATED without a login', async () => {
    const records = [{ name: '某', idNumber: idNumberFor('1941-01-01'), regionCode: REGIONS.villageA1 }];
    for (const role of ['AUDITOR', 'INTEGRATOR', 'HEALTH'] as const) {
      const user = await t.user(role, REGIONS.city);
      expect(codeOf(await run(user, records)), role).toBe('FORBIDDEN');
      // A dry run is no way around it.
      expect(codeOf(await run(user, records, { dryRun: true })), role).toBe('FORBIDDEN');
    }
    expect(codeOf(await run(null, records))).toBe('UNAUTHENTICATED');
    expect(await t.sql(`select 1 from elder where id_number = $1`, [records[0]!.idNumber])).toHaveLength(0);
  });

  it('lets a village worker import into their own village, not into another one', async () => {
    const mine = idNumberFor('1941-02-02');
    const theirs = idNumberFor('1941-02-03');
    const result = ok(
      await run(village, [
        { name: '本村老人', idNumber: mine, regionCode: REGIONS.villageA1 },
        { name: '邻村新人', idNumber: theirs, regionCode: REGIONS.villageA2 },
      ]),
    ).importElders;
    expect(result.records.map((r: any) => r.status)).toEqual(['CREATED', 'REJECTED']);
    expect(result.records[1].errors).toEqual([{ field: 'regionCode' }]);
    expect(await t.sql(`select region_code from elder where id_number = $1`, [mine])).toEqual([{ region_code: REGIONS.villageA1 }]);
    expect(await t.sql(`select 1 from elder where id_number = $1`, [theirs])).toHaveLength(0);
  });

  it('tells a village worker only that an archive of the next village exists, and never updates it', async () => {
    const record = { name: '改个名字', idNumber: otherVillage.fullIdNumber, regionCode: REGIONS.villageA1, phone: '13912345678' };
    const result = ok(await run(village, [record], { updateExisting: true })).importElders;
    expect(result.records[0]).toEqual({ status: 'EXISTS', elderId: null, elderName: null, inJurisdiction: false, differences: [], errors: [] });
    const [row] = await t.sql(`select name, phone, version from elder where id = $1`, [otherVillage.id]);
    expect(row).toEqual({ name: '邻村老人', phone: null, version: 1 });
  });
});
