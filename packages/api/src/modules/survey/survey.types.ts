import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import { ElderType } from '../elders/elder.types.js';
import type { Elder } from '../elders/elder.entity.js';
import { ArchiveFieldsInput } from '../elders/elder.inputs.js';

// ---------------------------------------------------------------- dynamic management (动态管理)

export enum ReverificationReason {
  NOT_VERIFIED = 'NOT_VERIFIED',
  TEMPORARY_DIFFICULTY_ENDED = 'TEMPORARY_DIFFICULTY_ENDED',
}
registerEnumType(ReverificationReason, {
  name: 'ReverificationReason', description: 'Why an archive is due for re-verification (动态管理).',
  valuesConfig: labelled(ReverificationReason, {
    NOT_VERIFIED: '超过规定期限未核实（未经入户探访、档案修改或摸排核实）',
    TEMPORARY_DIFFICULTY_ENDED: '阶段性临时困难已过预计结束日期，尚未重新核实',
  }),
});

@ObjectType('ReverificationItem', { description: 'An archive due for re-verification (动态管理), with why in words.' })
export class ReverificationItemType {
  @Field(() => ElderType, { description: 'The elder whose archive is due.' })
  elder!: Elder;

  @Field(() => [ReverificationReason], { description: 'Why it is due (one or more).' })
  reasons!: ReverificationReason[];

  @Field(() => String, { description: 'The reasons in words (Chinese), e.g. “已 13 个月未核实（上次核实 2025-10-01）”.' })
  reasonText!: string;

  @Field(() => LocalDate, { description: 'The day the archive was last verified (China time).' })
  lastVerifiedOn!: string;

  @Field(() => LocalDate, { nullable: true, description: 'When the temporary difficulty was expected to end; null when none.' })
  temporaryDifficultyUntil!: string | null;
}

export const ReverificationConnection = connectionOf('ReverificationItem', ReverificationItemType, 'Archives due for re-verification, longest unverified first.');

@ObjectType('ReverificationSummary', { description: 'How many archives of a region are due for re-verification (the dashboard figure).' })
export class ReverificationSummaryType {
  @Field(() => String, { description: 'The region counted (its subtree).' })
  regionCode!: string;

  @Field(() => Int, { description: 'Archives due for either reason (each counted once).' })
  due!: number;

  @Field(() => Int, { description: 'Not verified for `months` months.' })
  notVerified!: number;

  @Field(() => Int, { description: 'Temporary difficulties past their end date, not verified since.' })
  temporaryDifficultyEnded!: number;

  @Field(() => Int, { description: 'The configured period (TANFANG_REVERIFY_MONTHS, default 12).' })
  months!: number;

  @Field(() => LocalDate, { description: 'Archives last verified on or before this day are due.' })
  cutoff!: string;
}

// ---------------------------------------------------------------- survey rounds (摸底排查)

export enum SurveyResult {
  ELIGIBLE = 'ELIGIBLE',
  NOT_ELIGIBLE = 'NOT_ELIGIBLE',
  NOT_FOUND = 'NOT_FOUND',
  REFUSED = 'REFUSED',
  DECEASED = 'DECEASED',
  MOVED_AWAY = 'MOVED_AWAY',
}
registerEnumType(SurveyResult, {
  name: 'SurveyResult', description: 'What a survey check (摸底排查) found.',
  valuesConfig: labelled(SurveyResult, {
    ELIGIBLE: '符合条件：已有档案的核实档案，没有档案的按登记程序建档',
    NOT_ELIGIBLE: '不符合条件（须填写原因）',
    NOT_FOUND: '查无此人（走访未见到本人，也无法核实）',
    REFUSED: '拒绝摸排',
    DECEASED: '已去世（已有档案的，请在档案中办理注销）',
    MOVED_AWAY: '已迁出（已有档案的，请在档案中办理迁出）',
  }),
});

export enum SurveyTaskSource {
  NOT_VERIFIED = 'NOT_VERIFIED',
  TEMPORARY_DIFFICULTY_ENDED = 'TEMPORARY_DIFFICULTY_ENDED',
  CANDIDATE = 'CANDIDATE',
  ROLL = 'ROLL',
}
registerEnumType(SurveyTaskSource, {
  name: 'SurveyTaskSource', description: 'Why a person is on a round’s list.',
  valuesConfig: labelled(SurveyTaskSource, {
    NOT_VERIFIED: '档案超过规定期限未核实',
    TEMPORARY_DIFFICULTY_ENDED: '阶段性临时困难已到期',
    CANDIDATE: '合作部门数据发现的待摸排对象（候选对象）',
    ROLL: '公安户籍老年人名册（60周岁以上）',
  }),
});

export enum SurveyTaskStatus {
  PENDING = 'PENDING',
  DONE = 'DONE',
}
registerEnumType(SurveyTaskStatus, {
  name: 'SurveyTaskStatus', description: 'Whether a survey task is done.',
  valuesConfig: labelled(SurveyTaskStatus, { PENDING: '待摸排', DONE: '已录入结果' }),
});

@InputType('SurveyTeamInput', { description: 'Who takes part in a round: users (they may record results) and visitors.' })
export class SurveyTeamInput {
  @Field(() => [ID], { defaultValue: [], description: 'Users who take part (they may record results).' })
  userIds!: string[];

