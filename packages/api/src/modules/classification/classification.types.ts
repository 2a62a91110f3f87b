import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { LocalDate } from '../../graphql/scalars.js';
import { ElderClassEnum } from '../standards/standards.enums.js';

@ObjectType('ClassReason', { description: 'One clause of the rules that the archive meets, in words.' })
export class ClassReasonType {
  @Field(() => String, { description: 'Clause code, e.g. A_80_ALONE.' })
  code!: string;

  @Field(() => String, { description: 'The clause in words, e.g. 80周岁以上且独居.' })
  text!: string;
}

@ObjectType('ClassOverride', { description: "An admin's override of the computed class." })
export class ClassOverrideType {
  @Field(() => ElderClassEnum)
  class!: ElderClassEnum;

  @Field(() => String)
  reason!: string;

  @Field(() => LocalDate)
  startsOn!: string;

  @Field(() => LocalDate, { description: 'The override ends at the start of this day; the computed class applies again.' })
  expiresOn!: string;
}

@ObjectType('Classification', {
  description: 'The class on a date: an override in force, else the rules applied to the archive (recomputed whenever an input changes).',
})
export class ClassificationType {
  @Field(() => ElderClassEnum, { description: 'The class in force.' })
  class!: ElderClassEnum;

  @Field(() => ElderClassEnum, { description: "The rules' result (shown beside an override)." })
  computedClass!: ElderClassEnum;

  @Field(() => [ClassReasonType], {
    description: 'Why `class` is in force: under an override, its own reason (code OVERRIDE); else the rules\' clauses (as `computedReasons`).',
  })
  reasons!: ClassReasonType[];

  @Field(() => [ClassReasonType], { description: "Why the rules gave `computedClass` (shown beside an override)." })
  computedReasons!: ClassReasonType[];

  @Field(() => String)
  ruleVersion!: string;

  @Field(() => GraphQLDateTimeISO, { nullable: true })
  computedAt!: Date | null;

  @Field(() => ClassOverrideType, { nullable: true })
  override!: ClassOverrideType | null;

  @Field(() => LocalDate, { nullable: true, description: 'The 80th birthday, if it will change the computed class.' })
  changesOn!: string | null;
}

@ObjectType('ClassChange', { description: 'One entry of the class history.' })
export class ClassChangeType {
  @Field(() => GraphQLDateTimeISO)
  at!: Date;

  @Field(() => String, { description: 'RULES (recomputed), OVERRIDE or OVERRIDE_REVOKED.' })
  source!: string;

  @Field(() => ElderClassEnum)
  class!: ElderClassEnum;

  @Field(() => [ClassReasonType])
  reasons!: ClassReasonType[];

  @Field(() => ElderClassEnum, { nullable: true, description: 'The computed class from `turns80On` (rules entries).' })
  classAt80!: ElderClassEnum | null;

  @Field(() => LocalDate, { nullable: true })
  turns80On!: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Override entries: when it ends.' })
  expiresOn!: string | null;

  @Field(() => String, { nullable: true })
  ruleVersion!: string | null;
}

@InputType()
export class OverrideClassInput {
  @Field(() => ID)
  elderId!: string;

  @Field(() => ElderClassEnum)
  class!: ElderClassEnum;

  @Field(() => String, { description: '2-500 characters: why the rules do not fit this elder.' })
  reason!: string;

  @Field(() => LocalDate, { description: 'After today, at most two years ahead.' })
  expiresOn!: string;
}
