import { Arg, Ctx, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderType } from '../elders/elder.types.js';
import { VisitProofService } from './visit-proof.service.js';
import { Scope } from '@tanfang/schema';
import { requireScope } from '../../graphql/context.js';
import { proofLimitsOf } from './visits.proof.js';
import { ElderReferenceLocationResultType, VisitFlagThresholdsType, VisitProofImagesType, VisitType } from './visits.types.js';

/** Proof of visit (探访核查): the images behind their own scope, the reference location, and a visit's archive. */
@Resolver(() => VisitType)
export class VisitProofResolver {
  @Query(() => VisitProofImagesType, {
    description:
      'The signatures and photo of a visit as data URLs. Needs visit.proof.read:jurisdiction; NOT_FOUND outside your jurisdiction (like a missing visit). Every view is audited (VISIT_PROOF_READ).',
  })
  visitProof(@Arg('visitId', () => ID, { description: 'The visit.' }) visitId: string, @Ctx() ctx: RequestContext): Promise<VisitProofImagesType> {
    return new VisitProofService(ctx).images(visitId);
  }

  @Query(() => VisitFlagThresholdsType, { description: 'The thresholds of the visit flags, as configured. Needs visit.read:jurisdiction.' })
  visitFlagThresholds(@Ctx() ctx: RequestContext): VisitFlagThresholdsType {
    requireScope(ctx, Scope.VisitRead);
    const { maxDistanceMeters, lateEntryHours, minMinutes } = proofLimitsOf(ctx);
    return { maxDistanceMeters, lateEntryHours, minMinutes };
  }

  @Mutation(() => ElderReferenceLocationResultType, {
    description:
      'Set where an elder is visited (replacing the first home visit’s location). The distance and FAR_FROM_REFERENCE flag of every home visit of the elder with GPS are recomputed. Needs elder.write:jurisdiction; audited.',
  })
  setElderReferenceLocation(
    @Arg('elderId', () => ID, { description: 'The elder.' }) elderId: string,
    @Arg('latitude', () => Float, { description: 'Latitude of the elder’s home in decimal degrees as the phone reports it, -90 to 90 (kept to 6 decimals).' }) latitude: number,
    @Arg('longitude', () => Float, { description: 'Longitude of the elder’s home in decimal degrees as the phone reports it, -180 to 180 (kept to 6 decimals).' }) longitude: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ElderReferenceLocationResultType> {
    return new VisitProofService(ctx).setReference(elderId, latitude, longitude);
  }

  @FieldResolver(() => ElderType, { nullable: true, description: 'The archive visited (read-audited like any archive served). Needs elder.read:jurisdiction.' })
  elder(@Root() visit: VisitType, @Ctx() ctx: RequestContext): Promise<Elder | null> {
    return new VisitProofService(ctx).elderOf(visit.elderId);
  }
}
