import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { UsersService } from './users.service.js';
import { CreateUserInput, RoleType, UpdateUserInput, UserConnection, UserFilter, UserType } from './users.types.js';

@Resolver(() => UserType)
export class UsersResolver {
  @Query(() => UserConnection, { description: 'Users whose jurisdiction lies in yours (admins), active only unless asked.' })
  users(
    @Arg('filter', () => UserFilter, { nullable: true }) filter: UserFilter | null,
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
  createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: RequestContext): Promise<UserType> {
    return new UsersService(ctx).create(input);
  }

  @Mutation(() => UserType, {
    description: 'Change a user’s name, role, jurisdiction or agency, or (de)activate. Nobody changes their own role or deactivates themselves. A change of role, jurisdiction or deactivation ends the user’s sessions. Audited.',
  })
  updateUser(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateUserInput) input: UpdateUserInput, @Ctx() ctx: RequestContext): Promise<UserType> {
    return new UsersService(ctx).update(id, input);
  }

  @Mutation(() => UserType, { description: 'Set a new password (unlocks the account) and end the user’s sessions. Audited.' })
  resetUserPassword(@Arg('id', () => ID) id: string, @Arg('password', () => String) password: string, @Ctx() ctx: RequestContext): Promise<UserType> {
    return new UsersService(ctx).resetPassword(id, password);
  }

  @Mutation(() => UserType, { description: 'Deactivate a user (never deleted), with a reason; ends their sessions. Audited.' })
  deactivateUser(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: RequestContext): Promise<UserType> {
    return new UsersService(ctx).deactivate(id, reason);
  }
}
