import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import type { Region } from './region.entity.js';
import { RegionService } from './region.service.js';
import { LEVEL_NAMES, RegionType } from './region.types.js';

@Resolver(() => RegionType)
export class RegionResolver {
  @Query(() => [RegionType], {
    description:
      'Children of `parentCode`, or the root of your jurisdiction when it is omitted. You see your own subtree and the ancestors above it.',
  })
  regions(
    @Arg('parentCode', () => String, { nullable: true, description: 'List the children of this region; omitted: the answer is the root region of your jurisdiction itself.' }) parentCode: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Region[]> {
    return new RegionService(ctx).children(parentCode);
  }

  @Query(() => [RegionType], {
    description:
      'Regions of your subtree whose name contains `text` (any level), towns before villages, at most `first` (default 20, at most 50). A region\'s ancestors are the prefixes of its code.',
  })
  searchRegions(
    @Arg('text', () => String, { description: 'Part of a region’s name or code; `%` and `_` match themselves.' }) text: string,
    @Arg('first', () => Int, { nullable: true, description: 'How many at most, 1 to 50 (default 20).' }) first: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Region[]> {
    return new RegionService(ctx).search(text, first);
  }

  @Query(() => RegionType, { description: 'One region; NOT_FOUND outside your subtree and its ancestors.' })
  region(@Arg('code', () => String, { description: 'The division code (2, 4, 6, 9 or 12 digits); NOT_FOUND outside your jurisdiction.' }) code: string, @Ctx() ctx: RequestContext): Promise<Region> {
    return new RegionService(ctx).get(code);
  }

  @FieldResolver(() => String, { description: 'Name of the level: 省, 市, 县（区）, 乡镇（街道）, 村（社区）.' })
  levelName(@Root() region: Region): string {
    return LEVEL_NAMES[region.level] ?? '';
  }

  @FieldResolver(() => String, {
    description: 'The town and the village (e.g. 三埠街道 东河社区居委会), for rows of people; at county level or above, the name.',
  })
  async localPath(@Root() region: Region, @Ctx() ctx: RequestContext): Promise<string> {
    return (await new RegionService(ctx).localPath(region.code)) ?? region.name;
  }

  @FieldResolver(() => RegionType, { nullable: true, description: 'The region one level up; null for a province, or when it lies outside what you may see.' })
  parent(@Root() region: Region, @Ctx() ctx: RequestContext): Promise<Region | null> {
    return new RegionService(ctx).parent(region);
  }

  @FieldResolver(() => [RegionType], { description: 'The regions one level down that you may see; empty for a village.' })
  children(@Root() region: Region, @Ctx() ctx: RequestContext): Promise<Region[]> {
    return new RegionService(ctx).childrenOf(region);
  }
}
