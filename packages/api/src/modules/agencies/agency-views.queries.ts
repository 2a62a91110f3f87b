import { auditParams, NamedParams, type CompiledStatement, type ReadAuditOptions } from '../elders/elder.queries.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { AuditAction } from '../audit/audit.service.js';
import { AGENCY_VIEWS, type PartnerKind } from './agency-views.js';

/**
 * `agencyElders` compiled to ONE statement (issue 17 item 2, the fifth hot read; elder.queries.ts compiles the other
 * four): the caller's agency (a CTE: its kind must be the caller's role, as requirePartner checks), the page of its
 * duty view, the total, and the AGENCY_VIEW_READ audit row as a data-modifying CTE, written only when the page has
 * elders. The service reads the agency's columns back to refuse exactly as requirePartner and the region filter
 * check do: a refused request finds no `ok` row, so it reads no elder and writes no audit row.
 *
 * The fields are the duty view's columns (FIELD_SQL in agency-views.service.ts), masked by the service's toElder as
 * on the uncompiled path, so both paths give the same answers from the same columns.
 *
 * Why it is cheaper than the uncompiled statement besides the round trips: the page's ids are chosen first (the
 * subtree said the way the list indexes read it, limit before any column, contact or latest visit is read), and the
 * total of a view that holds every elder (police, health) without a text filter is a sum of the maintained counts per
 * village and status (elder_region_count, migration 021300: exact at every commit) instead of a count of the
 * whole subtree on every request.
 */

/** The columns a duty view selects, with their `?` values in order, and the latest-visit join when it needs one. */
export interface AgencySelection {
  columns: string[];
  params: unknown[];
  lateral: string;
}

export interface AgencyPageArgs {
  agencyId: string;
  kind: PartnerKind;
  actorRegion: string;
  /** The region filter, already checked to lie inside the caller's own subtree; null without one. */
  regionCode: string | null;
  /** The text filter's condition on `elder e`, with its `?` values. */
  text: { sql: string; params: unknown[] } | null;
  selection: AgencySelection;
  after: [string, string] | null;
  size: number;
  /** Whether the selection asks for totalCount (not counted otherwise). */
  total: boolean;
  /** Who reads, for the audit row; `inStatement` false leaves it to the service (writeReadAudit). */
  audit: ReadAuditOptions;
  /** Inside a transaction the commit setting would cover all of it: keep it synchronous then (as writeReadAudit). */
  asyncCommit: boolean;
}

/** The subtree of `code` said the way the list indexes read it (elder_county_name_idx, elder_town_name_idx). */
function subtreeOf(code: string, ref: string): string {
  if (code.length === 6) return `e.county_code = ${ref}`;
  if (code.length === 9) return `left(e.region_code, 9) = ${ref}`;
  return inSubtree('e.region_code', ref);
}

/**
 * Whether a view's total can be read from the maintained counts: only a view holding every elder of the subtree
 * (its condition is `true`), whatever the status, and no text filter. The disability and housing views' conditions
 * (a certificate or circumstance; a flagged archive, visit or alert) are not kept per village: they are counted.
 */
export function countedFromMaintained(kind: PartnerKind, text: boolean): boolean {
  return AGENCY_VIEWS[kind].elders.trim() === 'true' && !text;
}

/**
 * One row per elder of the page (size + 1 read, to know whether more follow) with the agency's columns and the total
 * on each; one row with a null `id` when the page is empty; no row when the caller's agency does not exist.
 */
