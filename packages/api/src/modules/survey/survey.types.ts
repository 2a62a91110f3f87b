import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import { ElderType } from '../elders/elder.types.js';
import type { Elder } from '../elders/elder.entity.js';

// ---------------------------------------------------------------- dynamic management (动态管理)

export enum ReverificationReason {
  NOT_VERIFIED = 'NOT_VERIFIED',
  TEMPORARY_DIFFICULTY_ENDED = 'TEMPORARY_DIFFICULTY_ENDED',
}
registerEnumType(ReverificationReason, {
  name: 'ReverificationReason',
  valuesConfig: labelled(ReverificationReason, {
    NOT_VERIFIED: '超过规定期限未核实（未经入户探访、档案修改或摸排核实）',
    TEMPORARY_DIFFICULTY_ENDED: '阶段性临时困难已过预计结束日期，尚未重新核实',
  }),
});

@ObjectType('ReverificationItem', { description: 'An archive due for re-verification (动态管理), with why in words.' })
export class ReverificationItemType {
  @Field(() => ElderType)
  elder!: Elder;

  @Field(() => [ReverificationReason])
  reasons!: ReverificationReason[];

  @Field(() => String, { description: 'The reasons in words (Chinese), e.g. “已 13 个月未核实（上次核实 2025-10-01）”.' })
  reasonText!: string;

  @Field(() => LocalDate)
  lastVerifiedOn!: string;

  @Field(() => LocalDate, { nullable: true })
  temporaryDifficultyUntil!: string | null;
}

export const ReverificationConnection = connectionOf('ReverificationItem', ReverificationItemType, 'Archives due for re-verification, longest unverified first.');

@ObjectType('ReverificationSummary', { description: 'How many archives of a region are due for re-verification (the dashboard figure).' })
export class ReverificationSummaryType {
  @Field(() => String)
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
