import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';

export enum TeamKind {
  SURVEY = 'SURVEY',
  DAILY_CONTACT = 'DAILY_CONTACT',
  VISITING = 'VISITING',
}
registerEnumType(TeamKind, {
  name: 'TeamKind', description: '队伍类型: survey (摸底排查专班), daily contact (日常联络队伍) or visiting (探访关爱队伍).',
  valuesConfig: labelled(TeamKind, { SURVEY: '摸底排查专班', DAILY_CONTACT: '日常联络队伍', VISITING: '探访关爱队伍' }),
});

export enum VisitorKind {
  VILLAGE_STAFF = 'VILLAGE_STAFF',
  SOCIAL_WORKER = 'SOCIAL_WORKER',
  GRID_WORKER = 'GRID_WORKER',
  CIVIL_AFFAIRS_CADRE = 'CIVIL_AFFAIRS_CADRE',
  VOLUNTEER = 'VOLUNTEER',
  FAMILY_DOCTOR = 'FAMILY_DOCTOR',
  PROPERTY_STAFF = 'PROPERTY_STAFF',
  COMMUNITY_POLICE = 'COMMUNITY_POLICE',
  DELIVERY_WORKER = 'DELIVERY_WORKER',
  PEER_ELDER = 'PEER_ELDER',
  PARTY_MEMBER = 'PARTY_MEMBER',
}
export const VISITOR_KIND_LABELS: Record<VisitorKind, string> = {
  VILLAGE_STAFF: '村（居）委会工作人员',
  SOCIAL_WORKER: '社会工作者（双百社工）',
  GRID_WORKER: '网格员',
  CIVIL_AFFAIRS_CADRE: '民政干部',
  VOLUNTEER: '志愿者',
  FAMILY_DOCTOR: '家庭医生',
  PROPERTY_STAFF: '物业服务企业人员',
  COMMUNITY_POLICE: '社区民警',
  DELIVERY_WORKER: '快递、外卖配送员',
  PEER_ELDER: '低龄健康老年人（老伙伴）',
  PARTY_MEMBER: '党员',
};
registerEnumType(VisitorKind, { name: 'VisitorKind', description: 'Who the visitor is (village staff, social worker, grid worker, volunteer, family doctor, ...).', valuesConfig: labelled(VisitorKind, VISITOR_KIND_LABELS) });

export enum AssignmentRole {
  PRIMARY = 'PRIMARY',
  HELPER = 'HELPER',
}
registerEnumType(AssignmentRole, {
  name: 'AssignmentRole', description: 'Responsible contact (联系人, one per elder) or helper.',
  valuesConfig: labelled(AssignmentRole, { PRIMARY: '结对联系人（每位老人一名）', HELPER: '协助探访人' }),
});

@ObjectType('Team', { description: '队伍: a survey, daily-contact or visiting team of a region.' })
export class TeamType {
  @Field(() => ID, { description: 'The team.' })
  id!: string;

  @Field(() => String, { description: 'The team’s name.' })
  name!: string;

  @Field(() => TeamKind, { description: 'What the team does.' })
  kind!: TeamKind;

  @Field(() => String, { description: 'The region the team serves.' })
  regionCode!: string;
}

@ObjectType('Visitor', { description: 'A person who visits elders (探访人员); may or may not have a login.' })
export class VisitorType {
  @Field(() => ID, { description: 'The visitor.' })
  id!: string;

  @Field(() => String, { description: 'The visitor’s name.' })
  name!: string;

  @Field(() => VisitorKind, { description: 'Who the visitor is.' })
  kind!: VisitorKind;

  @Field(() => String, { nullable: true, description: 'Masked like an elder phone.' })
  phone!: string | null;

  @Field(() => String, { description: 'The area the visitor covers: elders assigned to them are inside it.' })
  regionCode!: string;

  @Field(() => ID, { nullable: true, description: 'The team the visitor belongs to; null when none.' })
  teamId!: string | null;

  @Field(() => Boolean, { description: 'Has a login (visits are recorded as this visitor).' })
  hasLogin!: boolean;

