import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { LocalDate } from '../../graphql/scalars.js';
import { Circumstance, ExtremePovertyKind } from '../elders/elder.enums.js';
import { ActivityEnum, CampaignReasonEnum, ElderClassEnum, RequirementSourceEnum, WindowKindEnum } from './standards.enums.js';

@ObjectType('VisitRequirement', { description: 'At least `minCount` visits (or care services) in every window.' })
export class VisitRequirementType {
  @Field(() => ID, { description: 'The requirement.' })
  id!: string;

  @Field(() => ElderClassEnum, { nullable: true, description: 'Applies to this class only; null: every class.' })
  class!: ElderClassEnum | null;

  @Field(() => Circumstance, { nullable: true, description: 'Applies only to elders with this circumstance recorded.' })
  circumstance!: Circumstance | null;

  @Field(() => ExtremePovertyKind, { nullable: true, description: 'With circumstance EXTREME_POVERTY: only elders of this kind of 特困 (三个一 is for DISPERSED).' })
  extremePovertyKind!: ExtremePovertyKind | null;

  @Field(() => ActivityEnum, { description: 'What must happen: a visit, or a care service.' })
  activity!: ActivityEnum;

  @Field(() => Int, { description: 'How many in each window (at least 1).' })
  minCount!: number;

  @Field(() => WindowKindEnum, { description: 'The window the count applies to (week, month, half year, year, or DAYS).' })
  window!: WindowKindEnum;

  @Field(() => Int, { nullable: true, description: 'Length of a DAYS window.' })
  windowDays!: number | null;

  @Field(() => Boolean, { description: 'Only home visits (上门入户) count.' })
  homeOnly!: boolean;

  @Field(() => String, { description: 'In words, e.g. 每月至少上门入户1次.' })
  description!: string;
}

@ObjectType('VisitStandard', {
  description:
    "A set of requirements. The baseline (Kaiping's) applies to its whole region; a region may add a raise for its subtree (requirements add up, so a standard is raised, never lowered). Templates apply nowhere until adopted.",
})
export class VisitStandardType {
  @Field(() => ID, { description: 'The standard.' })
  id!: string;

  @Field(() => String, { description: 'A short unique code (templates: e.g. the seed policy’s).' })
  code!: string;

  @Field(() => String, { description: 'The standard’s name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The standard in words.' })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'The policy document it comes from.' })
  source!: string | null;

  @Field(() => String, { nullable: true, description: 'The subtree it applies to; null for templates.' })
  regionCode!: string | null;

  @Field(() => Boolean, { description: 'true: a template (模板) regions may adopt; it applies to no one itself.' })
  template!: boolean;

  @Field(() => Boolean, { description: 'true: the baseline standard of its region; raises (提高标准) on the region or below add their requirements to it. The baseline cannot be retired.' })
  baseline!: boolean;

  @Field(() => LocalDate, { description: 'First day it applies (China time).' })
  effectiveFrom!: string;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it was retired; null while in force.' })
  retiredAt!: Date | null;

  @Field(() => [VisitRequirementType], { description: 'Its requirements; an elder must meet every one that applies to them.' })
  requirements!: VisitRequirementType[];
}

@InputType({ description: 'One requirement: at least `minCount` of `activity` in every `window`.' })
export class VisitRequirementInput {
  @Field(() => ElderClassEnum, { nullable: true, description: 'Applies to this class only; omitted: every class.' })
  class?: ElderClassEnum | null;

  @Field(() => Circumstance, { nullable: true, description: 'Applies only to elders with this circumstance; omitted: any.' })
  circumstance?: Circumstance | null;

  @Field(() => ExtremePovertyKind, { nullable: true, description: 'Only with circumstance EXTREME_POVERTY: narrows it to one kind of 特困.' })
  extremePovertyKind?: ExtremePovertyKind | null;

