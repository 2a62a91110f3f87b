import type { EntityManager } from '@mikro-orm/postgresql';
import { toDate } from '../../shared/sql.js';
import { chinaDate } from '../../graphql/context.js';
import { insertRequirements, REFERENCE_STANDARDS, requirementRow } from '../../modules/standards/standards.reference.js';
import { DEMO_CITY, DEMO_VILLAGE, generator, insertRows, mobile, personName } from './demo.js';

/**
 * The visit engine's demo: teams and visitors for every town and village, assignments, about seven months of visits
 * that look like real work (most requirements met, some late, some overdue, every method), care services for
 * dispersed extreme-poverty elders, alerts (some resolved, some open and escalated), and a cold-wave campaign.
 * Everything is relative to `today`, so the demo always shows a current month with due and overdue elders.
 */

interface DemoElder {
  id: string;
  county_code: string;
  region_code: string;
  cls: 'A' | 'B' | 'C';
  registered_on: string;
  status: string;
  status_date: string | null;
  accepts_visits: boolean;
  circumstances: string[];
}

const METHODS_REMOTE = ['PHONE', 'PHONE', 'PHONE', 'VIDEO', 'REMOTE', 'OTHER'];

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

function nextMonth(day: string): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Start of the half year (B) or year (C) a day falls in, and the start of the next one. */
function periodStart(cls: 'B' | 'C', day: string): string {
  if (cls === 'C') return `${day.slice(0, 4)}-01-01`;
  return Number(day.slice(5, 7)) <= 6 ? `${day.slice(0, 4)}-01-01` : `${day.slice(0, 4)}-07-01`;
}

function periodNext(cls: 'B' | 'C', start: string): string {
  const y = Number(start.slice(0, 4));
  if (cls === 'C') return `${y + 1}-01-01`;
  return start.slice(5, 7) === '01' ? `${y}-07-01` : `${y + 1}-01-01`;
}

function monthEnd(day: string): string {
  return addDays(nextMonth(day), -1);
}

