import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';
import { connectionOf } from '../../graphql/pagination.js';
import { FieldChangeType } from '../elders/elder.types.js';

@ObjectType('AuditEvent', { description: 'Who did what to whose data, when. Append-only: the database refuses changes and deletions.' })
export class AuditEventType {
  @Field(() => ID, { description: 'The audit event.' })
  id!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When it happened.' })
  at!: Date;

  @Field(() => String, { nullable: true, description: 'Who acted, by username; null when no user account acted.' })
  actorUsername?: string | null;

  @Field(() => String, { nullable: true, description: "The acting user's display name (姓名) as it is now, so an auditor reads who, not a login name." })
  actorName?: string | null;

  @Field(() => String, { nullable: true, description: 'The actor’s role at the time.' })
  actorRole?: string | null;

  @Field(() => String, {
    description:
      'LOGIN, LOGIN_FAILED, LOGOUT, ELDER_READ, ELDER_REGISTER, ELDER_UPDATE, ELDER_CLOSE, ELDER_REOPEN, REFUSAL_RECORD, REFUSAL_WITHDRAW, IDENTITY_REVEAL.',
  })
  action!: string;

  @Field(() => ID, { nullable: true, description: 'The elder whose data was read or changed; null when none.' })
  elderId?: string | null;

  @Field(() => String, { nullable: true, description: 'The name of the elder whose archive this is about (姓名), so an auditor reads people, not ids.' })
  elderName?: string | null;

  @Field(() => String, { nullable: true, description: 'The region the event concerns (division code).' })
  regionCode?: string | null;

  @Field(() => String, { nullable: true, description: 'The region in words: town and village (e.g. 三埠街道 东河社区居委会), or the name of a county or above.' })
  regionPath?: string | null;

  @Field(() => String, { nullable: true, description: 'The stated purpose of an identity reveal.' })
  purpose?: string | null;

  @Field(() => [FieldChangeType], { description: 'Changed fields with old and new values; identity values masked.' })
  changes!: FieldChangeType[];

  @Field(() => GraphQLJSON, { nullable: true, description: 'Further facts of the event as JSON (e.g. the user changed, counts of a batch); identity values masked.' })
  detail?: unknown;

  @Field(() => String, { nullable: true, description: 'The id of the API request, to find every event of one request.' })
  requestId?: string | null;

  @Field(() => String, { nullable: true, description: 'The client’s IP address.' })
  ip?: string | null;
}

export const AuditEventConnection = connectionOf('AuditEvent', AuditEventType, 'Audit events, newest first.');

@InputType('AuditFilter', { description: 'Which audit events to list; every condition given must hold.' })
export class AuditFilter {
  @Field(() => ID, { nullable: true, description: 'Only events about this elder.' })
  elderId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'An elder by name (姓名, exact) or by the last 4 to 18 characters of the ID number (身份证号后几位): events about every archive in your jurisdiction that matches.',
  })
  elder?: string | null;

  @Field(() => String, { nullable: true, description: 'Only events by this username.' })
  actorUsername?: string | null;

  @Field(() => [String], { nullable: true, description: 'Only these actions (e.g. ELDER_READ, IDENTITY_REVEAL, ELDER_UPDATE).' })
  actions?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Region subtree inside your jurisdiction.' })
  regionCode?: string | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Events at or after this instant.' })
  from?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Events before this instant.' })
  to?: Date | null;
}
