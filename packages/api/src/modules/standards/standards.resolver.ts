import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { LocalDate } from '../../graphql/scalars.js';
import { StandardsService } from './standards.service.js';
import { CampaignType, CreateCampaignInput, CreateVisitStandardInput, VisitStandardType } from './standards.types.js';

@Resolver()
export class StandardsResolver {
  @Query(() => [VisitStandardType], {
    description: 'Visit standards in force in your jurisdiction (the baseline and raises on your region, its ancestors or inside it), and the templates.',
  })
  visitStandards(
    @Arg('includeTemplates', () => Boolean, { defaultValue: true, description: 'Include the national and seed templates (模板) a region may adopt.' }) includeTemplates: boolean,
    @Arg('includeRetired', () => Boolean, { defaultValue: false, description: 'Include retired standards.' }) includeRetired: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<VisitStandardType[]> {
    return new StandardsService(ctx).list(includeTemplates, includeRetired);
  }

  @Mutation(() => VisitStandardType, {
    description: 'Raise the visit standard of a region subtree: its requirements add to those above (可提供高于本方案的服务).',
  })
  createVisitStandard(@Arg('input', () => CreateVisitStandardInput, { description: 'The standard and its requirements.' }) input: CreateVisitStandardInput, @Ctx() ctx: RequestContext): Promise<VisitStandardType> {
    return new StandardsService(ctx).create(input);
  }

  @Mutation(() => VisitStandardType, { description: "Adopt a template (Shanghai's, Huining's, the epidemic plan's) as a raise for a region subtree." })
  adoptVisitStandard(
    @Arg('templateId', () => ID, { description: 'The template to copy.' }) templateId: string,
    @Arg('regionCode', () => String, { description: 'The region it will apply to (its subtree); inside your jurisdiction.' }) regionCode: string,
    @Arg('effectiveFrom', () => LocalDate, { nullable: true, description: 'First day it applies (YYYY-MM-DD, China time); omitted: today.' }) effectiveFrom: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<VisitStandardType> {
    return new StandardsService(ctx).adopt(templateId, regionCode, effectiveFrom);
  }

  @Mutation(() => VisitStandardType, { description: 'Retire a raise (never the baseline): its subtree returns to the standards above.' })
  retireVisitStandard(@Arg('id', () => ID, { description: 'The standard to retire.' }) id: string, @Arg('reason', () => String, { description: 'Why, in words (required; kept in the audit log).' }) reason: string, @Ctx() ctx: RequestContext): Promise<VisitStandardType> {
    return new StandardsService(ctx).retire(id, reason);
  }

  @Query(() => [CampaignType], { description: 'Campaigns (叠加探访) over your jurisdiction; with `activeOn`, only those running that day.' })
  campaigns(@Arg('activeOn', () => LocalDate, { nullable: true, description: 'Only campaigns running on this day (YYYY-MM-DD); omitted: every campaign.' }) activeOn: string | null, @Ctx() ctx: RequestContext): Promise<CampaignType[]> {
    return new StandardsService(ctx).campaigns(activeOn);
  }

  @Mutation(() => CampaignType, { description: 'Open a campaign (叠加探访) for extreme weather, a festival, a disaster or an epidemic.' })
  createCampaign(@Arg('input', () => CreateCampaignInput, { description: 'The campaign: region, dates, classes and the extra visits it requires.' }) input: CreateCampaignInput, @Ctx() ctx: RequestContext): Promise<CampaignType> {
    return new StandardsService(ctx).createCampaign(input);
  }

  @Mutation(() => CampaignType, { description: 'Cancel a campaign; its requirements stop at once.' })
  cancelCampaign(@Arg('id', () => ID, { description: 'The campaign to cancel.' }) id: string, @Arg('reason', () => String, { description: 'Why, in words (required; kept in the audit log).' }) reason: string, @Ctx() ctx: RequestContext): Promise<CampaignType> {
    return new StandardsService(ctx).cancelCampaign(id, reason);
  }
}
