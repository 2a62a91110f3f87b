import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { LocalDate } from '../../graphql/scalars.js';
import { LedgerService } from './ledgers.service.js';
import { RegistrationFormType, VisitRecordFormType } from './ledgers.types.js';

@Resolver()
export class LedgersResolver {
  @Query(() => [RegistrationFormType], {
    description:
      '基本信息登记表 to print: one elder (`elderId`) or a village’s active elders (`villageCode`), in the order name, id. Identity masked; ' +
      'with `revealPurpose` (2-200 characters, needs the reveal scope) the full ID and phone numbers, audited with the purpose. Every form served is audited. ' +
      'At most 200 forms a print: a larger village is printed in parts (`part`); asked without one, it is BAD_USER_INPUT with extensions.limit PRINT_PARTS, forms, parts and partSize.',
  })
  registrationForms(
    @Arg('elderId', () => ID, { nullable: true, description: 'One elder’s form (give this or villageCode).' }) elderId: string | null,
    @Arg('villageCode', () => String, { nullable: true, description: 'Every active elder of this village (12-digit code, at most 500); give this or elderId.' }) villageCode: string | null,
    @Arg('revealPurpose', () => String, { nullable: true, description: 'To print full ID and phone numbers: why (2 to 200 characters; needs the reveal scope; audited).' }) revealPurpose: string | null,
    @Arg('part', () => Int, { nullable: true, description: 'Which part of a batch above 200 forms (1 = forms 1-200, 2 = 201-400, ...).' }) part: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RegistrationFormType[]> {
    return new LedgerService(ctx).registrationForms({ elderId, villageCode, revealPurpose, part });
  }

  @Query(() => [VisitRecordFormType], {
    description: '探访关爱服务记录表 to print: one visit (`visitId`) or a village’s visits from `from` to `to`, by day. Audited. ' +
      'At most 200 forms a print: more are printed in parts (`part`), as registrationForms.',
  })
  visitRecordForms(
    @Arg('visitId', () => ID, { nullable: true, description: 'One visit’s form (give this or villageCode with from and to).' }) visitId: string | null,
    @Arg('villageCode', () => String, { nullable: true, description: 'The village (12-digit code) whose visits to print.' }) villageCode: string | null,
    @Arg('from', () => LocalDate, { nullable: true, description: 'First visit day (YYYY-MM-DD, China time), with villageCode.' }) from: string | null,
    @Arg('to', () => LocalDate, { nullable: true, description: 'Last visit day (YYYY-MM-DD, China time), with villageCode.' }) to: string | null,
    @Arg('part', () => Int, { nullable: true, description: 'Which part of a batch above 200 forms (1 = forms 1-200, 2 = 201-400, ...).' }) part: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<VisitRecordFormType[]> {
    return new LedgerService(ctx).visitRecordForms({ visitId, villageCode, from, to, part });
  }
}
