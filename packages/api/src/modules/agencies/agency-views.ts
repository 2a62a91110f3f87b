import type { RoleName } from '@tanfang/schema';

/**
 * The need-to-know matrix (DOMAIN.md section 6): for each partner agency, which elders of its region subtree it
 * sees and which fields of them. Defined here and nowhere else: `agencyElders` selects only these fields (the SQL
 * never reads the others), `changes` filters the feed with the same predicates, and the README quotes this table.
 *
 * Identity numbers are always masked; a phone number is full where reaching the elder is the agency's duty.
 * A field outside an agency's list is null in its answers, never filled.
 */
export type PartnerKind = 'POLICE' | 'HEALTH' | 'DISABILITY' | 'HOUSING';

export const PARTNER_KINDS: readonly PartnerKind[] = ['POLICE', 'HEALTH', 'DISABILITY', 'HOUSING'];

/** Fields of the `AgencyElder` GraphQL type (besides `id` and `view`, which every agency gets). */
export type AgencyField =
  /** 姓名 */
  | 'name'
  | 'gender'
  | 'birthDate'
  /** Masked: 440783********1234. */
  | 'idNumber'
  /** The village or community (code and names): never the street address. */
  | 'village'
  /** 门牌: the address below the village. */
  | 'addressDetail'
  /** The elder's own phone, in full. */
  | 'phone'
  /** Emergency contacts: kind, name, relation and full phone. */
  | 'emergencyContacts'
  /** Archive status (in the registry, in an institution, moved away, deceased). */
  | 'status'
  /** Circumstances, limited to the health-related ones (HEALTH_CIRCUMSTANCES). */
  | 'circumstances'
  | 'incapacityLevel'
  /** The latest visit's health findings: visitedOn, expression, mobility, disease, diseaseName, mood. */
  | 'latestHealth'
  /** Disability certificate (number masked like an ID number), category, grade. */
  | 'disability'
  /** Date of the latest visit (any method). */
  | 'lastVisitOn'
  /** The visit class (A/B/C) in force today. */
  | 'class'
  /** housingSafe of the archive, and the latest visit's housingUnsafe and indoorEnvironment. */
  | 'housing';

/** Circumstances a health agency may see: the health-related ones (the last two are derived). */
export const HEALTH_CIRCUMSTANCES = ['INCAPACITATED', 'DEMENTIA', 'DISABLED', 'SEVERELY_DISABLED', 'AGED_80_PLUS'] as const;

/** Change-feed entities an agency may mirror (besides its own AGENCY_RECORD entries; never VISIT). */
export type ViewEntity = 'ELDER' | 'CLASS' | 'ALERT';

export interface AgencyView {
  /** What the agency's duty is, in words (zh / en). */
  duty: { zh: string; en: string };
  /** Which elders it sees, in words. */
  sees: string;
  /**
   * Which elders it sees, as a SQL predicate on `elder e` (no parameters). The region subtree of the agency is
   * applied on top of it, always.
   */
  elders: string;
  /** Which fields it sees. */
  fields: readonly AgencyField[];
  /** Change-feed entries it receives for elders it sees (ALERT: only alerts referred to its kind). */
  changes: readonly ViewEntity[];
}

export const AGENCY_VIEWS: Readonly<Record<PartnerKind, AgencyView>> = {
  POLICE: {
    duty: { zh: '公安：掌握辖区老年人住址和联系方式，处置走失、受骗、受侵害等警情', en: 'Police: reach elders of its area (address, phones), handle missing persons, fraud and abuse' },
    sees: 'every elder in its region subtree',
    elders: 'true',
    fields: ['name', 'gender', 'birthDate', 'idNumber', 'village', 'addressDetail', 'phone', 'emergencyContacts', 'status'],
    changes: ['ELDER', 'ALERT'],
  },
  HEALTH: {
    duty: { zh: '卫健：失能评估、家庭医生签约、健康随访', en: 'Health: incapacity assessments, family doctors, health follow-up' },
    sees: 'every elder in its region subtree',
    elders: 'true',
    fields: ['name', 'gender', 'birthDate', 'idNumber', 'village', 'phone', 'circumstances', 'incapacityLevel', 'latestHealth'],
    changes: ['ELDER', 'CLASS', 'ALERT'],
  },
  DISABILITY: {
    duty: { zh: '残联：残疾人证管理，关注残疾老年人的探访情况', en: 'Disability federation: certificates, and whether disabled elders are visited' },
    sees: 'elders with a disability certificate or the DISABLED circumstance',
    elders: `(e.disability_certificate_number is not null or e.circumstances @> array['DISABLED']::text[])`,
    fields: ['name', 'gender', 'birthDate', 'idNumber', 'village', 'disability', 'lastVisitOn', 'class'],
    changes: ['ELDER', 'CLASS', 'ALERT'],
  },
  HOUSING: {
    duty: { zh: '住建：危房鉴定与改造、适老化改造', en: 'Housing: dangerous-housing appraisal and renovation, age-friendly modification' },
    sees:
      "elders whose housing was flagged: housingSafe = false on the archive, a visit that found the housing unsafe, or an alert whose rule starts with HOUSING or that was referred to HOUSING",
    elders: `(e.housing_safe = false
      or exists (select 1 from visit hv where hv.elder_id = e.id and hv.housing_unsafe)
      or exists (select 1 from alert ha where ha.elder_id = e.id and (ha.rule_code like 'HOUSING%' or ha.referred_to = 'HOUSING')))`,
    fields: ['name', 'village', 'addressDetail', 'phone', 'housing'],
    changes: ['ELDER', 'ALERT'],
  },
};

export const PARTNER_OF_ROLE: Partial<Record<RoleName, PartnerKind>> = {
  POLICE: 'POLICE',
  HEALTH: 'HEALTH',
  DISABILITY: 'DISABILITY',
  HOUSING: 'HOUSING',
};

export function viewHas(kind: PartnerKind, field: AgencyField): boolean {
  return AGENCY_VIEWS[kind].fields.includes(field);
}

/** The matrix as a Markdown table (for the README and the schema's descriptions). */
export function agencyViewsTable(): string {
  const fields: AgencyField[] = [
    'name', 'gender', 'birthDate', 'idNumber', 'village', 'addressDetail', 'phone', 'emergencyContacts', 'status',
    'circumstances', 'incapacityLevel', 'latestHealth', 'disability', 'lastVisitOn', 'class', 'housing',
  ];
  const head = `| field | ${PARTNER_KINDS.join(' | ')} |\n| --- | ${PARTNER_KINDS.map(() => '---').join(' | ')} |`;
  const seen = `| elders | ${PARTNER_KINDS.map((k) => AGENCY_VIEWS[k].sees).join(' | ')} |`;
  const rows = fields.map((f) => `| ${f} | ${PARTNER_KINDS.map((k) => (viewHas(k, f) ? 'yes' : '')).join(' | ')} |`);
  return [head, seen, ...rows].join('\n');
}

/**
 * The partner kinds whose duty view holds the elder `e` (a `text[]` SQL expression over `elder e`; the region subtree
 * is applied apart, by the reader). The change feed records it on each entry when the entry is stamped, so that a
 * partner can be told when an elder leaves its view.
 */
export function viewKindsSql(): string {
  return `array_remove(array[${PARTNER_KINDS.map((k) => `case when ${AGENCY_VIEWS[k].elders} then '${k}' end`).join(', ')}]::text[], null)`;
}
