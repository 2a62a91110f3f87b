/**
 * The archive's vocabularies (DOMAIN.md section 3, the 基本信息登记表). Each value carries its official label;
 * the GraphQL enums and their descriptions are registered from these tables in elder.types.ts.
 */
export enum Gender {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}

export enum Circumstance {
  LIVING_ALONE = 'LIVING_ALONE',
  EMPTY_NEST = 'EMPTY_NEST',
  LEFT_BEHIND = 'LEFT_BEHIND',
  PURE_ELDERLY_HOUSEHOLD = 'PURE_ELDERLY_HOUSEHOLD',
  INCAPACITATED = 'INCAPACITATED',
  DEMENTIA = 'DEMENTIA',
  DISABLED = 'DISABLED',
  SEVERELY_DISABLED = 'SEVERELY_DISABLED',
  FAMILY_PLANNING_SPECIAL = 'FAMILY_PLANNING_SPECIAL',
  MINIMUM_ALLOWANCE = 'MINIMUM_ALLOWANCE',
  EXTREME_POVERTY = 'EXTREME_POVERTY',
  AGED_80_PLUS = 'AGED_80_PLUS',
  CARER_OF_DEPENDENT_CHILD = 'CARER_OF_DEPENDENT_CHILD',
  TEMPORARY_DIFFICULTY = 'TEMPORARY_DIFFICULTY',
}

export const CIRCUMSTANCE_LABELS: Record<Circumstance, string> = {
  LIVING_ALONE: '独居',
  EMPTY_NEST: '空巢（仅老年夫妇居住）',
  LEFT_BEHIND: '留守（子女长期在外）',
  PURE_ELDERLY_HOUSEHOLD: '纯老家庭',
  INCAPACITATED: '失能',
  DEMENTIA: '失智',
  DISABLED: '残疾',
  SEVERELY_DISABLED: '重残（一、二级残疾，由残疾等级自动判断）',
  FAMILY_PLANNING_SPECIAL: '计划生育特殊家庭',
  MINIMUM_ALLOWANCE: '低保',
  EXTREME_POVERTY: '特困供养',
  AGED_80_PLUS: '高龄（80周岁以上，由出生日期自动判断）',
  CARER_OF_DEPENDENT_CHILD: '长期照料失能、失智子女',
  TEMPORARY_DIFFICULTY: '阶段性临时困难',
};

/** Facts the system derives (from the birth date, the disability grade): they are shown and filterable, never set. */
export const DERIVED_CIRCUMSTANCES: ReadonlySet<Circumstance> = new Set([
  Circumstance.AGED_80_PLUS,
  Circumstance.SEVERELY_DISABLED,
]);

export enum IncapacityLevel {
  PARTIAL = 'PARTIAL',
  FULL = 'FULL',
}

/** National disability categories, codes 1-7 (the 19th digit of a 残疾人证号). */
export enum DisabilityCategory {
  VISUAL = 'VISUAL',
  HEARING = 'HEARING',
  SPEECH = 'SPEECH',
  PHYSICAL = 'PHYSICAL',
  INTELLECTUAL = 'INTELLECTUAL',
  MENTAL = 'MENTAL',
  MULTIPLE = 'MULTIPLE',
}

export const DISABILITY_CATEGORY_CODES: Record<DisabilityCategory, number> = {
  VISUAL: 1,
  HEARING: 2,
  SPEECH: 3,
  PHYSICAL: 4,
  INTELLECTUAL: 5,
  MENTAL: 6,
  MULTIPLE: 7,
};

export enum FamilyPlanningKind {
  ONLY_CHILD_DISABLED = 'ONLY_CHILD_DISABLED',
  ONLY_CHILD_DECEASED = 'ONLY_CHILD_DECEASED',
}

export enum ExtremePovertyKind {
  DISPERSED = 'DISPERSED',
  INSTITUTIONAL = 'INSTITUTIONAL',
}

export enum ElderStatus {
  ACTIVE = 'ACTIVE',
  IN_INSTITUTION = 'IN_INSTITUTION',
  MOVED_AWAY = 'MOVED_AWAY',
  DECEASED = 'DECEASED',
}

/** Emergency contacts are kept in this order of precedence (Kaiping's plan: children, then relatives, then the village). */
export enum ContactKind {
  CHILD = 'CHILD',
  RELATIVE = 'RELATIVE',
  VILLAGE_WORKER = 'VILLAGE_WORKER',
}

export const CONTACT_PRECEDENCE: Record<ContactKind, number> = { CHILD: 1, RELATIVE: 2, VILLAGE_WORKER: 3 };

export enum Assistance {
  NONE = 'NONE',
  MINIMUM_ALLOWANCE = 'MINIMUM_ALLOWANCE',
  EXTREME_POVERTY = 'EXTREME_POVERTY',
}

export enum HelpUnitType {
  PARTY_GOVERNMENT = 'PARTY_GOVERNMENT',
  STREET_VILLAGE_COMMITTEE = 'STREET_VILLAGE_COMMITTEE',
  ENTERPRISE = 'ENTERPRISE',
  SOCIAL_ORGANIZATION = 'SOCIAL_ORGANIZATION',
  PROFESSIONAL_SOCIAL_WORKER = 'PROFESSIONAL_SOCIAL_WORKER',
  OTHER = 'OTHER',
}
