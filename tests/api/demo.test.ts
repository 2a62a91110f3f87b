import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../packages/api/src/config/env.js';
import { prepareData } from '../../packages/api/src/db/bootstrap.js';
import { DEMO_PASSWORD, DEMO_USERS, DEMO_VILLAGE } from '../../packages/api/src/db/seeders/demo.js';
import { ageOn, parseIdNumber } from '../../packages/api/src/modules/elders/id-number.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const LOGIN = `mutation L($u: String!, $p: String!) { login(username: $u, password: $p) { token me { role regionCode } } }`;

describe('demo data on first start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('loads nine users and about 2,000 valid elders spread over the villages, once', async () => {
    const first = await prepareData(t.orm, { seedDemo: true });
    expect(first.demo).toEqual({ users: DEMO_USERS.length, elders: 2000 });
    expect(DEMO_USERS.map((u) => u.username).sort()).toEqual(
      ['admin', 'auditor', 'disability', 'health', 'housing', 'integrator', 'police', 'town', 'visitor'],
    );

    // A restart finds users and seeds nothing more.
    const again = await prepareData(t.orm, { seedDemo: true });
    expect(again.demo).toBeNull();
    const [{ n }] = await t.sql<{ n: string }>('select count(*) as n from elder');
    expect(Number(n)).toBe(2000);

    const rows = await t.sql<{ id_number: string; birth_date: string; gender: string; region_code: string; contacts: number }>(
      `select e.id_number, to_char(e.birth_date, 'YYYY-MM-DD') as birth_date, e.gender, e.region_code,
              (select count(*)::int from elder_contact c where c.elder_id = e.id) as contacts
         from elder e`,
    );
    const today = '2026-11-15';
    for (const row of rows) {
      const parsed = parseIdNumber(row.id_number, today);
      expect(parsed, row.id_number).not.toHaveProperty('problem');
      if ('problem' in parsed) continue;
      expect(parsed.birthDate).toBe(row.birth_date);
      expect(parsed.gender).toBe(row.gender);
      expect(row.contacts).toBeGreaterThan(0);
      expect(ageOn(row.birth_date, new Date().toISOString().slice(0, 10))).toBeGreaterThanOrEqual(60);
    }
    expect(new Set(rows.map((r) => r.id_number)).size).toBe(2000);
    expect(new Set(rows.map((r) => r.region_code)).size).toBeGreaterThan(200);
    expect(rows.filter((r) => r.region_code === DEMO_VILLAGE).length).toBeGreaterThanOrEqual(40);

    // Every registration is in the audit log, as if a person had done it.
    const [{ audits }] = await t.sql<{ audits: string }>(`select count(*) as audits from audit_event where action = 'ELDER_REGISTER'`);
    expect(Number(audits)).toBe(2000);
  });

  it('lets every demo user log in with the printed password', async () => {
    for (const user of DEMO_USERS) {
      const res = await t.exec(null, LOGIN, { u: user.username, p: DEMO_PASSWORD });
      expect(res.errors, user.username).toBeUndefined();
      expect(res.data?.login.me.role).toBe(user.role);
    }
  });

  it('is never loaded in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', TANFANG_DEMO: 'off' }).seedDemo).toBe(false);
    expect(loadConfig({}).seedDemo).toBe(true);
  });
});
