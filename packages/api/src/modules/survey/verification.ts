import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../shared/sql.js';

/**
 * 动态管理: archives confirmed by a person on `on` (a survey result, an edit of the archive). One statement for any
 * number of archives, through the same database function the home-visit trigger uses (see the migration
 * Migration20261204004000_dynamic_management for why visits verify by trigger and these by call). The date only
 * moves forward: a late-entered survey result never makes an archive look older than its last home visit.
 */
export async function markVerified(em: EntityManager, elderIds: string[], on: string): Promise<void> {
  if (elderIds.length === 0) return;
  await em.execute(`select mark_elders_verified(?::uuid[], ?::date)`, [pgArray(elderIds), on]);
}
