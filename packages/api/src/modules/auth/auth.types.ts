import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';

@ObjectType('Me', { description: 'The logged-in user.' })
export class MeType {
  @Field(() => ID, { description: "The user account's id." })
  id!: string;

  @Field(() => String, { description: 'The login name.' })
  username!: string;

  @Field(() => String, { description: 'The name shown to people (usually the real name).' })
  displayName!: string;

  @Field(() => String, { description: 'A named bundle of scopes (ADMIN, TOWN_OPERATOR, VILLAGE_WORKER, POLICE, ...).' })
  role!: string;

  @Field(() => String, { description: 'The role in Chinese.' })
  roleLabel!: string;

  @Field(() => [String], { description: 'What this user may do. The API checks scopes; the console uses them only to hide what is not allowed.' })
  scopes!: string[];

  @Field(() => String, { description: 'Root of the jurisdiction: the user sees this region subtree.' })
  regionCode!: string;

  @Field(() => Int, {
    description:
      'Minutes without use after which the console ends the session on this device and deletes its offline copy of the worklist '
      + '(TANFANG_IDLE_MINUTES, default 480). Visits waiting to upload are kept, encrypted, until the same user logs in again.',
  })
  idleMinutes!: number;
}

@ObjectType('LoginPayload', { description: 'A new session: the bearer token and who it belongs to.' })
export class LoginPayloadType {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When the token stops working (TANFANG_SESSION_HOURS after login, default 12); log in again then.' })
  expiresAt!: Date;

  @Field(() => MeType, { description: 'The user logged in.' })
  me!: MeType;
}