  @Field(() => ActivityEnum, { defaultValue: ActivityEnum.VISIT, description: 'What must happen (default VISIT).' })
  activity!: ActivityEnum;

  @Field(() => Int, { description: 'How many in each window (at least 1).' })
  minCount!: number;

  @Field(() => WindowKindEnum, { description: 'The window the count applies to.' })
  window!: WindowKindEnum;

  @Field(() => Int, { nullable: true, description: 'Required for DAYS windows (1-366).' })
  windowDays?: number | null;

  @Field(() => Boolean, { defaultValue: false, description: 'true: only home visits (上门入户) count (default false).' })
  homeOnly!: boolean;
}

@InputType({ description: 'A raise of the visit standard for a region subtree (可提供高于本方案的服务).' })
export class CreateVisitStandardInput {
  @Field(() => String, { description: 'The standard’s name, 2 to 100 characters.' })
  name!: string;

  @Field(() => String, { description: 'A region inside your jurisdiction.' })
  regionCode!: string;

  @Field(() => String, { nullable: true, description: 'The standard in words.' })
  description?: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Default today. Not before today: a raise cannot make the past overdue.' })
  effectiveFrom?: string | null;

  @Field(() => [VisitRequirementInput], { description: 'Its requirements (at least one).' })
  requirements!: VisitRequirementInput[];
}

@ObjectType('Campaign', { description: '叠加探访: a time-boxed extra requirement over a region subtree and optionally some classes.' })
export class CampaignType {
  @Field(() => ID, { description: 'The campaign.' })
  id!: string;

  @Field(() => String, { description: 'The campaign’s name, e.g. 2026年春节叠加探访.' })
  name!: string;

  @Field(() => String, { description: 'The region subtree it covers.' })
  regionCode!: string;

  @Field(() => [ElderClassEnum], { description: 'Empty: every class.' })
  classes!: ElderClassEnum[];

  @Field(() => CampaignReasonEnum, { description: 'Why it was opened (weather, festival, disaster, epidemic, ...).' })
  reasonKind!: CampaignReasonEnum;

  @Field(() => String, { description: 'The reason in words.' })
  reason!: string;

  @Field(() => LocalDate, { description: 'First day (China time).' })
  startsOn!: string;

  @Field(() => LocalDate, { description: 'Last day (China time).' })
  endsOn!: string;

  @Field(() => Int, { description: 'How many extra visits in each window.' })
  minCount!: number;

  @Field(() => WindowKindEnum, { description: 'The window the count applies to.' })
  window!: WindowKindEnum;

  @Field(() => Int, { nullable: true, description: 'Length of a DAYS window; null otherwise.' })
  windowDays!: number | null;

  @Field(() => Boolean, { description: 'true: only home visits (上门入户) count.' })
  homeOnly!: boolean;

  @Field(() => String, { description: 'The requirement in words.' })
  description!: string;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it was cancelled; null unless cancelled.' })
  cancelledAt!: Date | null;
}

@InputType({ description: '叠加探访: a time-boxed extra requirement over a region subtree (extreme weather, festivals, disasters, epidemics).' })
export class CreateCampaignInput {
  @Field(() => String, { description: 'The campaign’s name, 2 to 100 characters.' })
  name!: string;

  @Field(() => String, { description: 'The region subtree it covers, inside your jurisdiction.' })
  regionCode!: string;

  @Field(() => [ElderClassEnum], { defaultValue: [], description: 'Only these classes; empty (default): every class.' })
  classes!: ElderClassEnum[];

  @Field(() => CampaignReasonEnum, { description: 'Why it is opened.' })
  reasonKind!: CampaignReasonEnum;

  @Field(() => String, { description: 'The reason in words.' })
  reason!: string;

  @Field(() => LocalDate, { description: 'First day (YYYY-MM-DD, China time).' })
  startsOn!: string;

  @Field(() => LocalDate, { description: 'Last day (YYYY-MM-DD, China time), not before startsOn.' })
  endsOn!: string;

