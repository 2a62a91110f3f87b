import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { today, type RequestContext } from '../../graphql/context.js';
import { LocalDate } from '../../graphql/scalars.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderService } from '../elders/elder.service.js';
import { ElderType } from '../elders/elder.types.js';
import { ClassificationService } from './classification.service.js';
import { ClassChangeType, ClassificationType, OverrideClassInput } from './classification.types.js';

@Resolver(() => ElderType)
export class ClassificationResolver {
  @FieldResolver(() => ClassificationType, {
    nullable: true,
    description: 'Class A/B/C on `asOf` (default today) with the reasons in words and the rule-set version.',
  })
  classification(
    @Root() elder: Elder,
    @Arg('asOf', () => LocalDate, { nullable: true, description: 'The day to judge on (YYYY-MM-DD, China time); omitted: today.' }) asOf: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ClassificationType | null> {
    return new ClassificationService(ctx).forElder(elder, asOf ?? today(ctx));
  }

  @FieldResolver(() => [ClassChangeType], { description: 'Every class change (recomputations and overrides), newest first.' })
  classHistory(@Root() elder: Elder, @Ctx() ctx: RequestContext): Promise<ClassChangeType[]> {
    return new ClassificationService(ctx).history(elder);
  }

  @Mutation(() => ElderType, {
    description: "Override an elder's computed class, with a reason and an expiry (admins). Replaces an earlier override; kept in the class history.",
  })
  async overrideElderClass(@Arg('input', () => OverrideClassInput, { description: 'The elder, the class to set and why.' }) input: OverrideClassInput, @Ctx() ctx: RequestContext): Promise<Elder> {
    const id = await new ClassificationService(ctx).override(input);
    return new ElderService(ctx).refetch(id);
  }

  @Mutation(() => ElderType, { description: 'End an override now; the computed class applies again.' })
  async revokeClassOverride(
    @Arg('elderId', () => ID, { description: 'The elder whose manual class ends (the computed class applies again).' }) elderId: string,
    @Arg('reason', () => String, { description: 'Why, in words (required; kept in the audit log).' }) reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Elder> {
    const id = await new ClassificationService(ctx).revokeOverride(elderId, reason);
    return new ElderService(ctx).refetch(id);
  }
}