export async function seedDemoVisits(em: EntityManager, today: Date, visitorUserId: string | null): Promise<{ visits: number; alerts: number }> {
  const rng = generator(20261123);
  const day = chinaDate(today);
  const now = today;

  // Teams: a visiting team and a daily-contact team in every town.
  const towns = await em.execute<{ code: string; name: string }[]>(`select code, name from region where level = 4 and code like ? order by code`, [`${DEMO_CITY}%`]);
  const teams = towns.flatMap((t) => [
    { id: crypto.randomUUID(), name: `${t.name}探访关爱队伍`, kind: 'VISITING', region_code: t.code, county_code: DEMO_CITY, created_at: now },
    { id: crypto.randomUUID(), name: `${t.name}日常联络队伍`, kind: 'DAILY_CONTACT', region_code: t.code, county_code: DEMO_CITY, created_at: now },
  ]);
  await insertRows(em, 'team', 'id uuid, name text, kind text, region_code text, county_code text, created_at timestamptz', teams);
  const teamOf = new Map(teams.filter((t) => t.kind === 'VISITING').map((t) => [t.region_code, t.id]));

  // Visitors: one village-committee worker per village with elders, two social workers per town.
  const villages = await em.execute<{ region_code: string }[]>(`select distinct region_code from elder order by region_code`);
  const visitors: Record<string, unknown>[] = [];
  const villageVisitor = new Map<string, string>();
  for (const { region_code } of villages) {
    const id = crypto.randomUUID();
    const demo = region_code === DEMO_VILLAGE;
    visitors.push({
      id, name: demo ? '梁玉梅' : personName(rng, rng.chance(0.4)), kind: 'VILLAGE_STAFF', phone: mobile(rng), region_code,
      county_code: DEMO_CITY, team_id: teamOf.get(region_code.slice(0, 9)) ?? null, user_id: demo ? visitorUserId : null, created_at: now,
    });
    villageVisitor.set(region_code, id);
  }
  const townSocialWorkers = new Map<string, string[]>();
  for (const t of towns) {
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    townSocialWorkers.set(t.code, ids);
    for (const id of ids) {
      visitors.push({
        id, name: personName(rng, rng.chance(0.3)), kind: rng.pick(['SOCIAL_WORKER', 'GRID_WORKER', 'VOLUNTEER']), phone: mobile(rng),
        region_code: t.code, county_code: DEMO_CITY, team_id: teamOf.get(t.code) ?? null, user_id: null, created_at: now,
      });
    }
  }
  await insertRows(em, 'visitor', 'id uuid, name text, kind text, phone text, region_code text, county_code text, team_id uuid, user_id uuid, created_at timestamptz', visitors);

  const elders = await em.execute<DemoElder[]>(
    `select id, county_code, region_code, computed_class as cls, to_char((registered_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as registered_on,
            status, to_char(status_date, 'YYYY-MM-DD') as status_date, accepts_visits, circumstances
       from elder order by region_code, id_number`, // ids are random: the ID number keeps the draws on the same people
  );

  // Assignments: the village worker is responsible; a town social worker helps the A class; a few are unassigned.
  const assignments: Record<string, unknown>[] = [];
  for (const e of elders) {
    if (e.status !== 'ACTIVE') continue;
    if (e.region_code !== DEMO_VILLAGE && rng.chance(0.03)) continue;
    const startsAt = new Date(`${e.registered_on}T02:00:00Z`);
    assignments.push({ elder_id: e.id, visitor_id: villageVisitor.get(e.region_code), county_code: e.county_code, role: 'PRIMARY', starts_at: startsAt });
    if (e.cls === 'A' && rng.chance(0.5)) {
      assignments.push({ elder_id: e.id, visitor_id: rng.pick(townSocialWorkers.get(e.region_code.slice(0, 9)) ?? []), county_code: e.county_code, role: 'HELPER', starts_at: startsAt });
    }
  }
  await insertRows(em, 'assignment', 'elder_id uuid, visitor_id uuid, county_code text, role text, starts_at timestamptz', assignments.filter((a) => a.visitor_id));

  // Visits: from May (or registration) to today. Most months are done; this month is in progress; some slip.
  const from = monthStart(addDays(day, -200));
  const visits: Record<string, unknown>[] = [];
  const care: Record<string, unknown>[] = [];
  const enteredBy = (await em.execute<{ id: string }[]>(`select id from app_user where username = 'admin'`))[0]?.id;
  if (!enteredBy) throw new Error('demo users must exist before demo visits');
  for (const e of elders) {
    // Visits up to yesterday (today's round is still to do), never after a closure or refusal.
    const stop = e.status !== 'ACTIVE' ? e.status_date! : e.accepts_visits ? addDays(day, -1) : addDays(day, -60);
    const start = e.registered_on > from ? e.registered_on : from;
    // Some elders are neglected lately: they show as overdue. The demo visitor gets a few of those too.
    const neglected = rng.chance(e.region_code === DEMO_VILLAGE ? 0.2 : 0.08);
    const visitor = villageVisitor.get(e.region_code) ?? null;
    const dates: { on: string; method: string }[] = [];
    // Before the months simulated in full, only what long windows look back at: B's home visit every half year and
    // C's every year (the monthly requirements only look at the latest met month).
    if ((e.cls === 'B' || e.cls === 'C') && e.registered_on < from) {
      for (let w = periodStart(e.cls, e.registered_on); w < from; w = periodNext(e.cls, w)) {
        const lo = w > e.registered_on ? w : e.registered_on;
        const hi = addDays(periodNext(e.cls, w), -1) < addDays(from, -1) ? addDays(periodNext(e.cls, w), -1) : addDays(from, -1);
        if (hi < lo || hi > stop || rng.chance(0.08)) continue;
        dates.push({ on: addDays(lo, rng.int(0, (Date.parse(hi) - Date.parse(lo)) / 86_400_000)), method: 'HOME' });
      }
    }
    let homeThisHalf = '';
    for (let m = monthStart(start); m <= day; m = nextMonth(m)) {
      const last = monthEnd(m) < stop ? monthEnd(m) : stop;
      if (last < start) continue;
      const first = m < start ? start : m;
      const current = m === monthStart(day);
      if (neglected && m >= monthStart(addDays(day, -45))) continue;
      if (current && rng.chance(0.45)) continue; // not yet visited this month: due
      if (!current && rng.chance(0.06)) continue; // a missed month
      const span = Math.max(0, (Date.parse(last) - Date.parse(first)) / 86_400_000);
      const on = addDays(first, rng.int(0, span));
      const half = `${on.slice(0, 4)}-${Number(on.slice(5, 7)) <= 6 ? 1 : 2}`;
      const home = e.cls === 'A' ? rng.chance(0.95) : homeThisHalf !== half && rng.chance(e.cls === 'B' ? 0.35 : 0.15);
      if (home) homeThisHalf = half;
      dates.push({ on, method: home ? 'HOME' : rng.pick(METHODS_REMOTE) });
      if (e.cls === 'A' && rng.chance(0.25)) dates.push({ on: addDays(on, rng.int(1, 10)) > last ? on : addDays(on, rng.int(1, 10)), method: rng.pick(METHODS_REMOTE) });
    }
    dates.sort((a, b) => a.on.localeCompare(b.on));
    dates.forEach((d, i) => {
      const bad = rng.next();
      visits.push({
        id: crypto.randomUUID(),
        elder_id: e.id,
        county_code: e.county_code,
        region_code: e.region_code,
        seq: i + 1,
        visited_at: new Date(`${d.on}T0${rng.int(1, 8)}:${String(rng.int(0, 59)).padStart(2, '0')}:00Z`),
        visited_on: d.on,
        method: d.method,
        visitor_id: visitor,
        entered_by: enteredBy,
        entered_at: new Date(`${d.on}T10:00:00Z`),
        duration_minutes: d.method === 'HOME' ? rng.int(15, 60) : rng.int(3, 15),
        household_change: 'UNCHANGED',
        expression: 'UNCHANGED',
        mobility: bad < 0.03 ? 'WORSE' : 'UNCHANGED',
        disease: bad > 0.99 ? 'SERIOUS' : 'UNCHANGED',
        disease_name: bad > 0.99 ? rng.pick(['脑卒中后遗症', '慢性心力衰竭', '肺部感染']) : null,
        mood: bad > 0.96 && bad <= 0.99 ? 'WORSE' : rng.chance(0.2) ? 'BETTER' : 'UNCHANGED',
        gas_safety: d.method === 'HOME' ? (bad < 0.01 ? 'UNSAFE' : rng.chance(0.1) ? 'FAIRLY_SAFE' : 'SAFE') : null,
        water_heating_safety: d.method === 'HOME' ? 'SAFE' : null,
        electricity_safety: d.method === 'HOME' ? (bad > 0.005 && bad < 0.012 ? 'UNSAFE' : 'SAFE') : null,
        personal_hygiene: 'UNCHANGED',
        home_hygiene: 'UNCHANGED',
        indoor_environment: 'UNCHANGED',
        service_needs: rng.chance(0.1) ? rng.pick(['希望有人帮忙买药', '需要代办高龄津贴', '想参加社区长者饭堂']) : null,
        visitor_signed: d.method === 'HOME',
        elder_signed: d.method === 'HOME',
        satisfaction: rng.pick(['VERY_SATISFIED', 'SATISFIED', 'SATISFIED', 'NEUTRAL']),
      });
    });
    // 三个一 for dispersed extreme-poverty elders: weekly cleaning, half-monthly laundry, monthly haircut.
    if (e.circumstances.includes('EXTREME_POVERTY') && e.status === 'ACTIVE') {
      const careFrom = addDays(day, -90) > e.registered_on ? addDays(day, -90) : e.registered_on;
      for (let d = careFrom; d <= day; d = addDays(d, 7)) {
        if (rng.chance(0.9)) care.push({ elder_id: e.id, county_code: e.county_code, kind: 'CLEANING', delivered_on: d });
        if (Number(d.slice(8)) <= 7 || (Number(d.slice(8)) >= 16 && Number(d.slice(8)) <= 22)) {
          if (rng.chance(0.9)) care.push({ elder_id: e.id, county_code: e.county_code, kind: 'LAUNDRY', delivered_on: d });
        }
        if (Number(d.slice(8)) <= 7 && rng.chance(0.9)) care.push({ elder_id: e.id, county_code: e.county_code, kind: 'HAIRCUT', delivered_on: d });
      }
    }
  }
  for (let i = 0; i < visits.length; i += 5000) {
    await insertRows(
      em,
      'visit',
      `id uuid, elder_id uuid, county_code text, region_code text, seq integer, visited_at timestamptz, visited_on date, method text,
       visitor_id uuid, entered_by uuid, entered_at timestamptz, duration_minutes smallint, household_change text, expression text,
       mobility text, disease text, disease_name text, mood text, gas_safety text, water_heating_safety text, electricity_safety text,
       personal_hygiene text, home_hygiene text, indoor_environment text, service_needs text, visitor_signed boolean,
       elder_signed boolean, satisfaction text`,
      visits.slice(i, i + 5000),
    );
  }
  for (const c of care) Object.assign(c, { recorded_by: enteredBy, recorded_at: now });
  await insertRows(em, 'care_service', 'elder_id uuid, county_code text, kind text, delivered_on date, recorded_by uuid, recorded_at timestamptz', care);

  // Alerts from the visits' findings, by the same rules table recordVisit uses; older ones were handled.
  const findingColumns: Record<string, string> = {
    gasSafety: 'gas_safety', electricitySafety: 'electricity_safety', waterHeatingSafety: 'water_heating_safety', disease: 'disease',
    mood: 'mood', mobility: 'mobility', personalHygiene: 'personal_hygiene', homeHygiene: 'home_hygiene', expression: 'expression',
  };
  const alerts = await em.execute<{ id: string; raised_at: Date; severity: string }[]>(
    `insert into alert (elder_id, county_code, region_code, visit_id, rule_code, title, detail, severity, raised_at, raised_by)
     select v.elder_id, v.county_code, v.region_code, v.id, r.code, r.title, case when r.code = 'SERIOUS_ILLNESS' then v.disease_name end,
            r.severity, v.entered_at, v.entered_by
       from visit v join alert_rule r on r.active and case r.finding
         ${Object.entries(findingColumns).map(([k, col]) => `when '${k}' then v.${col} = r.finding_value`).join(' ')} else false end
     returning id, raised_at, severity`,
  );
  const handled = alerts.filter((a) => toDate(a.raised_at).getTime() < now.getTime() - 10 * 86_400_000 || rng.chance(0.5));
  for (const a of handled) {
    const status = rng.chance(0.8) ? 'RESOLVED' : 'REFERRED';
    const ack = new Date(toDate(a.raised_at).getTime() + rng.int(10, a.severity === 'URGENT' ? 100 : 2000) * 60_000);
    Object.assign(a, { status, ack });
  }
  await em.execute(
    `update alert a set status = h.status, acknowledged_at = h.ack, acknowledged_by = raised_by,
            referred_to = case when h.status = 'REFERRED' then coalesce(r.suggested_referral, 'SOCIAL_WORKER') end,
            referred_at = case when h.status = 'REFERRED' then h.ack end,
            resolved_at = case when h.status = 'RESOLVED' then h.ack + interval '2 days' end,
            resolution = case when h.status = 'RESOLVED' then '已联系家属并上门处理，隐患已消除' end
       from jsonb_to_recordset(?::jsonb) as h(id uuid, status text, ack timestamptz), alert_rule r
      where a.id = h.id and r.code = a.rule_code`,
    [JSON.stringify(handled.map((a) => ({ id: a.id, status: (a as unknown as { status: string }).status, ack: (a as unknown as { ack: Date }).ack })))],
    'run',
  );
  await em.execute(
    `insert into alert_event (alert_id, at, actor_id, status, note)
     select id, raised_at, raised_by, 'OPEN', '探访发现' from alert
     union all
     select id, acknowledged_at, acknowledged_by, status, case status when 'RESOLVED' then resolution else '已转介' end from alert where status <> 'OPEN'`,
    [],
    'run',
  );

  // 会宁 "三个一" adopted city-wide for dispersed extreme-poverty elders, and a cold-wave campaign for class A.
  const care3 = REFERENCE_STANDARDS.find((s) => s.code === 'HUINING-CARE-2022')!;
  const [raise] = await em.execute<{ id: string }[]>(
    `insert into visit_standard (code, name, description, source, region_code, effective_from, created_at)
     values ('R-440783-CARE', '开平市分散特困供养对象“三个一”居家照料', ?, ?, ?, ?, ?) returning id`,
    [care3.description, care3.source, DEMO_CITY, addDays(day, -90), now],
  );
  await insertRequirements(em, care3.requirements.map((r, i) => requirementRow(raise!.id, i, r)));
  await em.execute(
    `insert into campaign (name, region_code, classes, reason_kind, reason, starts_on, ends_on, min_count, window_kind, home_only, created_by, created_at)
     values ('寒潮天气叠加探访', ?, '{A}', 'EXTREME_WEATHER', '气象台发布寒潮蓝色预警，A类老年人在寒潮期间至少上门探访一次，检查取暖和用电安全',
             ?, ?, 1, 'PERIOD', true, ?, ?)`,
    [DEMO_CITY, addDays(day, -3), addDays(day, 12), enteredBy, now],
    'run',
  );
  return { visits: visits.length, alerts: alerts.length };
}