export function compileAgencyElders(a: AgencyPageArgs): CompiledStatement {
  const view = AGENCY_VIEWS[a.kind];
  const code = a.regionCode ?? a.actorRegion;
  const p = new NamedParams({
    agencyId: a.agencyId, kind: a.kind, actorRegion: a.actorRegion, code, filterCode: a.regionCode,
    afterName: a.after?.[0] ?? null, afterId: a.after?.[1] ?? null, size: a.size, ...auditParams(a.audit),
  });
  // The agency: found and of the caller's kind, and (with a region filter) holding that region, else `ok` is empty.
  const ag = `ag as (select a.id, a.kind, a.region_code from agency a where a.id = ${p.ref('agencyId', 'uuid')})`;
  const ok = `ok as (select ag.* from ag where ag.kind = ${p.ref('kind', 'text')}${
    a.regionCode ? ` and ${inSubtree(p.ref('filterCode', 'text'), 'ag.region_code')}` : ''})`;
  // The caller's own subtree is implied by the filter's (checked by the service); the agency's is applied on top, in
  // one of two disjoint branches. Usually the agency's subtree holds the asked one (a partner works at its agency's
  // region or below): the asked subtree alone is read, said the way the list indexes read it, and the agency's check
  // is one value for the whole statement (a gating subquery), so the planner's row estimate stays the subtree's and
  // a page is read in name order from the index. Otherwise (a user above its agency's region) the agency's subtree,
  // which then lies inside the asked one; disjoint subtrees read nothing.
  const codeRef = p.ref('code', 'text');
  const covered = `${subtreeOf(code, codeRef)} and (select ${inSubtree(codeRef, 'ok.region_code')} from ok)`;
  const inside = `${inSubtree('e.region_code', '(select ok.region_code from ok)')}
    and (select not ${inSubtree(codeRef, 'ok.region_code')} and ${inSubtree('ok.region_code', codeRef)} from ok)`;
  const conds = [view.elders];
  if (a.text) conds.push(p.positional('t', a.text.sql, a.text.params));
  const rest = conds.join(' and ');
  /** The cursor's condition on relation `x` (name, id), with the word joining it; nothing on a first page. */
  const after = (x: string, word: string) => (a.after ? ` ${word} (${x}.name, ${x}.id) > (${p.ref('afterName', 'text')}, ${p.ref('afterId', 'uuid')})` : '');
  const size = p.ref('size', 'int');
  const branches = (tail: string) =>
    [covered, inside].map((scope) => `(select e.id, e.name from elder e where ${scope} and ${rest}${tail})`).join(' union all ');
  const maintained = countedFromMaintained(a.kind, !!a.text);
  // Counted (a view with its own condition, or a text filter): the view's elders are matched once (materialized: the
  // disability and housing conditions probe certificates, visits and alerts per elder) and both the count and the
  // page read them. Otherwise the page's ids are read straight in name order (the list indexes) and limited.
  const counted = a.total && !maintained;
  const matched = `matched as materialized (${branches('')})`;
  const ids = counted
    ? `ids as (select m.id, m.name from matched m${after('m', 'where')} order by m.name, m.id limit ${size} + 1)`
    : `ids as (select u.id, u.name from (${branches(`${after('e', 'and')} order by e.name, e.id limit ${size} + 1`)}) u
                order by u.name, u.id limit ${size} + 1)`;
  const shown = `shown as (select i.id, i.name from ids i order by i.name, i.id limit ${size})`;
  const columns = p.positional('f', ['e.id', ...a.selection.columns].join(', '), a.selection.params);
  const page = `page as (select ${columns}, i.name as sort_name from ids i join elder e on e.id = i.id join region r on r.code = e.region_code ${a.selection.lateral})`;
  const total = !a.total
    ? 'null::int'
    : maintained
      ? `(select coalesce(sum(c.n), 0)::int from ok, elder_region_count c
           where ${inSubtree('c.region_code', p.ref('code', 'text'))} and ${inSubtree('c.region_code', 'ok.region_code')})`
      : `(select count(*)::int from matched)`;
  const ctes = [ag, ok, ...(counted ? [matched] : []), ids, shown, page];
  if (a.audit.inStatement) {
    // audit.service.ts auditRow's values for an AGENCY_VIEW_READ row (region: the agency's; no elder_id, one row per
    // request naming the elders read in page order), written only when the page has elders.
    ctes.push(`audit as (
      insert into audit_event (at, actor_id, actor_username, actor_role, action, elder_id, region_code, county_code, detail, request_id, ip)
      select ${p.ref('auditAt', 'timestamptz')}, ${p.ref('actorId', 'uuid')}, ${p.ref('actorUsername', 'text')}, ${p.ref('actorRole', 'text')},
             '${AuditAction.AgencyViewRead}', null, ok.region_code, case when length(ok.region_code) >= 6 then left(ok.region_code, 6) end,
             jsonb_build_object('query', 'agencyElders', 'view', ok.kind, 'agencyId', ok.id, 'elderIds', s.ids),
             ${p.ref('requestId', 'text')}, ${p.ref('ip', 'text')}
        from ${a.asyncCommit ? `(select set_config('synchronous_commit', 'off', true)) as local_setting, ` : ''}ok,
             (select jsonb_agg(x.id order by x.name, x.id) as ids from shown x) s
       where s.ids is not null)`);
  }
  return p.bind(`with ${ctes.join(',\n')}
    select ag.id as agency_id, ag.kind as agency_kind, ag.region_code as agency_region, ${total} as total, pg.*
      from ag left join page pg on true
     order by pg.sort_name, pg.id`);
}
