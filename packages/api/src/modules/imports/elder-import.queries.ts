import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../shared/sql.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import type { CleanContact, CleanHelp, CleanMember } from '../elders/elder.validation.js';
import { executeBound } from '../../shared/bound-sql.js';

/**
 * The elder import's SQL, set-based: a batch of 5,000 records is a handful of statements, whatever its size. Every
 * statement takes its rows as one JSON parameter (jsonb_to_recordset), like the agency sync.
 */

export interface RegionRow {
  code: string;
  level: number;
  full_name: string;
}

/** The regions the batch names, in one read. */
export async function regionsByCode(em: EntityManager, codes: string[]): Promise<Map<string, RegionRow>> {
  if (codes.length === 0) return new Map();
  const rows = await em.execute<RegionRow[]>(`select code, level, full_name from region where code = any(?::text[])`, [pgArray(codes)]);
  return new Map(rows.map((r) => [r.code, r]));
}

/** The archive as the import compares it: the same field names as the registry's snapshot (ElderService). */
export interface ArchiveValues {
  name: string;
  regionCode: string;
  phone: string | null;
  addressDetail: string | null;
  livesAtRegisteredResidence: boolean | null;
  circumstances: string[];
  incapacityLevel: string | null;
  disabilityCertificateNumber: string | null;
  disabilityCategory: string | null;
  disabilityGrade: number | null;
  familyPlanningKind: string | null;
  extremePovertyKind: string | null;
  temporaryDifficulty: string | null;
  temporaryDifficultyUntil: string | null;
  waterSafe: boolean | null;
  electricitySafe: boolean | null;
  housingSafe: boolean | null;
  householdMonthlyIncome: number | null;
  monthlyBenefits: number | null;
  benefitsNote: string | null;
  emergencyContacts: CleanContact[];
  householdMembers: CleanMember[];
  helpReceived: CleanHelp[];
}

export interface ExistingArchive {
  id: string;
  idNumber: string;
  regionCode: string;
  version: number;
  inJurisdiction: boolean;
  incapacitySource: string | null;
  disabilitySource: string | null;
  familyPlanningSource: string | null;
  /** 意愿 and status, for a refusal the record gives (recordRefusal's rules: an active archive that accepts visits). */
  acceptsVisits: boolean;
  status: string;
  /** Only inside the caller's jurisdiction: nothing of an archive elsewhere is read. */
  values: ArchiveValues | null;
}

interface ExistingRow {
  id: string;
  id_number: string;
  region_code: string;
  version: number;
  in_jurisdiction: boolean;
  incapacity_source: string | null;
  disability_source: string | null;
  family_planning_source: string | null;
  accepts_visits: boolean;
  status: string;
  values: (Omit<ArchiveValues, 'householdMonthlyIncome' | 'monthlyBenefits'> & { householdMonthlyIncome: string | number | null; monthlyBenefits: string | number | null }) | null;
}

/**
 * Archives with these ID numbers anywhere (one archive per person in the whole system, so the lookup is deliberately
 * outside the jurisdiction filter), with their values and lists only when inside the caller's subtree. One statement.
 */
