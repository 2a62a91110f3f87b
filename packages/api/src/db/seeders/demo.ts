import type { EntityManager } from '@mikro-orm/postgresql';
import { reclassifyOutdated } from '../../modules/classification/classification.service.js';
import { seedDemoVisits } from './demo-visits.js';
import { Role, type RoleName } from '@tanfang/schema';
import { hashPassword } from '../../modules/auth/password.js';
import { checkCharOf } from '../../modules/elders/id-number.js';
import { Circumstance } from '../../modules/elders/elder.enums.js';

/**
 * Demo data for a first start: the demo users and about 2,000 synthetic elders spread over 开平市's real villages,
 * with valid ID numbers, households, circumstances, emergency contacts and living conditions.
 * Deterministic (a seeded generator), written with one statement per table.
 */

export const DEMO_PASSWORD = 'demo1234';
export const DEMO_CITY = '440783'; // 开平市
export const DEMO_TOWN = '440783001'; // 三埠街道
export const DEMO_VILLAGE = '440783001020'; // 东河社区居委会
/**
 * The person of the partner guide's examples (docs/partners.md, the README): the first demo elder, with this fixed ID
 * number (a woman born 1946-05-08) whatever day the demo was loaded on, so a partner's first sync matches an archive
 * instead of queuing a real survey candidate. Her other values come from the seeded generator like everyone's.
 */
export const DEMO_SAMPLE_ID_NUMBER = '440783194605080023';

export interface DemoUser {
  username: string;
  displayName: string;
  role: RoleName;
  regionCode: string;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', displayName: '开平市民政局 管理员', role: Role.Admin, regionCode: DEMO_CITY },
  { username: 'town', displayName: '三埠街道 经办人', role: Role.TownOperator, regionCode: DEMO_TOWN },
  { username: 'visitor', displayName: '东河社区 探访员', role: Role.VillageWorker, regionCode: DEMO_VILLAGE },
  { username: 'police', displayName: '开平市公安局', role: Role.Police, regionCode: DEMO_CITY },
  { username: 'health', displayName: '开平市卫生健康局', role: Role.Health, regionCode: DEMO_CITY },
  { username: 'disability', displayName: '开平市残疾人联合会', role: Role.Disability, regionCode: DEMO_CITY },
  { username: 'housing', displayName: '开平市住房和城乡建设局', role: Role.Housing, regionCode: DEMO_CITY },
  // The service organisations alerts are referred to (社工、心理、司法所): they answer referrals, nothing more.
  { username: 'socialwork', displayName: '开平市社会工作服务中心', role: Role.SocialWork, regionCode: DEMO_CITY },
  { username: 'counselling', displayName: '开平市心理服务中心', role: Role.Counselling, regionCode: DEMO_CITY },
  { username: 'legalaid', displayName: '开平市司法局法律援助中心', role: Role.LegalAid, regionCode: DEMO_CITY },
  { username: 'integrator', displayName: '开平市城市运行管理中心', role: Role.Integrator, regionCode: DEMO_CITY },
  { username: 'auditor', displayName: '开平市民政局 审计员', role: Role.Auditor, regionCode: DEMO_CITY },
];

/** mulberry32: small, fast, and the same sequence on every machine. */
export function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!,
  };
}
export type Rng = ReturnType<typeof generator>;

// Common surnames of 开平 (关, 司徒, 谢, 周, 张, 吴, 梁, 胡, 方, 余 ...) and everyday given-name characters.
const SURNAMES = ['关', '司徒', '谢', '周', '张', '吴', '梁', '胡', '方', '余', '许', '陈', '李', '黄', '邓', '何', '林', '劳', '甄', '潘'];
const MALE_CHARS = ['国', '华', '明', '强', '德', '建', '伟', '荣', '昌', '汉', '庆', '志', '永', '福', '金', '炳', '锦', '耀', '均', '棠'];
const FEMALE_CHARS = ['秀', '英', '芳', '兰', '珍', '玉', '凤', '桂', '梅', '娟', '群', '好', '妹', '彩', '莲', '金', '月', '娇', '杏', '婵'];

export function personName(rng: Rng, male: boolean): string {
  const chars = male ? MALE_CHARS : FEMALE_CHARS;
  return rng.pick(SURNAMES) + rng.pick(chars) + (rng.chance(0.7) ? rng.pick(chars) : '');
}

