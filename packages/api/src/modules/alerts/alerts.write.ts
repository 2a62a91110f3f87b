import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBound } from '../../shared/bound-sql.js';
import { notifyUrgentAlerts } from '../notifications/notifications.write.js';

/**
 * One alert to raise. Either by the rules table, naming its `rule` (agency records) or giving the `findings` of a visit
 * (every active rule whose finding has its value fires), or by hand with a `title` and `severity`.
 */
export interface AlertToRaise {
  elderId: string;
  countyCode: string;
  regionCode: string;
  visitId?: string | null;
  rule?: string | null;
  findings?: Record<string, string> | null;
  title?: string | null;
  severity?: 'URGENT' | 'NORMAL' | null;
  detail?: string | null;
  /** A detail for one rule only (a visit's disease name belongs to SERIOUS_ILLNESS), by rule code. */
  ruleDetails?: Record<string, string | null> | null;
  /**
   * Raise even while an alert of the same rule for the elder is unresolved: each visit finding, incident and hand
   * raise is its own event. Otherwise (a report or appraisal sent again) the open alert stands for it.
   */
  repeat?: boolean;
}

export interface RaiseOptions {
  at: Date;
  actorId: string | null;
  /** The first event's note: where the alert came from. */
  note: string | null;
  /**
   * Tell the people concerned (urgent alerts: notifications and SMS). Default true; false for imported history that
   * is recorded as already handled (nobody should be woken for last year's fall).
   */
  notify?: boolean;
}

/**
 * The one way alerts are raised (visit findings, a person's raise, agency records): one statement for any number of
 * alerts with their first events, in the caller's transaction. Rules are data (alert_rule): an inactive rule raises
 * nothing, whoever asks. Returns the new alerts.
 */
export async function raiseAlerts(
  em: EntityManager,
  alerts: AlertToRaise[],
  options: RaiseOptions,
): Promise<{ id: string; elder_id: string; rule_code: string | null; visit_id: string | null }[]> {
  // The statement does not see its own inserts: a batch naming one elder and rule twice raises it once.
  const once = new Set<string>();
  const wanted = alerts.filter((a) => a.repeat || !a.rule || (!once.has(`${a.elderId}|${a.rule}`) && !!once.add(`${a.elderId}|${a.rule}`)));
  if (wanted.length === 0) return [];
  const rows = wanted.map((a) => ({
    elder_id: a.elderId, county_code: a.countyCode, region_code: a.regionCode, visit_id: a.visitId ?? null, rule: a.rule ?? null,
    findings: a.findings ?? null, title: a.title ?? null, severity: a.severity ?? null, detail: a.detail ?? null,
    rule_details: a.ruleDetails ?? null, repeat: a.repeat ?? false,
  }));
  // Bound, not formatted into the text by the ORM: an import's 5,000 findings are one large JSON parameter.
  const raised = await executeBound<{ id: string; elder_id: string; rule_code: string | null; visit_id: string | null }>(
    em,
    `with wanted as (
       select a.elder_id, a.county_code, a.region_code, a.visit_id, r.code as rule_code,
              coalesce(a.title, r.title) as title, coalesce(a.severity, r.severity) as severity,
              coalesce(a.rule_details ->> r.code, a.detail) as detail, a.repeat
         from jsonb_to_recordset(?::jsonb) as a(elder_id uuid, county_code text, region_code text, visit_id uuid, rule text,
              findings jsonb, title text, severity text, detail text, rule_details jsonb, repeat boolean)
         left join alert_rule r on r.active and (r.code = a.rule or a.findings ->> r.finding = r.finding_value)
        where (a.rule is null and a.findings is null) or r.code is not null
     ),
     raised as (
       insert into alert (elder_id, county_code, region_code, visit_id, rule_code, title, detail, severity, raised_at, raised_by)
       select w.elder_id, w.county_code, w.region_code, w.visit_id, w.rule_code, w.title, w.detail, w.severity, ?, ?
         from wanted w
        where w.repeat or w.rule_code is null
           or not exists (select 1 from alert x where x.elder_id = w.elder_id and x.rule_code = w.rule_code and x.status <> 'RESOLVED')
       returning id, elder_id, rule_code, visit_id
     ),
     events as (insert into alert_event (alert_id, at, actor_id, status, note) select id, ?, ?, 'OPEN', ? from raised)
     select id, elder_id, rule_code, visit_id from raised`,
    [JSON.stringify(rows), options.at, options.actorId, options.at, options.actorId, options.note],
  );
  // In the same transaction: the notifications exist exactly when the alerts do.
  if (options.notify !== false) await notifyUrgentAlerts(em, raised.map((r) => r.id), options.at);
  return raised;
}

/**
 * Resolves the unresolved alerts of a rule for some elders (an agency reports the danger over: a missing person
 * found), each with its resolution and a RESOLVED event, in one statement. With a `visitId`, only the alerts that
 * visit raised (imported history recorded as already handled must not close an alert a live visit raised). Returns
 * the resolved alerts.
 */
export async function resolveAlerts(
  em: EntityManager,
  list: { elderId: string; rule: string; resolution: string; visitId?: string | null }[],
  options: { at: Date; actorId: string | null },
): Promise<{ id: string; elder_id: string }[]> {
  if (list.length === 0) return [];
  return executeBound(
    em,
    `with resolved as (
       update alert a set status = 'RESOLVED', version = a.version + 1, resolved_at = ?, resolved_by = ?, resolution = l.resolution
         from (select distinct on (elder_id, rule, visit_id) * from jsonb_to_recordset(?::jsonb) as l(elder_id uuid, rule text, resolution text, visit_id uuid)) l
        where a.elder_id = l.elder_id and a.rule_code = l.rule and a.status <> 'RESOLVED' and (l.visit_id is null or a.visit_id = l.visit_id)
       returning a.id, a.elder_id, a.resolution
     ),
     events as (insert into alert_event (alert_id, at, actor_id, status, note) select id, ?, ?, 'RESOLVED', resolution from resolved)
     select id, elder_id from resolved`,
    [options.at, options.actorId, JSON.stringify(list.map((l) => ({ elder_id: l.elderId, rule: l.rule, resolution: l.resolution, visit_id: l.visitId ?? null }))), options.at, options.actorId],
  );
}
