import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { connectionOf } from '../../graphql/pagination.js';

@ObjectType('User', { description: 'A person who logs in to Tanfang. Password data never leaves the API.' })
export class UserType {
  @Field(() => ID, { description: 'The user account.' })
  id!: string;

  @Field(() => String, { description: 'The login name.' })
  username!: string;

  @Field(() => String, { description: 'The person’s name (姓名), shown wherever the user appears.' })
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

  @Field(() => String, { nullable: true, description: 'The partner agency’s name; null for civil-affairs users.' })
  agencyName?: string | null;

  @Field(() => Boolean, { description: 'false: deactivated, cannot log in.' })
  active!: boolean;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Locked after repeated failed logins, until this time.' })
  lockedUntil?: Date | null;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'Start of the latest session.' })
  lastLoginAt?: Date | null;

  @Field(() => GraphQLDateTimeISO, { description: 'When the account was created.' })
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { description: 'When the account last changed.' })
  updatedAt!: Date;
}

export const UserConnection = connectionOf('User', UserType, 'Users of your jurisdiction, by region then username.');

@ObjectType('Role', { description: 'A named bundle of scopes.' })
export class RoleType {
  @Field(() => String, { description: 'The role’s code (ADMIN, TOWN_OPERATOR, VILLAGE_WORKER, POLICE, ...).' })
  name!: string;

  @Field(() => String, { description: 'The role in Chinese.' })
  label!: string;

  @Field(() => String, { description: 'The role in English.' })
  labelEn!: string;

  @Field(() => [String], { description: 'The scopes the role grants.' })
  scopes!: string[];

  @Field(() => Boolean, { description: 'A partner-agency role: its users need an agency of that kind.' })
  needsAgency!: boolean;
}

@InputType('UserFilter', { description: 'Which users to list; every condition given must hold.' })
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'Users whose jurisdiction root lies in this subtree.' })
  regionCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Only users of this role (a name of `roles`).' })
  role?: string | null;

  @Field(() => String, { nullable: true, description: 'Part of the username or display name.' })
  text?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Include deactivated users (default: active only).' })
  includeInactive?: boolean | null;
}

@InputType('CreateUserInput', { description: 'A new user account (scope user.manage:jurisdiction; inside your jurisdiction).' })
export class CreateUserInput {
  @Field(() => String, { description: '3-50 characters: a-z, 0-9, _ . -' })
  username!: string;

  @Field(() => String, { description: 'The person’s name (姓名).' })
  displayName!: string;

  @Field(() => String, { description: 'A role name of `roles`.' })
  role!: string;

  @Field(() => String, { description: 'Jurisdiction root, inside yours.' })
  regionCode!: string;

  @Field(() => ID, { nullable: true, description: 'Required for partner roles: an agency of that kind in your jurisdiction.' })
  agencyId?: string | null;

  @Field(() => String, { description: 'At least 10 characters, with letters and digits.' })
  password!: string;
}

@InputType('UpdateUserInput', { description: 'Fields to change; omitted fields stay as they are.' })
export class UpdateUserInput {
  @Field(() => String, { nullable: true, description: 'The person’s name (姓名).' })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'A role name of `roles` (a change ends the user’s sessions).' })
  role?: string | null;

  @Field(() => String, { nullable: true, description: 'The new jurisdiction root, inside yours (a change ends the user’s sessions).' })
  regionCode?: string | null;

  @Field(() => ID, { nullable: true, description: 'For partner roles: an agency of that kind in your jurisdiction.' })
  agencyId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false deactivates (and ends the user’s sessions); true reactivates.' })
  active?: boolean | null;
}
