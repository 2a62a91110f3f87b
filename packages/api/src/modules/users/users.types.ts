import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { connectionOf } from '../../graphql/pagination.js';

@ObjectType('User', { description: 'A person who logs in to Tanfang. Password data never leaves the API.' })
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => String, { description: 'A role name of `roles`.' })
  role!: string;

  @Field(() => String, { description: 'The role in Chinese.' })
  roleLabel!: string;

  @Field(() => String, { description: 'Root of the user’s jurisdiction.' })
  regionCode!: string;

  @Field(() => String, { description: 'Full name of the jurisdiction root.' })
  regionName!: string;

  @Field(() => ID, { nullable: true, description: 'The partner agency the user works for (partner roles).' })
  agencyId?: string | null;

  @Field(() => String, { nullable: true })
  agencyName?: string | null;

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Locked after repeated failed logins, until this time.' })
  lockedUntil?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Start of the latest session.' })
  lastLoginAt?: Date | null;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO)
  updatedAt!: Date;
}

export const UserConnection = connectionOf('User', UserType, 'Users of your jurisdiction, by region then username.');

@ObjectType('Role', { description: 'A named bundle of scopes.' })
export class RoleType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  label!: string;

  @Field(() => String)
  labelEn!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => Boolean, { description: 'A partner-agency role: its users need an agency of that kind.' })
  needsAgency!: boolean;
}

@InputType('UserFilter')
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Users whose jurisdiction root lies in this subtree.' })
  regionCode?: string | null;

  @Field(() => String, { nullable: true })
  role?: string | null;

  @Field(() => String, { nullable: true, description: 'Part of the username or display name.' })
  text?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Include deactivated users (default: active only).' })
  includeInactive?: boolean | null;
}

@InputType('CreateUserInput')
export class CreateUserInput {
  @Field(() => String, { description: '3-50 characters: a-z, 0-9, _ . -' })
  username!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => String)
  role!: string;

  @Field(() => String, { description: 'Jurisdiction root, inside yours.' })
  regionCode!: string;

  @Field(() => ID, { nullable: true, description: 'Required for partner roles: an agency of that kind in your jurisdiction.' })
  agencyId?: string | null;

  @Field(() => String, { description: 'At least 10 characters, with letters and digits.' })
  password!: string;
}

@InputType('UpdateUserInput')
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  role?: string | null;

  @Field(() => String, { nullable: true })
  regionCode?: string | null;

  @Field(() => ID, { nullable: true, description: 'For partner roles: an agency of that kind in your jurisdiction.' })
  agencyId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false deactivates (and ends the user’s sessions); true reactivates.' })
  active?: boolean | null;
}