  @Field(() => Int, { description: 'How many extra visits in each window (at least 1).' })
  minCount!: number;

  @Field(() => WindowKindEnum, { description: 'DAY, WEEK, HALF_MONTH, MONTH, DAYS or PERIOD (the whole campaign).' })
  window!: WindowKindEnum;

  @Field(() => Int, { nullable: true, description: 'Length of a DAYS window; only with window DAYS.' })
  windowDays?: number | null;

  @Field(() => Boolean, { defaultValue: false, description: 'true: only home visits (上门入户) count (default false).' })
  homeOnly!: boolean;
}

@ObjectType('RequirementCompliance', { description: 'One requirement of one elder, judged on a date.' })
export class RequirementComplianceType {
  @Field(() => ID, { description: 'The requirement (of a visit standard or a campaign).' })
  requirementId!: string;

  @Field(() => RequirementSourceEnum, { description: 'Whether it comes from a visit standard or an extra-visit campaign (叠加探访).' })
  source!: RequirementSourceEnum;

  @Field(() => String, { description: 'The standard or campaign it comes from.' })
  sourceName!: string;

  @Field(() => ActivityEnum, { description: 'What must happen: a visit of some method, or a care service.' })
  activity!: ActivityEnum;

  @Field(() => Int, { description: 'How many are needed in each window (at least 1).' })
  minCount!: number;

  @Field(() => WindowKindEnum, { description: 'The window length the count applies to (week, month, ...).' })
  window!: WindowKindEnum;

  @Field(() => Boolean, { description: 'true: only home visits (上门入户) count.' })
  homeOnly!: boolean;

  @Field(() => String, { description: 'The requirement in words, in Chinese (e.g. 每月至少上门探访1次).' })
  description!: string;

  @Field(() => LocalDate, { description: 'The window the date falls in.' })
  windowStart!: string;

  @Field(() => LocalDate, { description: 'Last day of that window (China time).' })
  windowEnd!: string;

  @Field(() => Int, { description: 'Visits (or services) in the window up to the date, of an allowed method.' })
  counted!: number;

  @Field(() => Boolean, { description: '`counted` >= `minCount`.' })
  met!: boolean;

  @Field(() => Boolean, { description: 'A complete window since the last met one went unmet.' })
  overdue!: boolean;

  @Field(() => Int, { nullable: true, description: 'Days since the end of the first unmet window.' })
  daysOverdue!: number | null;

  @Field(() => LocalDate, { nullable: true, description: 'End of this window if not met yet, else end of the next one.' })
  dueBy!: string | null;
}

@ObjectType('ElderCompliance', {
  description:
    'What the standards ask of one elder on a date and whether it was done. Derived from requirements and visits, never stored.',
})
export class ElderComplianceType {
  @Field(() => LocalDate, { description: 'The day judged on (China time).' })
  asOf!: string;

  @Field(() => ElderClassEnum, { nullable: true, description: 'The visit class in force (A, B or C); null while not classified.' })
  class!: ElderClassEnum | null;

  @Field(() => String, { nullable: true, description: 'Why nothing is required (closed archive or written refusal), if so.' })
  stoppedReason!: string | null;

  @Field(() => [RequirementComplianceType], { description: 'Every requirement that applies to the elder, most urgent first.' })
  requirements!: RequirementComplianceType[];

  @Field(() => Boolean, { description: 'Every requirement met in its current window.' })
  met!: boolean;

  @Field(() => Boolean, { description: 'true: at least one requirement is overdue (a whole window went unmet).' })
  overdue!: boolean;

  @Field(() => Int, { nullable: true, description: 'The largest `daysOverdue` of the requirements.' })
  daysOverdue!: number | null;

  @Field(() => LocalDate, { nullable: true, description: 'The earliest `dueBy` of the unmet requirements.' })
  dueBy!: string | null;
}
