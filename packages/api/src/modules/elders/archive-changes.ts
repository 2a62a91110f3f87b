import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../graphql/context.js';
import { maskCertificateNumber } from '../../shared/masking.js';
import type { FieldChange } from '../audit/audit-event.entity.js';
import { writeAudit, type AuditActionName } from '../audit/audit.service.js';
import { reclassify } from '../classification/classification.service.js';

/**
 * The archive columns a set-based change may write, with the name its audit entry uses (null: provenance, not audited).
 * Identity, contacts and household lists are edited through the registry's form (ElderService.update) only.
 */
const COLUMNS = {
  status: 'status',
  status_date: 'statusDate',
  status_reason: 'statusReason',
  accepts_visits: 'acceptsVisits',
  region_code: 'regionCode',
  circumstances: 'circumstances',
  incapacity_level: 'incapacityLevel',
  incapacity_source: null,
  disability_certificate_number: 'disabilityCertificateNumber',
  disability_category: 'disabilityCategory',
  disability_grade: 'disabilityGrade',
  disability_source: null,
  family_planning_kind: 'familyPlanningKind',
  family_planning_source: null,
} as const;

export type ArchiveColumn = keyof typeof COLUMNS;

export interface ArchiveChangeSet {
  elderId: string;
  /** Only the columns named change (a null value clears one); the rest stays. */
  set: Partial<Record<ArchiveColumn, string | number | boolean | string[] | null>>;
  /** The audit action of the change (ELDER_UPDATE, ELDER_CLOSE, ...) and what caused it (source record, conflict, transfer). */
  action: AuditActionName;
  detail: Record<string, unknown>;
}

const CAST: Partial<Record<ArchiveColumn, string>> = { status_date: '::date', disability_grade: '::smallint', accepts_visits: '::boolean' };
const MASK: Record<string, (v: unknown) => unknown> = { disabilityCertificateNumber: (v) => maskCertificateNumber(v as string | null) };

/**
 * The one set-based write path for archive changes that do not come through the registry's form: a person closing,
 * reopening or recording a refusal (ElderService, after its version check under the row lock), agency records'
 * effects, settled data conflicts, accepted transfers. One UPDATE for any number of archives (several changes of one
 * archive merge, later ones winning column by column), the version bumped, the class recomputed in the same
 * transaction, and the audit entries made from what really changed (old and new read by the same statement),
 * never written by hand. Callers lock the archives first (one lock order: by id) when they read them to decide.
 */
export async function applyArchiveChanges(ctx: RequestContext, em: EntityManager, changes: ArchiveChangeSet[]): Promise<string[]> {
  if (changes.length === 0) return [];
  const merged = new Map<string, ArchiveChangeSet>();
  for (const c of changes) {
    const prior = merged.get(c.elderId);
    merged.set(c.elderId, prior ? { ...c, set: { ...prior.set, ...c.set } } : c);
  }
  const rows = [...merged.values()].map((c) => ({ id: c.elderId, ...c.set }));
  const columns = Object.keys(COLUMNS) as ArchiveColumn[];
  const assignments = columns.map((col) =>
    col === 'circumstances'
      ? `circumstances = case when (x.u->'circumstances') is not null then array(select jsonb_array_elements_text(x.u->'circumstances')) else e.circumstances end`
      : `${col} = case when (x.u->'${col}') is not null then (x.u->>'${col}')${CAST[col] ?? ''} else e.${col} end`,
  );
  const now = ctx.now();
  const updated = await em.execute<Record<string, unknown>[]>(
    `update elder e set ${assignments.join(',\n')},
            county_code = case when (x.u->'region_code') is not null then left(x.u->>'region_code', 6) else e.county_code end,
            version = e.version + 1, updated_at = ?
       from (select u, o.* from jsonb_array_elements(?::jsonb) as u join elder o on o.id = (u->>'id')::uuid) x
      where e.id = x.id
      returning e.id, e.region_code as region_now,
        ${columns.filter((c) => COLUMNS[c]).map((c) => `to_jsonb(x.${c}) as "old_${c}", to_jsonb(e.${c}) as "new_${c}"`).join(', ')}`,
    [now, JSON.stringify(rows)],
  );
  const audits = updated.flatMap((row) => {
    const change = merged.get(row.id as string)!;
    const fields: FieldChange[] = [];
    for (const col of columns) {
      const field = COLUMNS[col];
      if (!field) continue;
      const [old, now] = [row[`old_${col}`] ?? null, row[`new_${col}`] ?? null];
      if (JSON.stringify(old) === JSON.stringify(now)) continue;
      const mask = MASK[field] ?? ((v: unknown) => v);
      fields.push({ field, old: mask(old), new: mask(now) });
    }
    // Provenance alone (an agency confirming a value already there) is not a change of the archive.
    return fields.length === 0 ? [] : [{ action: change.action, elderId: row.id as string, regionCode: row.region_now as string, changes: fields, detail: change.detail }];
  });
  const ids = updated.map((r) => r.id as string);
  await reclassify(em, ids, now, ctx.actor?.userId ?? null);
  if (audits.length > 0) await writeAudit(ctx, audits, em);
  return ids;
}
