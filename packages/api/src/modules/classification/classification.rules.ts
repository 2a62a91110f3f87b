import { Circumstance } from '../elders/elder.enums.js';
import { ageOn } from '../elders/id-number.js';

/**
 * Kaiping's classes (seed 002, DOMAIN.md section 4), as rules over the archive. The version is stored with every
 * result, so a class can always be traced to the rule text that produced it.
 */
export const RULE_VERSION = 'kaiping-2024.1';

export type ElderClass = 'A' | 'B' | 'C';

export interface ClassReason {
  code: string;
  text: string;
  textEn: string;
}

export interface ClassFacts {
  birthDate: string;
  circumstances: readonly string[];
  disabilityGrade: number | null;
  /** Someone else in the household (the spouse of an empty-nest couple) is incapacitated, demented or disabled. */
  householdDependent: boolean;
  /** The agency record an incapacity level or disability grade came from, named in the reasons (e.g. 卫健失能评估 HX-1). */
  incapacitySource?: string | null;
  disabilitySource?: string | null;
  familyPlanningSource?: string | null;
}

export interface Classification {
  class: ElderClass;
  reasons: ClassReason[];
}

/** The archive's classification now and, for elders under 80, from the 80th birthday on: exact for any date. */
export interface ArchiveClassification extends Classification {
  turns80On: string | null;
  at80: Classification | null;
}

const ALONE_KINDS: Array<[Circumstance, string, string]> = [
  [Circumstance.LIVING_ALONE, '独居', 'living alone'],
  [Circumstance.EMPTY_NEST, '空巢', 'empty nest'],
  [Circumstance.LEFT_BEHIND, '留守', 'left behind'],
];

export function classify(facts: ClassFacts, age: number): Classification {
  const has = (c: Circumstance) => facts.circumstances.includes(c);
  const alone = ALONE_KINDS.filter(([c]) => has(c));
  const aloneZh = alone.map(([, zh]) => zh).join('、');
  const aloneEn = alone.map(([, , en]) => en).join(', ');
  const severelyDisabled = facts.disabilityGrade !== null && facts.disabilityGrade <= 2;

  const a: ClassReason[] = [];
  const basis = (source: string | null | undefined) => (source ? { zh: `（依据：${source}）`, en: ` (per ${source})` } : { zh: '', en: '' });
  const inc = basis(facts.incapacitySource);
  const dis = basis(facts.disabilitySource);
  const fp = basis(facts.familyPlanningSource);
  if (has(Circumstance.INCAPACITATED)) a.push({ code: 'A_INCAPACITATED', text: `失能${inc.zh}`, textEn: `incapacitated${inc.en}` });
  if (age >= 80 && alone.length > 0) {
    a.push({ code: 'A_80_ALONE', text: `80周岁以上且${aloneZh}`, textEn: `aged 80 or over and ${aloneEn}` });
  }
  if (has(Circumstance.MINIMUM_ALLOWANCE) && alone.length > 0) {
    a.push({ code: 'A_ALLOWANCE_ALONE', text: `低保对象且${aloneZh}`, textEn: `on minimum allowance and ${aloneEn}` });
  }
  if (has(Circumstance.FAMILY_PLANNING_SPECIAL) && has(Circumstance.LIVING_ALONE)) {
    a.push({ code: 'A_FAMILY_PLANNING_ALONE', text: `计划生育特殊家庭且独居${fp.zh}`, textEn: `family-planning special family and living alone${fp.en}` });
  }
  if (a.length > 0) return { class: 'A', reasons: a };

  const b: ClassReason[] = [];
  const workingAge = age >= 60 && age <= 79;
  if (workingAge && severelyDisabled && has(Circumstance.LIVING_ALONE)) {
    b.push({ code: 'B_SEVERELY_DISABLED_ALONE', text: `60至79周岁，重度残疾且独居${dis.zh}`, textEn: `aged 60-79, severely disabled and living alone${dis.en}` });
  }
  const selfDependent = has(Circumstance.DEMENTIA) || has(Circumstance.DISABLED);
  if (workingAge && has(Circumstance.EMPTY_NEST) && (selfDependent || facts.householdDependent)) {
    b.push({
      code: 'B_COUPLE_WITH_DEPENDENT',
      text: '60至79周岁，老年夫妇共同生活且一方失能、失智或残疾',
      textEn: 'aged 60-79 in a two-elder household where one is incapacitated, demented or disabled',
    });
  }
  if (has(Circumstance.CARER_OF_DEPENDENT_CHILD)) {
    b.push({ code: 'B_CARER_OF_CHILD', text: '长期照料失能、失智子女', textEn: 'long-term carer of an incapacitated or demented child' });
  }
  if (b.length > 0) return { class: 'B', reasons: b };

  return { class: 'C', reasons: [{ code: 'C_OTHER', text: '其他特殊困难老年人', textEn: 'other elder in special difficulty' }] };
}

export function classifyArchive(facts: ClassFacts, today: string): ArchiveClassification {
  const now = classify(facts, ageOn(facts.birthDate, today));
  const eightieth = `${String(Number(facts.birthDate.slice(0, 4)) + 80).padStart(4, '0')}${facts.birthDate.slice(4)}`;
  // Born on 29 February: the birthday is 1 March in years without one (isRealDate would reject 02-29).
  const turns80On = eightieth.endsWith('-02-29') && !isLeap(Number(eightieth.slice(0, 4))) ? `${eightieth.slice(0, 4)}-03-01` : eightieth;
  if (turns80On <= today) return { ...now, turns80On: null, at80: null };
  return { ...now, turns80On, at80: classify(facts, 80) };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