export async function existingByIdNumber(em: EntityManager, idNumbers: string[], jurisdiction: string): Promise<Map<string, ExistingArchive>> {
  if (idNumbers.length === 0) return new Map();
  const rows = await em.execute<ExistingRow[]>(
    `select e.id, e.id_number, e.region_code, e.version, j.inside as in_jurisdiction,
            e.incapacity_source, e.disability_source, e.family_planning_source, e.accepts_visits, e.status,
            case when j.inside then jsonb_build_object(
              'name', e.name, 'regionCode', e.region_code, 'phone', e.phone, 'addressDetail', e.address_detail,
              'livesAtRegisteredResidence', e.lives_at_registered_residence, 'circumstances', to_jsonb(e.circumstances),
              'incapacityLevel', e.incapacity_level, 'disabilityCertificateNumber', e.disability_certificate_number,
              'disabilityCategory', e.disability_category, 'disabilityGrade', e.disability_grade,
              'familyPlanningKind', e.family_planning_kind, 'extremePovertyKind', e.extreme_poverty_kind,
              'temporaryDifficulty', e.temporary_difficulty, 'temporaryDifficultyUntil', to_char(e.temporary_difficulty_until, 'YYYY-MM-DD'), 'waterSafe', e.water_safe, 'electricitySafe', e.electricity_safe,
              'housingSafe', e.housing_safe, 'householdMonthlyIncome', e.household_monthly_income, 'monthlyBenefits', e.monthly_benefits,
              'benefitsNote', e.benefits_note,
              'emergencyContacts', coalesce((select jsonb_agg(jsonb_build_object('kind', c.kind, 'name', c.name, 'relation', c.relation, 'phone', c.phone) order by c.position)
                                               from elder_contact c where c.elder_id = e.id), '[]'::jsonb),
              'householdMembers', coalesce((select jsonb_agg(jsonb_build_object('name', m.name, 'gender', m.gender, 'idNumber', m.id_number, 'relation', m.relation,
                                                                                'health', m.health, 'assistance', m.assistance) order by m.position)
                                              from household_member m where m.elder_id = e.id), '[]'::jsonb),
              'helpReceived', coalesce((select jsonb_agg(jsonb_build_object('unitType', h.unit_type, 'unitName', h.unit_name, 'measures', h.measures) order by h.position)
                                          from help_record h where h.elder_id = e.id), '[]'::jsonb)
            ) end as values
       from elder e cross join lateral (select ${inSubtree('e.region_code')} as inside) j
      where e.id_number = any(?::text[])`,
    [jurisdiction, pgArray(idNumbers)],
  );
  return new Map(
    rows.map((r) => {
      const v = typeof r.values === 'string' ? (JSON.parse(r.values) as ExistingRow['values']) : r.values;
      const values: ArchiveValues | null = v
        ? {
            ...v,
            // numeric comes back as text in JSON only when it is built from a string; normalise both ways.
            householdMonthlyIncome: v.householdMonthlyIncome === null ? null : Number(v.householdMonthlyIncome),
            monthlyBenefits: v.monthlyBenefits === null ? null : Number(v.monthlyBenefits),
          }
        : null;
      return [
        r.id_number,
        {
          id: r.id,
          idNumber: r.id_number,
          regionCode: r.region_code,
          version: r.version,
          inJurisdiction: r.in_jurisdiction,
          incapacitySource: r.incapacity_source,
          disabilitySource: r.disability_source,
          familyPlanningSource: r.family_planning_source,
          acceptsVisits: r.accepts_visits,
          status: r.status,
          values,
        },
      ];
    }),
  );
}

/** A new archive's row, as inserted (snake_case keys: the recordset's columns). */
export interface NewElderRow {
  id: string;
  county_code: string;
  region_code: string;
  name: string;
  gender: string;
  birth_date: string;
  id_number: string;
  phone: string | null;
  address_detail: string | null;
  lives_at_registered_residence: boolean | null;
  circumstances: string[];
  incapacity_level: string | null;
  disability_certificate_number: string | null;
  disability_category: string | null;
  disability_grade: number | null;
  family_planning_kind: string | null;
  extreme_poverty_kind: string | null;
  temporary_difficulty: string | null;
  temporary_difficulty_until: string | null;
  water_safe: boolean | null;
  electricity_safe: boolean | null;
  housing_safe: boolean | null;
  household_monthly_income: number | null;
  monthly_benefits: number | null;
  benefits_note: string | null;
  /** false: the record gave a refusal (its row is inserted with the archive, insertRefusals). */
  accepts_visits: boolean;
  /** null: now (the import's time), like registerElder; else China midnight of the day. */
  registered_on: string | null;
}

/**
 * Inserts new archives. A person who got an archive meanwhile (a concurrent import or registration committed the
 * same ID number) is skipped by the unique index, not an error: the caller reports that record as EXISTS. Returns
 * the ids actually inserted.
 */
