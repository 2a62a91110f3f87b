import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { ChangesService, DEFAULT_CHANGES, MAX_CHANGES } from './changes.service.js';
import { ChangeFeedType } from './changes.types.js';

@Resolver()
export class ChangesResolver {
  @Query(() => ChangeFeedType, {
    description: `What changed since a cursor, in order (scope changes.read:view), restricted to your view: civil affairs see every entry of their region subtree; a partner agency sees ELDER entries of elders in its duty view (CLASS too for health and disability), ALERT entries while referred to its kind, its own AGENCY_RECORD entries, never VISIT. Entries say what changed, not the data: read it through your view (\`agencyElders\`, \`referredAlerts\`).

How a partner mirrors: call \`changes\` without \`since\` once; store \`endCursor\`; call \`changes(since: endCursor)\` again until \`hasMore\` is false; then poll from the stored \`endCursor\`. Entries come in commit order, each exactly once: a cursor never passes an entry of a transaction that was still running when the page was read. A partner's view is judged on each entry as the archive stood when the entry took its place in the feed (just after it committed), not as it is now: when an elder leaves your view (moved out of your region, certificate cancelled, no longer flagged) you get one ELDER entry with op LEAVE (drop your copy); when an elder comes into it through a change you do not receive otherwise, an ELDER entry with op ENTER.`,
  })
  changes(
    @Arg('since', () => String, { nullable: true, description: 'An `endCursor` (or an entry\'s `cursor`) from an earlier call; omit to start from the beginning. BAD_USER_INPUT if it is not one.' })
    since: string | null,
    @Arg('first', () => Int, { nullable: true, description: `How many entries at most, 1 to ${MAX_CHANGES} (default ${DEFAULT_CHANGES}).` })
    first: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ChangeFeedType> {
    return new ChangesService(ctx).feed(since, first);
  }
}
