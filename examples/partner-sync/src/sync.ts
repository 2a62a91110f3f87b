import {
  ChangesDocument,
  MeDocument,
  SyncDisabilityCertificatesDocument,
  type DisabilityCertificateInput,
  type SyncAnswerFragment,
} from '@tanfang/schema/partner';
import { request } from './client.js';

export interface SyncOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  api: string;
  /** The agency's API key (tfk_...): created once by the agency's user, see docs/partners.md. */
  key: string;
  /** The records of this batch (here: the disability federation's certificates). */
  records: DisabilityCertificateInput[];
  /** One key per batch: resending the same batch with it is safe (the stored answer comes back). */
  idempotencyKey: string;
  /** Where the mirror resumes: the `endCursor` kept from the last run (null: from the beginning). */
  since: string | null;
  log?: (line: string) => void;
}

export interface SyncReport {
  agency: string;
  dryRun: SyncAnswerFragment;
  real: SyncAnswerFragment | null;
  /** Entries read from the change feed, and the cursor to keep for the next run. */
  changes: number;
  endCursor: string | null;
}

function summary(answer: SyncAnswerFragment): string {
  return `received ${answer.received}: created ${answer.created}, updated ${answer.updated}, unchanged ${answer.unchanged}, rejected ${answer.rejected}, conflicts ${answer.conflicts}`;
}

/**
 * The whole round a partner's system makes: who am I, a dry run of the batch, the real run only if the dry run
 * rejected nothing, then the change feed mirrored to its end.
 */
export async function runPartnerSync(options: SyncOptions): Promise<SyncReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { me } = await request(options.api, options.key, MeDocument, {});
  if (!me) throw new Error('The key was not accepted (no caller): check TANFANG_KEY');
  log(`signed in as ${me.displayName} (${me.role}), scopes: ${me.scopes.join(' ')}`);

  const batch = { idempotencyKey: options.idempotencyKey, records: options.records };
  const dry = (await request(options.api, options.key, SyncDisabilityCertificatesDocument, { batch: { ...batch, dryRun: true } }))
    .syncDisabilityCertificates;
  log(`dry run: ${summary(dry)}`);
  for (const r of dry.results) {
    log(`  ${r.externalId}: ${r.status} ${r.match}${r.errors.map((e) => ` [${e.field}: ${e.messageEn}]`).join('')}`);
  }

  let real: SyncAnswerFragment | null = null;
  if (dry.rejected === 0 && dry.conflicts === 0) {
    real = (await request(options.api, options.key, SyncDisabilityCertificatesDocument, { batch })).syncDisabilityCertificates;
    log(`real run: ${summary(real)} (batch ${real.batchId ?? 'replayed'})`);
  } else {
    log('the dry run found problems: fix the records above and run again (nothing was written)');
  }

  // Mirror: pages of up to 1,000 entries until hasMore is false; keep endCursor for the next run.
  let since = options.since;
  let changes = 0;
  for (;;) {
    const page = (await request(options.api, options.key, ChangesDocument, { since, first: 1000 })).changes;
    changes += page.entries.length;
    for (const e of page.entries) {
      // A real system updates its copy here: read the elder through agencyElders on ELDER entries, drop it on LEAVE.
      if (e.op === 'LEAVE') log(`  elder ${e.elderId ?? e.entityId} left our view`);
    }
    since = page.endCursor ?? since;
    if (!page.hasMore) break;
  }
  log(`change feed: ${changes} entries, keep endCursor ${since ?? '(none)'}`);
  return { agency: me.displayName, dryRun: dry, real, changes, endCursor: since };
}