  @Field(() => Boolean, { description: 'false: the visitor has left (离岗).' })
  active!: boolean;

  @Field(() => LocalDate, { nullable: true, description: 'The day the visitor left (China time); null while active.' })
  leftOn!: string | null;
}

export const VisitorConnection = connectionOf('Visitor', VisitorType, 'Visitors, by name.');

@ObjectType('Assignment', { description: '结对: a visitor responsible for (PRIMARY) or helping with (HELPER) one elder, over a time.' })
export class AssignmentType {
  @Field(() => ID, { description: 'The assignment.' })
  id!: string;

  @Field(() => ID, { description: 'The elder.' })
  elderId!: string;

  @Field(() => VisitorType, { description: 'The visitor.' })
  visitor!: VisitorType;

  @Field(() => AssignmentRole, { description: 'Responsible contact (PRIMARY) or helper (HELPER).' })
  role!: AssignmentRole;

  @Field(() => GraphQLDateTimeISO, { description: 'When it began.' })
  startsAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When it ended; null while current. History is kept.' })
  endsAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it ended, in words; null while current.' })
  endReason!: string | null;
}

@InputType({ description: 'A new team (scope team.write:jurisdiction).' })
export class CreateTeamInput {
  @Field(() => String, { description: 'The team’s name, 2 to 100 characters.' })
  name!: string;

  @Field(() => TeamKind, { description: 'What the team does.' })
  kind!: TeamKind;

  @Field(() => String, { description: 'The region it serves: a county or below, inside your jurisdiction.' })
  regionCode!: string;
}

@InputType({ description: 'A new visitor (scope team.write:jurisdiction).' })
export class CreateVisitorInput {
  @Field(() => String, { description: 'The visitor’s name.' })
  name!: string;

  @Field(() => VisitorKind, { description: 'Who the visitor is.' })
  kind!: VisitorKind;

  @Field(() => String, { nullable: true, description: 'The visitor’s phone number (shown masked).' })
  phone?: string | null;

  @Field(() => String, { description: 'The area the visitor covers: elders assigned to them must be inside it.' })
  regionCode!: string;

  @Field(() => ID, { nullable: true, description: 'The team to join; optional.' })
  teamId?: string | null;

  @Field(() => String, { nullable: true, description: 'Link an existing login (username) to this visitor.' })
  username?: string | null;
}

@InputType({ description: 'The responsible contact the caller saw when deciding: the assignment is refused if it has changed since.' })
export class ExpectedPrimaryInput {
  @Field(() => ID, { nullable: true, description: 'The visitor responsible when the caller looked; null: nobody was responsible.' })
  visitorId?: string | null;
}

@InputType({ description: 'Assign one visitor to up to 1,000 elders at once.' })
export class AssignVisitorInput {
  @Field(() => [ID], { description: 'The elders, 1 to 1,000, all inside your jurisdiction and active.' })
  elderIds!: string[];

  @Field(() => ID, { description: 'The visitor.' })
  visitorId!: string;

  @Field(() => AssignmentRole, { defaultValue: AssignmentRole.PRIMARY, description: 'PRIMARY (default: replaces the current responsible contact) or HELPER.' })
  role!: AssignmentRole;

  @Field(() => String, { nullable: true, description: 'Why, in words.' })
  reason?: string | null;

  @Field(() => ExpectedPrimaryInput, {
    nullable: true,
    description:
      'Change the responsible contact only if it is still this one for every elder (a page that showed one elder sends what it showed): otherwise CONFLICT and nothing changes, so two people changing it at once do not overwrite each other unseen.',
  })
  expectPrimary?: ExpectedPrimaryInput | null;
}

@ObjectType('AssignmentResult', { description: 'What an assignment changed.' })
export class AssignmentResultType {
  @Field(() => Int, { description: 'Elders newly assigned (or whose role changed).' })
  assigned!: number;

  @Field(() => Int, { description: 'Elders already held by the visitor in that role.' })
  unchanged!: number;

  @Field(() => Int, { description: 'Assignment rows ended: previous responsible contacts replaced, and the helper rows of visitors who became responsible.' })
  ended!: number;
}
