import type { EntityManager } from '@mikro-orm/postgresql';

export type WindowKind = 'DAY' | 'WEEK' | 'HALF_MONTH' | 'MONTH' | 'QUARTER' | 'HALF_YEAR' | 'YEAR' | 'DAYS';
export type Activity = 'VISIT' | 'CLEANING' | 'LAUNDRY' | 'HAIRCUT';

export interface RequirementSpec {
  class?: 'A' | 'B' | 'C' | null;
  circumstance?: string | null;
  /** With circumstance EXTREME_POVERTY: only this kind of 特困 (Huining's 三个一 is for dispersed ones). */
  extremePovertyKind?: 'DISPERSED' | 'INSTITUTIONAL' | null;
  activity?: Activity;
  minCount: number;
  window: WindowKind;
  windowDays?: number | null;
  homeOnly?: boolean;
}

export interface StandardSpec {
  code: string;
  name: string;
  description: string;
  source: string;
  regionCode: string | null;
  template: boolean;
  baseline: boolean;
  effectiveFrom: string;
  requirements: RequirementSpec[];
}

/**
 * The policy documents in ../shared/seeds, as data. Kaiping's standard is the baseline of 开平市; the others are
 * templates a region can adopt (adopting adds requirements: a region can raise its standard, never lower it).
 */
export const REFERENCE_STANDARDS: StandardSpec[] = [
  {
    code: 'KAIPING-2024',
    name: '开平市特殊困难老年人探访关爱服务标准',
    description: 'A类每月至少上门入户1次；B类每月至少线上或线下探访1次，每半年至少上门入户1次；C类每月至少线上或线下探访1次，每年至少上门入户1次。',
    source: '开平市开展特殊困难老年人探访关爱服务实施方案（2024年4月）',
    regionCode: '440783',
    template: false,
    baseline: true,
    effectiveFrom: '2024-04-15',
    requirements: [
      { class: 'A', minCount: 1, window: 'MONTH', homeOnly: true },
      { class: 'B', minCount: 1, window: 'MONTH' },
      { class: 'B', minCount: 1, window: 'HALF_YEAR', homeOnly: true },
      { class: 'C', minCount: 1, window: 'MONTH' },
      { class: 'C', minCount: 1, window: 'YEAR', homeOnly: true },
    ],
  },
  {
    code: 'SHANGHAI-JIANGPU-2024',
    name: '每周不少于两次主动关爱（上海市杨浦区江浦路街道）',
    description: '对困难老人库对象实现每周不少于两次的主动关爱。',
    source: '上海市杨浦区江浦路街道特殊困难老年人关爱服务方案',
    regionCode: null,
    template: true,
    baseline: false,
    effectiveFrom: '2024-01-01',
    requirements: [{ minCount: 2, window: 'WEEK' }],
  },
  {
    code: 'HUINING-INCAPACITATED-2022',
    name: '失能老年人每月探访（会宁县）',
    description: '对失能的特殊困难老年人，每月探访关爱不少于一次。',
    source: '会宁县人民政府办公室 会政办发〔2022〕130号',
    regionCode: null,
    template: true,
    baseline: false,
    effectiveFrom: '2022-11-01',
    requirements: [{ circumstance: 'INCAPACITATED', minCount: 1, window: 'MONTH' }],
  },
  {
    code: 'HUINING-CARE-2022',
    name: '分散特困供养对象“三个一”居家照料（会宁县）',
    description: '每周打扫一次卫生、每半月洗一次衣服、每月理一次头发。',
    source: '会宁县人民政府办公室 会政办发〔2022〕130号',
    regionCode: null,
    template: true,
    baseline: false,
    effectiveFrom: '2022-11-01',
    requirements: [
      // 分散供养 only: an institution (集中供养) cleans, washes and cuts hair for its residents itself.
      { circumstance: 'EXTREME_POVERTY', extremePovertyKind: 'DISPERSED', activity: 'CLEANING', minCount: 1, window: 'WEEK' },
      { circumstance: 'EXTREME_POVERTY', extremePovertyKind: 'DISPERSED', activity: 'LAUNDRY', minCount: 1, window: 'HALF_MONTH' },
      { circumstance: 'EXTREME_POVERTY', extremePovertyKind: 'DISPERSED', activity: 'HAIRCUT', minCount: 1, window: 'MONTH' },
    ],
  },
  {
    code: 'EPIDEMIC-DAILY',
    name: '疫情期间居家隔离孤寡老人每天走访（疫情加强关爱方案）',
    description: '对因疫情影响在家隔离的孤寡老人尤其是特困老年人，每天至少开展1次走访探视。',
    source: '疫情加强特殊困难老年人关爱服务方案',
    regionCode: null,
    template: true,
    baseline: false,
    effectiveFrom: '2020-02-23',
    requirements: [{ circumstance: 'LIVING_ALONE', minCount: 1, window: 'DAY' }],
  },
];

/** Inserts the reference standards that are missing (by code): safe on every start. */
export async function loadStandards(em: EntityManager, at: Date): Promise<number> {
  const standards = REFERENCE_STANDARDS.map((s) => ({
    code: s.code, name: s.name, description: s.description, source: s.source, region_code: s.regionCode,
    template: s.template, baseline: s.baseline, effective_from: s.effectiveFrom,
  }));
  const inserted = await em.execute<{ id: string; code: string }[]>(
    `insert into visit_standard (code, name, description, source, region_code, template, baseline, effective_from, created_at)
     select s.code, s.name, s.description, s.source, s.region_code, s.template, s.baseline, s.effective_from, ?
       from jsonb_to_recordset(?::jsonb) as s(code text, name text, description text, source text, region_code text,
            template boolean, baseline boolean, effective_from date)
      where s.region_code is null or exists (select 1 from region r where r.code = s.region_code)
     on conflict (code) do nothing
     returning id, code`,
    [at, JSON.stringify(standards)],
  );
  if (inserted.length === 0) return 0;
  const idOf = new Map(inserted.map((r) => [r.code, r.id]));
  const requirements = REFERENCE_STANDARDS.filter((s) => idOf.has(s.code)).flatMap((s) =>
    s.requirements.map((r, position) => requirementRow(idOf.get(s.code)!, position, r)),
  );
  await insertRequirements(em, requirements);
  return inserted.length;
}

export function requirementRow(standardId: string, position: number, r: RequirementSpec) {
  return {
    standard_id: standardId,
    position,
    class: r.class ?? null,
    circumstance: r.circumstance ?? null,
    extreme_poverty_kind: r.extremePovertyKind ?? null,
    activity: r.activity ?? 'VISIT',
    min_count: r.minCount,
    window_kind: r.window,
    window_days: r.window === 'DAYS' ? (r.windowDays ?? null) : null,
    home_only: r.homeOnly ?? false,
  };
}

export async function insertRequirements(em: EntityManager, rows: ReturnType<typeof requirementRow>[]): Promise<void> {
  if (rows.length === 0) return;
  await em.execute(
    `insert into visit_requirement (standard_id, position, class, circumstance, extreme_poverty_kind, activity, min_count, window_kind, window_days, home_only)
     select * from jsonb_to_recordset(?::jsonb) as r(standard_id uuid, position smallint, class char(1), circumstance text,
            extreme_poverty_kind text, activity text, min_count smallint, window_kind text, window_days smallint, home_only boolean)`,
    [JSON.stringify(rows)],
    'run',
  );
}