export function mobile(rng: Rng): string {
  return `1${rng.pick(['3', '5', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function idNumberFor(rng: Rng, birth: string, male: boolean, used: Set<string>): string {
  for (;;) {
    let seq = rng.int(0, 998);
    if ((seq % 2 === 1) !== male) seq += 1;
    const first17 = `${DEMO_CITY}${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
    const id = first17 + checkCharOf(first17);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

export interface DemoOptions {
  elders?: number;
  seed?: number;
  /** The day the data should look current on (defaults to today). */
  today?: Date;
}

export interface DemoSummary {
  users: number;
  elders: number;
  visits: number;
  alerts: number;
}

export async function seedDemo(em: EntityManager, options: DemoOptions = {}): Promise<DemoSummary> {
  const count = options.elders ?? 2000;
  const rng = generator(options.seed ?? 20261122);
  const today = options.today ?? new Date();
  const villages = (await em.execute<{ code: string; name: string }[]>(
    `select code, name from region where level = 5 and code like ? order by code`,
    [`${DEMO_CITY}%`],
  )).map((r) => r.code);
  if (villages.length === 0) throw new Error('No villages under 440783: load the region tree first.');

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await em.execute(
    `insert into app_user (username, display_name, password_hash, role, region_code)
     select username, display_name, ?, role, region_code
       from jsonb_to_recordset(?::jsonb) as u(username text, display_name text, role text, region_code text)
     on conflict (username) do nothing`,
    [passwordHash, JSON.stringify(DEMO_USERS.map((u) => ({ username: u.username, display_name: u.displayName, role: u.role, region_code: u.regionCode })))],
    'run',
  );

  const used = new Set<string>();
  const elders: Record<string, unknown>[] = [];
  const contacts: Record<string, unknown>[] = [];
  const members: Record<string, unknown>[] = [];
  const help: Record<string, unknown>[] = [];
  const refusals: Record<string, unknown>[] = [];
  const start = Date.UTC(2024, 3, 15); // registration began after Kaiping's April 2024 plan

  for (let i = 0; i < count; i++) {
    const id = crypto.randomUUID();
    // The demo visitor's village gets a realistic caseload; the rest spread over the city.
    const region = i < 40 ? DEMO_VILLAGE : rng.pick(villages);
    const county = region.slice(0, 6);
    let male = rng.chance(0.45);
    const age = rng.chance(0.55) ? rng.int(60, 79) : rng.int(80, 98);
    // Exactly `age` whole years old today: born between (age + 1) years and age years ago.
    const birthday = new Date(Date.UTC(today.getUTCFullYear() - age, today.getUTCMonth(), today.getUTCDate()));
    let birth = isoDate(new Date(birthday.getTime() - rng.int(0, 364) * 86_400_000));
    let idNumber = idNumberFor(rng, birth, male, used);
    if (i === 0) {
      // The guide's sample person (after the generator's draws, so everyone else is as before).
      male = false;
      birth = '1946-05-08';
      idNumber = DEMO_SAMPLE_ID_NUMBER;
      used.add(idNumber);
    }
    const name = personName(rng, male);

    const c = new Set<Circumstance>();
    const household = rng.next();
    if (household < 0.34) c.add(Circumstance.LIVING_ALONE);
    else if (household < 0.64) c.add(Circumstance.EMPTY_NEST);
    else if (household < 0.78) c.add(Circumstance.PURE_ELDERLY_HOUSEHOLD);
    if (rng.chance(0.25)) c.add(Circumstance.LEFT_BEHIND);
    const incapacity = rng.chance(0.12) ? rng.pick(['PARTIAL', 'PARTIAL', 'FULL']) : null;
    if (incapacity) c.add(Circumstance.INCAPACITATED);
    if (rng.chance(0.04)) c.add(Circumstance.DEMENTIA);
    let disability: { cert: string; category: string; grade: number } | null = null;
    if (rng.chance(0.12)) {
      const categoryCode = rng.pick([1, 2, 4, 4, 4, 6, 7]);
      const grade = rng.int(1, 4);
      const categories = ['VISUAL', 'HEARING', 'SPEECH', 'PHYSICAL', 'INTELLECTUAL', 'MENTAL', 'MULTIPLE'];
      disability = { cert: `${idNumber}${categoryCode}${grade}`, category: categories[categoryCode - 1]!, grade };
      c.add(Circumstance.DISABLED);
    }
    const familyPlanning = rng.chance(0.03) ? rng.pick(['ONLY_CHILD_DISABLED', 'ONLY_CHILD_DECEASED']) : null;
    if (familyPlanning) c.add(Circumstance.FAMILY_PLANNING_SPECIAL);
    if (rng.chance(0.13)) c.add(Circumstance.MINIMUM_ALLOWANCE);
    const poverty = rng.chance(0.05) ? (rng.chance(0.8) ? 'DISPERSED' : 'INSTITUTIONAL') : null;
    if (poverty) c.add(Circumstance.EXTREME_POVERTY);
    if (rng.chance(0.02)) c.add(Circumstance.CARER_OF_DEPENDENT_CHILD);
    const temporary = rng.chance(0.02) ? rng.pick(['家中遭受台风灾害，房屋受损', '子女因病住院，暂无人照料', '配偶新近去世']) : null;
    if (temporary) c.add(Circumstance.TEMPORARY_DIFFICULTY);
    if (c.size === 0) c.add(Circumstance.LEFT_BEHIND);

    const registeredAt = new Date(start + rng.next() * (today.getTime() - start - 86_400_000));
    let status = 'ACTIVE';
    let statusDate: string | null = null;
    let statusReason: string | null = null;
    const fate = rng.next();
    if (fate < 0.04) {
      status = fate < 0.02 ? 'DECEASED' : fate < 0.03 ? 'MOVED_AWAY' : 'IN_INSTITUTION';
      statusDate = isoDate(new Date(registeredAt.getTime() + rng.next() * (today.getTime() - registeredAt.getTime())));
      statusReason = { DECEASED: '病故', MOVED_AWAY: '随子女迁往广州居住', IN_INSTITUTION: '入住开平市社会福利院' }[status]!;
    }
    const refused = status === 'ACTIVE' && rng.chance(0.015);

    elders.push({
      id,
      county_code: county,
      region_code: region,
      name,
      gender: male ? 'MALE' : 'FEMALE',
      birth_date: birth,
      id_number: idNumber,
      phone: rng.chance(0.6) ? mobile(rng) : null,
      address_detail: `${rng.int(1, 30)}巷${rng.int(1, 60)}号`,
      lives_at_registered_residence: rng.chance(0.92),
      circumstances: Object.values(Circumstance).filter((x) => c.has(x)),
      incapacity_level: incapacity,
      disability_certificate_number: disability?.cert ?? null,
      disability_category: disability?.category ?? null,
      disability_grade: disability?.grade ?? null,
      family_planning_kind: familyPlanning,
      extreme_poverty_kind: poverty,
      temporary_difficulty: temporary,
      water_safe: rng.chance(0.95),
      electricity_safe: rng.chance(0.9),
      housing_safe: rng.chance(0.9),
      household_monthly_income: rng.int(8, 60) * 100,
      monthly_benefits: rng.chance(0.7) ? rng.int(2, 25) * 100 : 0,
      accepts_visits: !refused,
      status,
      status_date: statusDate,
      status_reason: statusReason,
      registered_at: registeredAt.toISOString(),
    });

    // Emergency contacts: children first; without children, a relative; failing that, the village committee.
    const childless = familyPlanning === 'ONLY_CHILD_DECEASED' || rng.chance(0.1);
    let position = 0;
    if (!childless) {
      for (let k = rng.int(1, 2); k > 0; k--) {
        const son = rng.chance(0.5);
        contacts.push({ elder_id: id, county_code: county, position: position++, kind: 'CHILD', name: personName(rng, son), relation: son ? '儿子' : '女儿', phone: mobile(rng) });
      }
    } else if (rng.chance(0.6)) {
      contacts.push({ elder_id: id, county_code: county, position: position++, kind: 'RELATIVE', name: personName(rng, rng.chance(0.5)), relation: rng.pick(['侄子', '外甥女', '弟弟']), phone: mobile(rng) });
    }
    if (position === 0 || rng.chance(0.2)) {
      contacts.push({ elder_id: id, county_code: county, position: position++, kind: 'VILLAGE_WORKER', name: personName(rng, rng.chance(0.5)), relation: '村（居）委会工作人员', phone: mobile(rng) });
    }

    // Household: the elder as householder, a spouse when two elders live together.
    members.push({ elder_id: id, county_code: county, position: 0, name, gender: male ? 'MALE' : 'FEMALE', id_number: idNumber, relation: '户主', health: rng.pick(['健康', '一般', '较差', '患慢性病']), assistance: c.has(Circumstance.MINIMUM_ALLOWANCE) ? 'MINIMUM_ALLOWANCE' : poverty ? 'EXTREME_POVERTY' : 'NONE' });
    if (c.has(Circumstance.EMPTY_NEST) || c.has(Circumstance.PURE_ELDERLY_HOUSEHOLD)) {
      const spouseBirth = isoDate(new Date(Date.UTC(Number(birth.slice(0, 4)) + rng.int(-3, 3), rng.int(0, 11), rng.int(1, 28))));
      members.push({ elder_id: id, county_code: county, position: 1, name: personName(rng, !male), gender: male ? 'FEMALE' : 'MALE', id_number: idNumberFor(rng, spouseBirth, !male, used), relation: '配偶', health: rng.pick(['健康', '一般', '较差', '失能']), assistance: 'NONE' });
    }
    if (rng.chance(0.2)) {
      help.push({ elder_id: id, county_code: county, position: 0, unit_type: rng.pick(['STREET_VILLAGE_COMMITTEE', 'SOCIAL_ORGANIZATION', 'PROFESSIONAL_SOCIAL_WORKER', 'PARTY_GOVERNMENT']), unit_name: rng.pick(['开平市“双百”社工站', '三埠街道党工委', '开平市慈善会', '村（居）委会']), measures: rng.pick(['每月送米送油', '节日慰问', '协助申请临时救助', '上门理发、打扫卫生']) });
    }
    if (refused) {
      refusals.push({ elder_id: id, county_code: county, refused_on: isoDate(registeredAt), reason: '老人表示子女常回家照看，不需要上门探访', talked_with: personName(rng, rng.chance(0.5)), recorded_at: registeredAt.toISOString() });
    }
  }

  // The partner agencies of the city, and their demo users linked to them.
  await em.execute(
    `insert into agency (kind, name, region_code, created_at)
     select k.kind, r.name || k.suffix, r.code, ? from region r
       cross join (values ('POLICE', '公安局'), ('HEALTH', '卫生健康局'), ('DISABILITY', '残疾人联合会'), ('HOUSING', '住房和城乡建设局'),
                          ('SOCIAL_WORK', '社会工作服务中心'), ('COUNSELLING', '心理服务中心'), ('LEGAL_AID', '司法局法律援助中心'),
                          ('CIVIL_AFFAIRS', '民政局')) as k(kind, suffix)
      where r.code = ?
     on conflict (kind, region_code) do nothing`,
    [today, DEMO_CITY],
    'run',
  );
  await em.execute(
    `update app_user u set agency_id = a.id from agency a
      where a.region_code = u.region_code and a.kind = u.role and u.role in ('POLICE', 'HEALTH', 'DISABILITY', 'HOUSING', 'SOCIAL_WORK', 'COUNSELLING', 'LEGAL_AID')`,
    [],
    'run',
  );
  const admin = await em.execute<{ id: string }[]>(`select id from app_user where username = 'admin'`);
  const adminId = admin[0]?.id ?? null;
  for (const e of elders) Object.assign(e, { registered_by: adminId, updated_at: e.registered_at });
  for (const r of refusals) r.recorded_by = adminId;

  await em.transactional(async (tx) => {
    await insertRows(
      tx,
      'elder',
      `id uuid, county_code text, region_code text, name text, gender text, birth_date date, id_number text, phone text,
       address_detail text, lives_at_registered_residence boolean, circumstances text[], incapacity_level text,
       disability_certificate_number text, disability_category text, disability_grade smallint, family_planning_kind text,
       extreme_poverty_kind text, temporary_difficulty text, water_safe boolean, electricity_safe boolean, housing_safe boolean,
       household_monthly_income numeric, monthly_benefits numeric, accepts_visits boolean, status text, status_date date,
       status_reason text, registered_at timestamptz, registered_by uuid, updated_at timestamptz`,
      elders,
    );
    await insertRows(tx, 'elder_contact', 'elder_id uuid, county_code text, position smallint, kind text, name text, relation text, phone text', contacts);
    await insertRows(tx, 'household_member', 'elder_id uuid, county_code text, position smallint, name text, gender text, id_number text, relation text, health text, assistance text', members);
    await insertRows(tx, 'help_record', 'elder_id uuid, county_code text, position smallint, unit_type text, unit_name text, measures text', help);
    await insertRows(tx, 'elder_refusal', 'elder_id uuid, county_code text, refused_on date, reason text, talked_with text, recorded_at timestamptz, recorded_by uuid', refusals);
    // Each archive's history starts with its registration (by the demo loader, on the day it was registered).
    await tx.execute(
      `insert into audit_event (at, actor_username, action, elder_id, region_code, county_code, detail)
       select registered_at, 'demo-loader', 'ELDER_REGISTER', id, region_code, county_code, '{"source":"demo data"}'::jsonb
         from elder`,
      [],
      'run',
    );
  });
  // Classes A/B/C from the rules, set-based (the same path agency syncs use).
  await reclassifyOutdated(em, today);
  const [visitorUser] = await em.execute<{ id: string }[]>(`select id from app_user where username = 'visitor'`);
  const work = await em.transactional((tx) => seedDemoVisits(tx, today, visitorUser?.id ?? null));
  return { users: DEMO_USERS.length, elders: elders.length, ...work };
}

/** INSERT ... SELECT FROM jsonb_to_recordset: one statement for the whole set, typed by the column list. */
export async function insertRows(em: EntityManager, table: string, columns: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.split(',').map((c) => c.trim().split(/\s+/)[0]);
  await em.execute(
    `insert into ${table} (${names.join(', ')})
     select ${names.join(', ')} from jsonb_to_recordset(?::jsonb) as x(${columns})`,
    [JSON.stringify(rows)],
    'run',
  );
}
