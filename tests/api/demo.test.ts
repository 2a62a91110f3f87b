import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../packages/api/src/config/env.js';
import { prepareData } from '../../packages/api/src/db/bootstrap.js';
import { DEMO_PASSWORD, DEMO_USERS, DEMO_VILLAGE } from '../../packages/api/src/db/seeders/demo.js';
import { ageOn, parseIdNumber } from '../../packages/api/src/modules/elders/id-number.js';
import { createTestApp, ok, type TestApp } from '../helpers/app.js';
import { actorFor } from '../../packages/api/src/modules/auth/actor.js';

const LOGIN = `mutation L($u: String!, $p: String!) { login(username: $u, password: $p) { token me { role regionCode } } }`;

describe('demo data on first start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('loads twelve users and about 2,000 valid elders spread over the villages, once', async () => {
    const first = await prepareData(t.orm, { seedDemo: true });
    expect(first.demo).toMatchObject({ users: DEMO_USERS.length, elders: 2000 });
    expect(first.demo!.visits).toBeGreaterThan(8000);
    expect(first.demo!.alerts).toBeGreaterThan(0);
    expect(DEMO_USERS.map((u) => u.username).sort()).toEqual(
      ['admin', 'auditor', 'counselling', 'disability', 'health', 'housing', 'integrator', 'legalaid', 'police', 'socialwork', 'town', 'visitor'],
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

  it('looks like a real month of work: classes with reasons, due and overdue elders, every method, alerts, a campaign', async () => {
    const login = async (username: string) => {
      const res = await t.exec(null, LOGIN, { u: username, p: DEMO_PASSWORD });
      return ok(res).login.token as string;
    };
    await login('admin');
    const [admin] = await t.sql<{ id: string; role: string; region_code: string }>(`select id, role, region_code from app_user where username = 'admin'`);
    const [visitor] = await t.sql<{ id: string; role: string; region_code: string }>(`select id, role, region_code from app_user where username = 'visitor'`);
    const as = (u: { id: string; role: string; region_code: string }, username: string) => ({
      id: u.id, username, actor: actorFor({ id: u.id, username, displayName: username, role: u.role as never, regionCode: u.region_code }),
    });
    const adminUser = as(admin!, 'admin');
    const visitorUser = as(visitor!, 'visitor');
    // The seeding clock is the real one; judge "today" by it too.
    t.clock.set(new Date().toISOString());

    const classes = await t.sql<{ cls: string; n: string }>(`select computed_class as cls, count(*) as n from elder group by 1 order by 1`);
    expect(classes.map((c) => c.cls)).toEqual(['A', 'B', 'C']);
    const methods = await t.sql<{ method: string }>(`select distinct method from visit order by 1`);
    expect(methods.map((m) => m.method)).toEqual(['HOME', 'OTHER', 'PHONE', 'REMOTE', 'VIDEO']);

    const overview = ok(await t.exec(adminUser, `{
      overdueElders(first: 5) { totalCount nodes { daysOverdue class elder { classification { class reasons { text } } } } }
      alerts(first: 50) { totalCount nodes { status escalationLevel severity } }
      campaigns { name classes }
      visitRate(period: { kind: MONTH, date: "${new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10)}" }) { numerator denominator rate }
    }`));
    expect(overview.overdueElders.totalCount).toBeGreaterThan(20);
    expect(overview.overdueElders.nodes[0].elder.classification.reasons.length).toBeGreaterThan(0);
    expect(overview.alerts.totalCount).toBeGreaterThan(0);
    expect(overview.alerts.nodes.some((a: { escalationLevel: number }) => a.escalationLevel > 0)).toBe(true);
    expect(overview.campaigns.map((c: { name: string }) => c.name)).toContain('寒潮天气叠加探访');
    expect(overview.visitRate.rate).toBeGreaterThan(0.6);
    expect(overview.visitRate.rate).toBeLessThan(1);

    const worklist = ok(await t.exec(visitorUser, `{ myWorklist { overdue dueBy class elder { name } } }`)).myWorklist;
    expect(worklist.some((w: { overdue: boolean }) => w.overdue)).toBe(true);
    expect(worklist.some((w: { overdue: boolean }) => !w.overdue)).toBe(true);
  });

  it('is never loaded in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/tanfang' }).seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', TANFANG_DEMO: 'off' }).seedDemo).toBe(false);
    expect(loadConfig({}).seedDemo).toBe(true);
  });
});