  @Field(() => [ID], { defaultValue: [], description: 'Visitors who take part.' })
  visitorIds!: string[];
}

@ObjectType('SurveyTeamMember', { description: 'A member of a survey team: a user or a visitor.' })
export class SurveyTeamMemberType {
  @Field(() => ID, { description: 'The user or visitor.' })
  id!: string;

  @Field(() => String, { description: 'The member’s name.' })
  name!: string;

  @Field(() => String, { description: 'USER or VISITOR.' })
  kind!: string;
}

@ObjectType('SurveyRound', { description: '摸底排查: a survey round over a town or county, with its dates and team.' })
export class SurveyRoundType {
  @Field(() => ID, { description: 'The round.' })
  id!: string;

  @Field(() => String, { description: 'The round’s name.' })
  name!: string;

  @Field(() => String, { description: 'The region surveyed.' })
  regionCode!: string;

  @Field(() => String, { description: 'The region surveyed, in words.' })
  regionName!: string;

  @Field(() => LocalDate, { description: 'First day (China time).' })
  startsOn!: string;

  @Field(() => LocalDate, { description: 'Last day (China time).' })
  endsOn!: string;

  @Field(() => [SurveyTeamMemberType], { description: 'Who takes part (摸底排查专班).' })
  team!: SurveyTeamMemberType[];

  @Field(() => GraphQLDateTimeISO, { description: 'When the round was created.' })
  createdAt!: Date;
}

export const SurveyRoundConnection = connectionOf('SurveyRound', SurveyRoundType, 'Survey rounds, newest first.');

@ObjectType('SurveyTask', { description: 'One person to survey in a round, with why they are listed and, once recorded, the result.' })
export class SurveyTaskType {
  @Field(() => ID, { description: 'The task.' })
  id!: string;

  @Field(() => ID, { description: 'The round.' })
  roundId!: string;

  @Field(() => String, { description: 'The village of the person (12-digit code).' })
  regionCode!: string;

  @Field(() => String, { description: 'The village, in words.' })
  regionName!: string;

  @Field(() => String, { nullable: true, description: 'The person’s name as known; null when unknown.' })
  name!: string | null;

  @Field(() => String, { description: 'Masked (440783********1234).' })
  idNumber!: string;

  @Field(() => [SurveyTaskSource], { description: 'Why the person is listed (one or more).' })
  sources!: SurveyTaskSource[];

  @Field(() => Boolean, { description: 'On the police household-registration roll (counts for coverage).' })
  onRoll!: boolean;

  @Field(() => ElderType, { nullable: true, description: 'The archive, when the person has one (read-audited).' })
  elder!: Elder | null;

  @Field(() => ID, { nullable: true, description: 'The survey candidate behind the task (from agency data); null otherwise.' })
  candidateId!: string | null;

  @Field(() => SurveyResult, { nullable: true, description: 'What the check found; null until recorded.' })
  result!: SurveyResult | null;

  @Field(() => String, { nullable: true, description: 'The surveyor’s note.' })
  note!: string | null;

  @Field(() => String, { nullable: true, description: 'Who recorded the result.' })
  recordedBy!: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the result was recorded; null until then.' })
  recordedAt!: Date | null;
}

export const SurveyTaskConnection = connectionOf('SurveyTask', SurveyTaskType, 'Survey tasks of a round, by village and name.');

@ObjectType('SurveyProgressFigures', { description: 'Progress figures of a round for one region (a village, or the whole round).' })
export class SurveyProgressFiguresType {
  @Field(() => String, { description: 'The region.' })
  regionCode!: string;

  @Field(() => String, { description: 'The region, in words.' })
  regionName!: string;

  @Field(() => Int, { description: 'People to check.' })
  tasks!: number;

  @Field(() => Int, { description: 'Of them, checked (result recorded).' })
  surveyed!: number;

  @Field(() => Int, { description: 'Of them, not checked yet.' })
  left!: number;

  @Field(() => Int, { description: 'People on the police roll (residents aged 60+).' })
  rollPeople!: number;

  @Field(() => Int, { description: 'Roll people with a result.' })
  rollSurveyed!: number;

  @Field(() => Float, { nullable: true, description: '底数清: rollSurveyed ÷ rollPeople, 0 to 1; null when there is no roll (see coverageNote).' })
  coverage!: number | null;

  @Field(() => String, { description: 'The coverage in words, or why there is none.' })
  coverageNote!: string;
}

@ObjectType('SurveyProgress', { description: 'Progress of a round: the whole round and each village.' })
export class SurveyProgressType {
  @Field(() => ID, { description: 'The round.' })
  roundId!: string;

  @Field(() => SurveyProgressFiguresType, { description: 'The whole round.' })
  total!: SurveyProgressFiguresType;

  @Field(() => [SurveyProgressFiguresType], { description: 'Each village of the round.' })
  villages!: SurveyProgressFiguresType[];
}

@InputType('SurveyArchiveInput', {
  description:
    'For an ELIGIBLE person without an archive: the archive registered through the normal registration path (its rules apply). The ID number is the task’s; name and village default to the task’s.',
})
export class SurveyArchiveInput extends ArchiveFieldsInput {
  @Field(() => String, { nullable: true, description: 'The elder’s name (姓名).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'The village (12-digit code); needed when the task lies at town level.' })
  regionCode?: string | null;
}