export async function insertElders(em: EntityManager, rows: NewElderRow[], actorId: string, now: Date): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = await executeBound<{ id: string }>(
    em,
    `insert into elder (id, county_code, region_code, name, gender, birth_date, id_number, phone, address_detail,
                        lives_at_registered_residence, circumstances, incapacity_level, disability_certificate_number,
                        disability_category, disability_grade, family_planning_kind, extreme_poverty_kind, temporary_difficulty, temporary_difficulty_until,
                        water_safe, electricity_safe, housing_safe, household_monthly_income, monthly_benefits, benefits_note,
                        accepts_visits, registered_at, registered_by, updated_at)
     select r.id, r.county_code, r.region_code, r.name, r.gender, r.birth_date, r.id_number, r.phone, r.address_detail,
            r.lives_at_registered_residence, array(select jsonb_array_elements_text(r.circumstances)), r.incapacity_level,
            r.disability_certificate_number, r.disability_category, r.disability_grade, r.family_planning_kind,
            r.extreme_poverty_kind, r.temporary_difficulty, r.temporary_difficulty_until, r.water_safe, r.electricity_safe, r.housing_safe,
            r.household_monthly_income, r.monthly_benefits, r.benefits_note, r.accepts_visits,
            coalesce(r.registered_on::timestamp at time zone 'Asia/Shanghai', ?::timestamptz), ?::uuid, ?::timestamptz
       from jsonb_to_recordset(?::jsonb) as r(id uuid, county_code text, region_code text, name text, gender text, birth_date date,
              id_number text, phone text, address_detail text, lives_at_registered_residence boolean, circumstances jsonb,
              incapacity_level text, disability_certificate_number text, disability_category text, disability_grade smallint,
              family_planning_kind text, extreme_poverty_kind text, temporary_difficulty text, temporary_difficulty_until date, water_safe boolean,
              electricity_safe boolean, housing_safe boolean, household_monthly_income numeric, monthly_benefits numeric,
              benefits_note text, accepts_visits boolean, registered_on date)
     on conflict (id_number) do nothing
     returning id`,
    [now, actorId, now, JSON.stringify(rows)],
  );
  return new Set(inserted.map((r) => r.id));
}

export interface ElderLists {
  elderId: string;
  countyCode: string;
  emergencyContacts: CleanContact[];
  householdMembers: CleanMember[];
  helpReceived: CleanHelp[];
}

/** Contacts, household members and help records of new archives: one statement per table, positions as given. */
export async function insertLists(em: EntityManager, lists: ElderLists[]): Promise<void> {
  const rowsOf = <T>(pick: (l: ElderLists) => T[]) =>
    lists.flatMap((l) => pick(l).map((item, position) => ({ elder_id: l.elderId, county_code: l.countyCode, position, ...item })));
  const contacts = rowsOf((l) => l.emergencyContacts);
  const members = rowsOf((l) => l.householdMembers);
  const help = rowsOf((l) => l.helpReceived);
  if (contacts.length > 0) {
    await executeBound(
      em,
      `insert into elder_contact (elder_id, county_code, position, kind, name, relation, phone)
       select r.elder_id, r.county_code, r.position, r.kind, r.name, r.relation, r.phone
         from jsonb_to_recordset(?::jsonb) as r(elder_id uuid, county_code text, position smallint, kind text, name text, relation text, phone text)`,
      [JSON.stringify(contacts)],
    );
  }
  if (members.length > 0) {
    await executeBound(
      em,
      `insert into household_member (elder_id, county_code, position, name, gender, id_number, relation, health, assistance)
       select r.elder_id, r.county_code, r.position, r.name, r.gender, r."idNumber", r.relation, r.health, r.assistance
         from jsonb_to_recordset(?::jsonb) as r(elder_id uuid, county_code text, position smallint, name text, gender text, "idNumber" text,
              relation text, health text, assistance text)`,
      [JSON.stringify(members)],
    );
  }
  if (help.length > 0) {
    await executeBound(
      em,
      `insert into help_record (elder_id, county_code, position, unit_type, unit_name, measures)
       select r.elder_id, r.county_code, r.position, r."unitType", r."unitName", r.measures
         from jsonb_to_recordset(?::jsonb) as r(elder_id uuid, county_code text, position smallint, "unitType" text, "unitName" text, measures text)`,
      [JSON.stringify(help)],
    );
  }
}

export interface NewRefusalRow {
  elder_id: string;
  county_code: string;
  refused_on: string;
  reason: string;
  talked_with: string;
}

/**
 * The written refusals of new archives (one each at most), in one statement: the rows recordRefusal creates, recorded
 * by the caller at the import's time. The statement trigger marks their compliance dirty like any refusal's.
 */
export async function insertRefusals(em: EntityManager, rows: NewRefusalRow[], actorId: string, now: Date): Promise<void> {
  if (rows.length === 0) return;
  await executeBound(
    em,
    `insert into elder_refusal (elder_id, county_code, refused_on, reason, talked_with, recorded_by, recorded_at)
     select r.elder_id, r.county_code, r.refused_on, r.reason, r.talked_with, ?::uuid, ?::timestamptz
       from jsonb_to_recordset(?::jsonb) as r(elder_id uuid, county_code text, refused_on date, reason text, talked_with text)`,
    [actorId, now, JSON.stringify(rows)],
  );
}
