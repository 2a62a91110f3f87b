import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { VisitImportService } from './visit-import.service.js';
import { VisitImportBatch, VisitImportResultType } from './visit-import.types.js';

@Resolver()
export class VisitImportResolver {
  @Mutation(() => VisitImportResultType, {
    description:
      'Import historical visit records (探访台账), up to 5,000 a call, for archives in your jurisdiction (scope visit.create:jurisdiction). Each record is answered in order: CREATED, EXISTS (that elder already has a visit that day by that method: nothing written) or REJECTED with every field error; a bad record never blocks the others. Visits are numbered by date per elder (history before existing visits renumbers them). Findings raise alerts as a live visit’s do, except history older than TANFANG_IMPORT_ALERT_DAYS (default 30) days, whose alerts are recorded as already resolved. Reports and visit rates of the months concerned count the visits. `dryRun` gives the same verdicts and writes nothing; the same `idempotencyKey` replays the stored answer.',
  })
  importVisits(@Arg('batch', () => VisitImportBatch, { description: 'The rows of the spreadsheet (up to 5,000) with an idempotency key.' }) batch: VisitImportBatch, @Ctx() ctx: RequestContext): Promise<VisitImportResultType> {
    return new VisitImportService(ctx).importVisits(batch);
  }
}
