import { CIRCUMSTANCE_LABELS, type Circumstance } from '../elders/elder.enums.js';
import { VISITOR_KIND_LABELS, type VisitorKind } from '../teams/teams.types.js';

/**
 * The official words of every coded value a ledger prints or exports: inspectors read 台账 on paper and in Excel, where
 * a raw code (`HOME`, `FAIRLY_SAFE`) means nothing. The same words as the GraphQL enums' descriptions.
 */
export const METHOD_WORDS: Record<string, string> = { HOME: '上门入户', PHONE: '电话问候', VIDEO: '互联网音（视）频', REMOTE: '远程监测', OTHER: '其他' };
export const TREND_WORDS: Record<string, string> = { UNCHANGED: '无变化', BETTER: '较好', WORSE: '较差' };
export const SAFETY_WORDS: Record<string, string> = { SAFE: '安全', FAIRLY_SAFE: '较安全', UNSAFE: '不安全' };
export const DISEASE_WORDS: Record<string, string> = { UNCHANGED: '无变化', SERIOUS: '严重', BETTER: '转好' };
export const HOUSEHOLD_WORDS: Record<string, string> = { UNCHANGED: '无变化', INCREASED: '增加', DECREASED: '减少' };
export const SATISFACTION_WORDS: Record<string, string> = { VERY_SATISFIED: '非常满意', SATISFIED: '满意', NEUTRAL: '一般', DISSATISFIED: '不满意' };
export const TEAM_KIND_WORDS: Record<string, string> = { SURVEY: '摸底排查专班', DAILY_CONTACT: '日常联络队伍', VISITING: '探访关爱队伍' };
export const GENDER_WORDS: Record<string, string> = { MALE: '男', FEMALE: '女' };

export function visitorKindWord(kind: string): string {
  return VISITOR_KIND_LABELS[kind as VisitorKind] ?? kind;
}

export function circumstanceWord(c: string): string {
  // The labels carry explanations in brackets (how a derived one is judged): the short word is what a ledger shows.
  return (CIRCUMSTANCE_LABELS[c as Circumstance] ?? c).replace(/（.*）$/, '');
}

/** The findings columns of a visit row, as the ledgers' queries read them. */
export interface VisitFindings {
  household_change: string | null;
  household_change_count: number | null;
  expression: string | null;
  mobility: string | null;
  disease: string | null;
  disease_name: string | null;
  mood: string | null;
  gas_safety: string | null;
  water_heating_safety: string | null;
  electricity_safety: string | null;
  personal_hygiene: string | null;
  home_hygiene: string | null;
  indoor_environment: string | null;
}

/**
 * A visit's findings in words, in the order of the 记录表 (family, health, mood, safety, hygiene, environment), only
 * the ones recorded: "家庭人口增加1人；行动能力较差；燃气不安全".
 */
export function findingsInWords(v: VisitFindings): string {
  const parts: string[] = [];
  if (v.household_change) {
    const n = v.household_change !== 'UNCHANGED' && v.household_change_count ? `${v.household_change_count}人` : '';
    parts.push(`家庭人口${HOUSEHOLD_WORDS[v.household_change] ?? v.household_change}${n}`);
  }
  const trend = (label: string, value: string | null) => value && parts.push(`${label}${TREND_WORDS[value] ?? value}`);
  const safety = (label: string, value: string | null) => value && parts.push(`${label}${SAFETY_WORDS[value] ?? value}`);
  trend('表达能力', v.expression);
  trend('行动能力', v.mobility);
  if (v.disease) parts.push(`疾病状况${DISEASE_WORDS[v.disease] ?? v.disease}${v.disease === 'SERIOUS' && v.disease_name ? `（${v.disease_name}）` : ''}`);
  trend('情绪状态', v.mood);
  safety('燃气', v.gas_safety);
  safety('水暖', v.water_heating_safety);
  safety('用电', v.electricity_safety);
  trend('个人卫生', v.personal_hygiene);
  trend('家庭卫生', v.home_hygiene);
  trend('室内环境', v.indoor_environment);
  return parts.join('；');
}

/** A moment as China time (UTC+8), "2026-11-15 10:00": the calendar and clock of every form. */
export function chinaDateTime(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
