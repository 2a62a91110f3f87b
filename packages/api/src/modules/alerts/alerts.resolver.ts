import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderType } from '../elders/elder.types.js';
import { VisitProofService } from '../visits/visit-proof.service.js';
import { AlertsService } from './alerts.service.js';
import { LocalDate } from '../../graphql/scalars.js';
import { ReferredAlertType } from '../agencies/agency-views.types.js';
import { ALERT_ORDER, AlertConnection, AlertFilter, AlertType, RaiseAlertInput, Referral, ReferralResponse } from './alerts.types.js';
import { ReferralsService } from './referrals.service.js';
import { lagTolerant } from '../../shared/read-replica.js';

@Resolver(() => AlertType)
export class AlertsResolver {
  @Query(() => AlertConnection, { description: `Alerts of elders in your jurisdiction (default: not yet resolved). ${ALERT_ORDER}` })
  alerts(
    @Arg('filter', () => AlertFilter, { nullable: true, description: 'Which alerts (default: every alert of your jurisdiction not yet resolved).' }) filter: AlertFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<AlertType>> {
    return lagTolerant(ctx, (readCtx) => new AlertsService(readCtx).list(filter, page.first, page.after));
  }

  @Mutation(() => AlertType, { description: 'Raise an alert by hand (a finding outside the rules, a call from a neighbour).' })
  raiseAlert(@Arg('input', () => RaiseAlertInput, { description: 'The elder, the title, the detail and the severity.' }) input: RaiseAlertInput, @Ctx() ctx: RequestContext): Promise<AlertType> {
    return new AlertsService(ctx).raise(input);
  }

  @Mutation(() => AlertType, { description: 'Acknowledge an open alert: escalation stops. CONFLICT if `version` is stale or it is no longer open.' })
  acknowledgeAlert(
    @Arg('id', () => ID, { description: 'The alert (Alert.id).' }) id: string,
    @Arg('version', () => Int, { description: 'The version you read (Alert.version): CONFLICT if someone changed the alert since.' }) version: number,
    @Arg('note', () => String, { nullable: true, description: 'What you found or will do (at most 1000 characters).' }) note: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AlertType> {
    return new AlertsService(ctx).acknowledge(id, version, note);
  }

  @Mutation(() => AlertType, { description: '转介: refer the alert to an agency or a professional (acknowledges it if it was open).' })
  referAlert(
    @Arg('id', () => ID, { description: 'The alert (Alert.id).' }) id: string,
    @Arg('version', () => Int, { description: 'The version you read (Alert.version): CONFLICT if someone changed the alert since.' }) version: number,
    @Arg('to', () => Referral, { description: 'Where to refer it: the agencies of that kind whose region holds the elder see it in referredAlerts.' }) to: Referral,
    @Arg('note', () => String, { nullable: true, description: 'What the receiving agency should know (at most 1000 characters).' }) note: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AlertType> {
    return new AlertsService(ctx).refer(id, version, to, note);
  }

  @Mutation(() => AlertType, { description: 'Resolve the alert with what was done.' })
  resolveAlert(
    @Arg('id', () => ID, { description: 'The alert (Alert.id).' }) id: string,
    @Arg('version', () => Int, { description: 'The version you read (Alert.version): CONFLICT if someone changed the alert since.' }) version: number,
    @Arg('resolution', () => String, { description: 'What was done (2-1000 characters).' }) resolution: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AlertType> {
    return new AlertsService(ctx).resolve(id, version, resolution);
  }

  @Mutation(() => ReferredAlertType, {
    description:
      '转介反馈: the agency an alert is referred to answers it (scope alert.respond:referred). ACCEPT (once, while waiting); DECLINE with the reason in `note` (required): the alert goes back to the town (status ACKNOWLEDGED, referralState DECLINED) to refer elsewhere or handle; OUTCOME with what was done in `note` and `outcomeDate` (required, not in the future, not before the referral day in China time): the town then resolves it. Each answer is a step of the timeline and audited (REFERRAL_RESPOND). NOT_FOUND when the alert is not referred to your agency (or its elder is outside your region); CONFLICT when `version` is stale or the referral was already answered that way.',
  })
  respondToReferral(
    @Arg('alertId', () => ID, { description: 'The referred alert (from referredAlerts).' }) alertId: string,
    @Arg('version', () => Int, { description: 'The alert’s version you read (ReferredAlert.version): CONFLICT if it changed since.' }) version: number,
    @Arg('response', () => ReferralResponse, { description: 'ACCEPT, DECLINE (with the reason) or OUTCOME (with what was done and its date).' }) response: ReferralResponse,
    @Arg('note', () => String, { nullable: true, description: 'The reason (DECLINE) or the outcome (OUTCOME); optional with ACCEPT. At most 1000 characters.' }) note: string | null,
    @Arg('outcomeDate', () => LocalDate, { nullable: true, description: 'OUTCOME only: the day it was dealt with.' }) outcomeDate: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ReferredAlertType> {
    return new ReferralsService(ctx).respond(alertId, version, { response, note, outcomeDate });
  }

  /**
   * The same batched, jurisdiction-filtered loader as Visit.elder (one statement per page, shared when both are
   * asked): the archive is masked like any other and its read is audited where it is served (audit/read-audit.ts).
   */
  @FieldResolver(() => ElderType, {
    nullable: true,
    description: 'The elder, by name and village (read-audited like any archive served; ID and phone masked). Needs elder.read:jurisdiction.',
  })
  elder(@Root() alert: AlertType, @Ctx() ctx: RequestContext): Promise<Elder | null> {
    return new VisitProofService(ctx).elderOf(alert.elderId);
  }
}
