import { Arg, Args, Ctx, FieldResolver, ID, InputType, Field, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderConnection, ElderType } from '../elders/elder.types.js';
import { TeamsService } from './teams.service.js';
import {
  AssignmentResultType,
  AssignmentType,
  AssignVisitorInput,
  CreateTeamInput,
  CreateVisitorInput,
  TeamType,
  VisitorConnection,
  VisitorKind,
  VisitorType,
} from './teams.types.js';

@InputType({ description: 'Which visitors to list; every condition given must hold.' })
export class VisitorFilter {
  @Field(() => String, { nullable: true, description: 'Region subtree (default: your jurisdiction).' })
  regionCode?: string | null;

  @Field(() => VisitorKind, { nullable: true, description: 'Only visitors of this kind.' })
  kind?: VisitorKind | null;

  @Field(() => Boolean, { nullable: true, description: 'Include visitors who have left.' })
  includeInactive?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A name or its beginning.' })
  text?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Only visitors whose area covers this region (e.g. an elder's village): the ones an elder there may be assigned to.",
  })
  serving?: string | null;
}

@Resolver(() => ElderType)
export class TeamsResolver {
  @Query(() => [TeamType], { description: 'Teams of a region subtree (default: your jurisdiction).' })
  teams(@Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null, @Ctx() ctx: RequestContext): Promise<TeamType[]> {
    return new TeamsService(ctx).teams(regionCode);
  }

  @Mutation(() => TeamType, { description: 'Create a team (队伍) in a region of your jurisdiction. Scope team.write:jurisdiction.' })
  createTeam(@Arg('input', () => CreateTeamInput, { description: 'The team: name, kind and region.' }) input: CreateTeamInput, @Ctx() ctx: RequestContext): Promise<TeamType> {
    return new TeamsService(ctx).createTeam(input);
  }

  @Query(() => VisitorConnection, { description: 'Visitors of a region subtree, by name.' })
  visitors(
    @Arg('filter', () => VisitorFilter, { nullable: true, description: 'Which visitors; omitted: all of your jurisdiction.' }) filter: VisitorFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<VisitorType>> {
    return new TeamsService(ctx).visitors(filter, page.first, page.after);
  }

  @Mutation(() => VisitorType, { description: 'Register a visitor (探访人员), optionally linked to a login. Scope team.write:jurisdiction.' })
  createVisitor(@Arg('input', () => CreateVisitorInput, { description: 'The visitor: name, kind, region and contact.' }) input: CreateVisitorInput, @Ctx() ctx: RequestContext): Promise<VisitorType> {
    return new TeamsService(ctx).createVisitor(input);
  }

  @Mutation(() => AssignmentResultType, {
    description: '结对: make a visitor the responsible contact (PRIMARY, replacing the previous one) or a helper of up to 1,000 elders. All or nothing.',
  })
  assignVisitor(@Arg('input', () => AssignVisitorInput, { description: 'The elders, the visitor and the role.' }) input: AssignVisitorInput, @Ctx() ctx: RequestContext): Promise<AssignmentResultType> {
    return new TeamsService(ctx).assign(input);
  }

  @Mutation(() => Boolean, { description: 'End one assignment. An elder without a responsible contact shows in `unassignedElders`.' })
  async unassignVisitor(
    @Arg('elderId', () => ID, { description: 'The elder.' }) elderId: string,
    @Arg('visitorId', () => ID, { description: 'The visitor to take off the elder.' }) visitorId: string,
    @Arg('reason', () => String, { description: 'Why, in words (required; kept in the audit log).' }) reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<boolean> {
    return (await new TeamsService(ctx).unassign(elderId, visitorId, reason)) > 0;
  }

  @Mutation(() => AssignmentResultType, {
    description:
      "Move every elder of one visitor (e.g. leaving) to another, with the same roles, in one transaction: no elder is left without a contact. With `leftOn`, the first visitor is marked as left.",
  })
  reassignVisitor(
    @Arg('from', () => ID, { description: 'The visitor leaving (离任).' }) from: string,
    @Arg('to', () => ID, { description: 'The visitor taking over every elder of `from`.' }) to: string,
    @Arg('reason', () => String, { description: 'Why, in words (required; kept in the audit log).' }) reason: string,
    @Arg('leftOn', () => LocalDate, { nullable: true, description: 'The day `from` left (YYYY-MM-DD, not in the future): given, `from` is also marked inactive; omitted, `from` stays active.' }) leftOn: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AssignmentResultType> {
    return new TeamsService(ctx).reassign(from, to, reason, leftOn);
  }

  @Query(() => ElderConnection, { description: 'Active elders of a region subtree without a responsible contact, class A first.' })
  unassignedElders(
    @Arg('regionCode', () => String, { nullable: true, description: 'Region (division code, 2 to 12 digits) inside your jurisdiction; omitted: your whole jurisdiction.' }) regionCode: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<Elder>> {
    return new TeamsService(ctx).unassigned(regionCode, page.first, page.after);
  }

  @FieldResolver(() => [AssignmentType], { description: 'Who is responsible for and helps with this elder (with `includeEnded`, the history).' })
  assignments(
    @Root() elder: Elder,
    @Arg('includeEnded', () => Boolean, { defaultValue: false, description: 'Include ended assignments (the history).' }) includeEnded: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<AssignmentType[]> {
    return new TeamsService(ctx).assignmentsOf(elder, includeEnded);
  }
}
