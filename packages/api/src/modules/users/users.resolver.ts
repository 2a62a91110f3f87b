import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { UsersService } from './users.service.js';
import { CreateUserInput, RoleType, UpdateUserInput, UserConnection, UserFilter, UserType } from './users.types.js';

@Resolver(() => UserType)
export class UsersResolver {
  @Query(() => UserConnection, { description: 'Users whose jurisdiction lies in yours (admins), active only unless asked.' })
  users(
    @Arg('filter', () => UserFilter, { nullable: true, description: 'Which users; omitted: all of your jurisdiction.' }) filter: UserFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<UserType>> {
    return new UsersService(ctx).list(filter, page.first, page.after);
  }

  @Query(() => [RoleType], { description: 'The roles and the scopes each one grants.' })
  roles(@Ctx() ctx: RequestContext): RoleType[] {
    return new UsersService(ctx).roles();
  }

  @Mutation(() => UserType, { description: 'Create a user inside your jurisdiction. Audited.' })
  createUser(@Arg('input', () => CreateUserInput, { description: 'The account: username, name, role, region and first password.' }) input: CreateUserInput, @Ctx() ctx: RequestContext): Promise<UserType> {
    return new UsersService(ctx).create(input);
  }

  @Mutation(() => UserType, {
    description: 'Change a user’s name, role, jurisdiction or agency, or (de)activate. Nobody changes their own role or deactivates themselves. A change of role, jurisdiction or deactivation ends the user’s sessions. Audited.',
  })
  updateUser(@Arg('id', () => ID, { description: 'The user.' }) id: string, @Arg('input', () => UpdateUserInput, { description: 'Only the fields given change.' }) input: UpdateUserInput, @Ctx() ctx: RequestContext): Promise<UserType> {
    return new UsersService(ctx).update(id, input);
  }

  @Mutation(() => UserType, { description: 'Set a new password (unlocks the account) and end the user’s sessions. Audited.' })
  resetUserPassword(@Arg('id', () => ID, { description: 'The user.' }) id: string, @Arg('password', () => String, { description: 'The new password (the user should change it); ends the user’s sessions.' }) password: string, @Ctx() ctx: RequestContext): Promise<UserType> {
    return new UsersService(ctx).resetPassword(id, password);
  }

  @Mutation(() => UserType, { description: 'Deactivate a user (never deleted), with a reason; ends their sessions. Audited.' })
  deactivateUser(@Arg('id', () => ID, { description: 'The user.' }) id: string, @Arg('reason', () => String, { description: 'Why, in words (required; kept in the audit log).' }) reason: string, @Ctx() ctx: RequestContext): Promise<UserType> {
    return new UsersService(ctx).deactivate(id, reason);
  }
}
