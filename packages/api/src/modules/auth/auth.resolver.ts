import { ROLE_LABELS } from '@tanfang/schema';
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { DEFAULT_IDLE_MINUTES } from '../../config/env.js';
import type { RequestContext } from '../../graphql/context.js';
import type { Region } from '../regions/region.entity.js';
import { RegionService } from '../regions/region.service.js';
import { RegionType } from '../regions/region.types.js';
import type { Actor } from './actor.js';
import { actorFor } from './actor.js';
import { AuthService } from './auth.service.js';
import { LoginPayloadType, MeType } from './auth.types.js';

function meOf(actor: Actor, ctx: RequestContext): MeType {
  return {
    id: actor.userId,
    username: actor.username,
    displayName: actor.displayName,
    role: actor.role,
    roleLabel: ROLE_LABELS[actor.role].zh,
    scopes: [...actor.scopes],
    regionCode: actor.regionCode,
    idleMinutes: ctx.idleMinutes ?? DEFAULT_IDLE_MINUTES,
  };
}

@Resolver(() => MeType)
export class AuthResolver {
  constructor() {}

  @Mutation(() => LoginPayloadType, {
    description:
      'Log in. Wrong credentials are UNAUTHENTICATED; 5 failures in a row for a username, whether or not it exists, lock it for 15 minutes (TOO_MANY_ATTEMPTS).',
  })
  async login(
    @Arg('username', () => String, { description: 'The login name (surrounding spaces ignored).' }) username: string,
    @Arg('password', () => String, { description: 'The password.' }) password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<LoginPayloadType> {
    const result = await new AuthService(ctx, ctx.sessionHours).login(username, password);
    const actor = actorFor({ ...result.user, regionCode: result.user.region.unwrap().code });
    return { token: result.token, expiresAt: result.expiresAt, me: meOf(actor, ctx) };
  }

  @Mutation(() => Boolean, { description: 'End the session of the token this request carries.' })
  logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    return new AuthService(ctx, ctx.sessionHours).logout();
  }

  @Query(() => MeType, { nullable: true, description: 'The logged-in user, or null without a valid token.' })
  me(@Ctx() ctx: RequestContext): MeType | null {
    return ctx.actor ? meOf(ctx.actor, ctx) : null;
  }

  @FieldResolver(() => RegionType, { description: 'The jurisdiction root.' })
  region(@Root() me: MeType, @Ctx() ctx: RequestContext): Promise<Region> {
    return new RegionService(ctx).byCode().load(me.regionCode) as Promise<Region>;
  }
}
