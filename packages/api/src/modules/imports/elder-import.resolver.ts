import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { ElderImportService } from './elder-import.service.js';
import { ElderImportBatch, ElderImportResultType } from './elder-import.types.js';

@Resolver()
export class ElderImportResolver {
  @Mutation(() => ElderImportResultType, {
    description:
      'Import archives from an office’s own registry (基本信息登记表): up to 5,000 records, each answered in order (CREATED, EXISTS in or outside your jurisdiction, UPDATED with updateExisting, REJECTED with every field error). Invalid records never block valid ones. dryRun: true writes nothing and gives the same verdicts. Idempotent by idempotencyKey (same key, same records: the stored answer, replayed; other records: CONFLICT). Needs the scope of registerElder; villages outside your jurisdiction are rejected per record.',
  })
  importElders(@Arg('batch', () => ElderImportBatch, { description: 'The rows of the spreadsheet (up to 5,000) with an idempotency key.' }) batch: ElderImportBatch, @Ctx() ctx: RequestContext): Promise<ElderImportResultType> {
    return new ElderImportService(ctx).import(batch);
  }
}
