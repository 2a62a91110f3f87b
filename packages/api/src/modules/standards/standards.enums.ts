import { registerEnumType } from 'type-graphql';
import { labelled } from '../../graphql/enums.js';

export enum ElderClassEnum {
  A = 'A',
  B = 'B',
  C = 'C',
}

export enum WindowKindEnum {
  DAY = 'DAY',
  WEEK = 'WEEK',
  HALF_MONTH = 'HALF_MONTH',
  MONTH = 'MONTH',
  QUARTER = 'QUARTER',
  HALF_YEAR = 'HALF_YEAR',
  YEAR = 'YEAR',
  DAYS = 'DAYS',
  PERIOD = 'PERIOD',
}

export const WINDOW_LABELS: Record<WindowKindEnum, string> = {
  DAY: '每天',
  WEEK: '每周（周一至周日）',
  HALF_MONTH: '每半月（1-15日、16日至月末）',
  MONTH: '每月',
  QUARTER: '每季度',
  HALF_YEAR: '每半年（1-6月、7-12月）',
  YEAR: '每年',
  DAYS: '每N天（自2024-01-01起连续计数）',
  PERIOD: '活动期间（仅用于叠加探访）',
};

export enum ActivityEnum {
  VISIT = 'VISIT',
  CLEANING = 'CLEANING',
  LAUNDRY = 'LAUNDRY',
  HAIRCUT = 'HAIRCUT',
}

export const ACTIVITY_LABELS: Record<ActivityEnum, string> = {
  VISIT: '探访',
  CLEANING: '打扫卫生',
  LAUNDRY: '洗衣服',
  HAIRCUT: '理发',
};

export enum CampaignReasonEnum {
  EXTREME_WEATHER = 'EXTREME_WEATHER',
  FESTIVAL = 'FESTIVAL',
  DISASTER = 'DISASTER',
  EPIDEMIC = 'EPIDEMIC',
  OTHER = 'OTHER',
}

export enum RequirementSourceEnum {
  STANDARD = 'STANDARD',
  CAMPAIGN = 'CAMPAIGN',
}

registerEnumType(ElderClassEnum, {
  name: 'ElderClass',
  description: "Kaiping's classes (开平市分类): A needs the most visits, C the fewest.",
  valuesConfig: labelled(ElderClassEnum, { A: 'A类', B: 'B类', C: 'C类' }),
});
registerEnumType(WindowKindEnum, {
  name: 'WindowKind',
  description: 'Calendar windows a requirement counts in (China time).',
  valuesConfig: labelled(WindowKindEnum, WINDOW_LABELS),
});
registerEnumType(ActivityEnum, {
  name: 'Activity',
  description: 'What a requirement counts: visits, or recurring care services (会宁“三个一”).',
  valuesConfig: labelled(ActivityEnum, ACTIVITY_LABELS),
});
registerEnumType(CampaignReasonEnum, {
  name: 'CampaignReason', description: 'Why an extra-visit campaign (叠加探访) is opened.',
  valuesConfig: labelled(CampaignReasonEnum, {
    EXTREME_WEATHER: '极端天气',
    FESTIVAL: '重要节日（春节、重阳节等）',
    DISASTER: '灾害',
    EPIDEMIC: '疫情',
    OTHER: '其他',
  }),
});
registerEnumType(RequirementSourceEnum, {
  name: 'RequirementSource', description: 'Where a requirement comes from: a visit standard or a campaign.',
  valuesConfig: labelled(RequirementSourceEnum, { STANDARD: '探访标准', CAMPAIGN: '叠加探访活动' }),
});

/** "每月至少上门入户1次", "每半月至少洗衣服1次". */
export function describeRequirement(r: { activity: string; minCount: number; window: string; windowDays: number | null; homeOnly: boolean }): string {
  const window = r.window === 'DAYS' ? `每${r.windowDays}天` : r.window === 'PERIOD' ? '活动期间' : WINDOW_LABELS[r.window as WindowKindEnum].replace(/（.*$/, '');
  const what = r.activity === 'VISIT' ? (r.homeOnly ? '上门入户' : '探访（线上或线下）') : ACTIVITY_LABELS[r.activity as ActivityEnum];
  return `${window}至少${what}${r.minCount}次`;
}
