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
  @Field(() => ElderClassEnum, { description: 'The class set by hand.' })
  class!: ElderClassEnum;

  @Field(() => String, { description: 'Why the rules do not fit this elder.' })
  reason!: string;

  @Field(() => LocalDate, { description: 'First day of the override (China time).' })
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

  @Field(() => String, { description: 'The version of the classification rules that computed the class.' })
  ruleVersion!: string;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the class was last computed; null if never.' })
  computedAt!: Date | null;

  @Field(() => ClassOverrideType, { nullable: true, description: 'The manual class in force (人工调整); null when none.' })
  override!: ClassOverrideType | null;

  @Field(() => LocalDate, { nullable: true, description: 'The 80th birthday, if it will change the computed class.' })
  changesOn!: string | null;
}

@ObjectType('ClassChange', { description: 'One entry of the class history.' })
export class ClassChangeType {
  @Field(() => GraphQLDateTimeISO, { description: 'When the class changed.' })
  at!: Date;

  @Field(() => String, { description: 'RULES (recomputed), OVERRIDE or OVERRIDE_REVOKED.' })
  source!: string;

  @Field(() => ElderClassEnum, { description: 'The class from then on.' })
  class!: ElderClassEnum;

  @Field(() => [ClassReasonType], { description: 'Why (the clauses that applied, or the override’s reason).' })
  reasons!: ClassReasonType[];

  @Field(() => ElderClassEnum, { nullable: true, description: 'The computed class from `turns80On` (rules entries).' })
  classAt80!: ElderClassEnum | null;

  @Field(() => LocalDate, { nullable: true, description: 'When the change comes from an 80th birthday: that day; null otherwise.' })
  turns80On!: string | null;

  @Field(() => LocalDate, { nullable: true, description: 'Override entries: when it ends.' })
  expiresOn!: string | null;

  @Field(() => String, { nullable: true, description: 'The rules version of a RULES entry; null otherwise.' })
  ruleVersion!: string | null;
}

@InputType({ description: 'Set an elder’s class by hand (人工调整分类) until a date, with a reason.' })
export class OverrideClassInput {
  @Field(() => ID, { description: 'The elder.' })
  elderId!: string;

  @Field(() => ElderClassEnum, { description: 'The class to set.' })
  class!: ElderClassEnum;

  @Field(() => String, { description: '2-500 characters: why the rules do not fit this elder.' })
  reason!: string;

  @Field(() => LocalDate, { description: 'After today, at most two years ahead.' })
  expiresOn!: string;
}
