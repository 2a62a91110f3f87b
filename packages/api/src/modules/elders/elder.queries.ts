import {
  getArgumentValues,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { Scope } from '@tanfang/schema';
import { COMPILED } from '../../graphql/compiled-objects.js';
import type { RequestContext } from '../../graphql/context.js';
import { MAX_PAGE_SIZE } from '../../graphql/pagination.js';
import { inSubtree, isAncestorOrSelf } from '../../shared/jurisdiction.js';
import { maskCertificateNumberSql, maskIdNumberSql, maskPhoneSql } from '../../shared/masking.js';
import { RULE_VERSION } from '../classification/classification.rules.js';
import { LEVEL_NAMES } from '../regions/region.types.js';
import { hasVisitSql, newestVisitKeysSql, newestVisitsSql, visitCountSql } from '../visits/visits.queries.js';

/**
 * The elders module's read layer for hot reads: `elders` (the admin list) and `elder(id)` (the archive) planned from
 * the GraphQL selection set into ONE statement in which PostgreSQL builds the response's JSON (PostGraphile v5's
 * way: @dataplan/pg's PgSelectStep turns a selection into `json_build_object` columns and nested lists into
 * correlated subqueries). No entity is built, no field resolver runs: the objects carry a `$c` marker and the
 * schema's fields of the compiled types read their value by response key (compiledAware in graphql/schema.ts).
 *
 * Inside the statement, the same rules as the entity path: the jurisdiction (shared/jurisdiction.ts, SQL form),
 * masking (shared/masking.ts, SQL forms giving the same strings), the class in force with overrides and the 80th
 * birthday (ClassificationService.forElder), and the read audit (modules/audit/read-audit.ts: one ELDER_READ row per
 * archive served, naming the root field and the parts read) as a data-modifying CTE, or, where the statement must
 * not write (a read-only replica), handed back to be written by the read-audit plugin as today.
 *
 * What is compiled, and what falls back to the entity path (a null plan; behaviour never changes):
 * - Elder fields: every stored field, masked idNumber/phone, age(asOf), circumstances, disability, livingConditions,
 *   region (with parent), classification(asOf), emergencyContacts, householdMembers, helpReceived, refusals, and
 *   visits(first) with id, elderId, seq, visitedAt, visitedOn, method. Anything else (compliance, classHistory,
 *   assignments, history, careServices, referenceLocation, other visit fields, visits with `after`) falls back.
 * - `elders` filters: regionCode, status, acceptsVisits, and the derived ones when they are SQL conditions (today's
 *   overdue from the snapshot, a period's figures from the rollups: ElderService.derived), carried inside the
 *   statement as on the entity path; sort by NAME (either direction); cursors. Other filters (text, classes,
 *   circumstances, ages, and derived ones computed live, which resolve to ids) fall back.
 * - Directives (@include/@skip) and fragments on other types fall back.
 * Input the entity path would refuse (a bad region code, page size or cursor) also falls back, so that the refusal
 * and its message stay the entity path's.
 *
 * Reads of other modules that wrap archives use the same archive builder (selectedPath, planElderSelection):
 * compliance's `myWorklist` and the page of `overdueElders` on a snapshot day (compliance.service.ts), whose own
 * figures come from the same compliance rows as their entity paths, shaped by the same functions.
 */

export { COMPILED };

/** The GraphQL object types whose fields may be served from compiled objects. */
export const COMPILED_TYPES = [
  'ElderConnection', 'ElderEdge', 'PageInfo', 'Elder', 'Region', 'Classification', 'ClassReason', 'ClassOverride',
  'Disability', 'LivingConditions', 'EmergencyContact', 'HouseholdMember', 'HelpRecord', 'Refusal',
  'VisitConnection', 'VisitEdge', 'Visit',
] as const;

/**
 * Bound parameters by name: the text is written with `{{name}}` where a named value goes, in whatever order the
 * planner builds it; `bind` then turns each into `?` (knex sends them as $n, apart from the text) with the values in
 * text order. A name used twice binds its value twice.
 */
export class NamedParams {
  private counter = 0;
  constructor(private readonly named: Record<string, unknown> = {}) {}

  /** The placeholder of a named value, with its type. */
  ref(name: string, cast: string): string {
    if (!(name in this.named)) throw new Error(`unknown query parameter ${name}`);
    return `{{${name}}}::${cast}`;
  }

  /** Names a value met while planning (a field's argument) and gives its placeholder. */
  add(prefix: string, value: unknown, cast: string): string {
    const name = `${prefix}${this.counter++}`;
    this.named[name] = value;
    return this.ref(name, cast);
  }

  /**
   * A fragment written with `?` placeholders (another module's SQL, e.g. compliance.sql.ts) and its values in order:
   * each `?` becomes a named value, so that it composes with the planner's text. The fragment must hold no other `?`.
   */
  positional(prefix: string, text: string, values: readonly unknown[]): string {
    let i = 0;
    const out = text.replace(/\?/g, () => {
      if (i >= values.length) throw new Error('more placeholders than values');
      const name = `${prefix}${this.counter++}`;
      this.named[name] = values[i++];
      return `{{${name}}}`;
    });
    if (i !== values.length) throw new Error('more values than placeholders');
    return out;
  }

  /** The value named `name` (undefined when none). */
  value(name: string): unknown {
    return this.named[name];
  }

  bind(text: string): CompiledStatement {
    const { sql, names } = this.bindNames(text);
    return { sql, params: names.map((n) => this.named[n]) };
  }

  /** `bind` without the values: the text with `?` and the names in text order (what a kept plan reuses). */
  bindNames(text: string): { sql: string; names: string[] } {
    const names: string[] = [];
    const sql = text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      names.push(name);
      return '?';
    });
    return { sql, names };
  }

  /** Every named value (those given and those met while planning). */
  values(): Readonly<Record<string, unknown>> {
    return this.named;
  }
}

/**
 * A planned statement kept for the next request with the same selection: its text, the names of its values in text
 * order, and the values met while planning (a field's arguments, today's date), which the key below fixes.
 */
interface KeptPlan {
  sql: string;
  names: string[];
  planned: Readonly<Record<string, unknown>>;
}

/**
 * Plans kept per selection (the field node: Apollo keeps a parsed document per query text, so a client sending the
 * same document sends the same nodes), then by what else planning reads: the caller's scopes, language, today's date,
 * whether the audit is in the statement and the other variables' values. Planning `elder(id)` was 5% of the API's CPU
 * per archive read; a bounded number per selection, since variables may vary.
 */
const keptPlans = new WeakMap<FieldNode, Map<string, KeptPlan>>();
const PLANS_PER_SELECTION = 16;

/** How often each variable is used in the document (a variable used by the root argument only may be left out of the key). */
const variableUses = new WeakMap<GraphQLResolveInfo['operation'], Map<string, number>>();

function usesOf(info: GraphQLResolveInfo): Map<string, number> {
  let uses = variableUses.get(info.operation);
  if (!uses) {
    uses = new Map();
    const counted = uses;
    const count = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach(count);
      const n = node as { kind?: string; name?: { value: string } };
      if (n.kind === Kind.VARIABLE_DEFINITION) return;
      if (n.kind === Kind.VARIABLE) counted.set(n.name!.value, (counted.get(n.name!.value) ?? 0) + 1);
      for (const key in n) if (key !== 'loc') count((n as Record<string, unknown>)[key]);
    };
    count(info.operation);
    for (const fragment of Object.values(info.fragments)) count(fragment);
    variableUses.set(info.operation, uses);
  }
  return uses;
}

/**
 * The key of a kept plan, or null when the selection must be planned afresh: the request's own values (`requestNamed`:
 * the root argument, the caller's region, the audit's who and when) are bound anew each time and left out; a variable
 * feeding the root argument is left out only when nothing else in the document uses it.
 */
function planKey(info: GraphQLResolveInfo, ctx: RequestContext, audit: ReadAuditOptions, rootArgument: string): string | null {
  const arg = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === rootArgument);
  let skip: string | null = null;
  if (arg?.value.kind === Kind.VARIABLE) {
    skip = arg.value.name.value;
    if ((usesOf(info).get(skip) ?? 0) !== 1) return null;
  }
  const variables: Record<string, unknown> = {};
  for (const name in info.variableValues) if (name !== skip) variables[name] = info.variableValues[name];
  return `${scopeKey(ctx)}|${ctx.meta.lang}|${today(ctx)}|${audit.inStatement}|${JSON.stringify(variables)}`;
}

/** The caller's scopes as one string, once per scope set (an actor's set lives as long as its cached session). */
const scopeKeys = new WeakMap<object, string>();
function scopeKey(ctx: RequestContext): string {
  const scopes = ctx.actor?.scopes;
  if (!scopes) return '';
  let key = scopeKeys.get(scopes);
  if (key === undefined) scopeKeys.set(scopes, (key = [...scopes].sort().join(',')));
  return key;
}

function keptPlan(info: GraphQLResolveInfo, key: string | null, requestNamed: Record<string, unknown>): CompiledStatement | null {
  const plan = key === null ? undefined : keptPlans.get(info.fieldNodes[0]!)?.get(key);
  if (!plan) return null;
  return { sql: plan.sql, params: plan.names.map((n) => (n in requestNamed ? requestNamed[n] : plan.planned[n])) };
}

function keepPlan(info: GraphQLResolveInfo, key: string | null, p: NamedParams, text: string): CompiledStatement {
  const { sql, names } = p.bindNames(text);
  const values = p.values();
  if (key !== null) {
    let plans = keptPlans.get(info.fieldNodes[0]!);
    if (!plans) keptPlans.set(info.fieldNodes[0]!, (plans = new Map()));
    if (plans.size >= PLANS_PER_SELECTION) plans.delete(plans.keys().next().value as string);
    plans.set(key, { sql, names, planned: { ...values } });
  }
  return { sql, params: names.map((n) => values[n]) };
}

/** A field as the response names it: its schema name, its arguments and every node selecting it (merged). */
interface PlannedField {
  key: string;
  name: string;
  nodes: FieldNode[];
  args: Record<string, unknown>;
}

/** What planning needs: the request, the parameters, and which parts of the archive the selection reads. */
interface Planner {
  info: GraphQLResolveInfo;
  ctx: RequestContext;
  p: NamedParams;
  aliases: number;
  /** Parts of the archive (read-audit.ts ReadPart) selected, each with the SQL saying whether it has rows. */
  parts: Map<string, (e: string) => string>;
}

type Unsupported = null;

/**
 * The fields of `sets` on `type` by response key, as graphql-js collects them (fragment spreads and inline fragments
 * merged); null when a directive or a fragment on another type is met.
 */
function collect(plan: Planner, type: GraphQLObjectType, sets: readonly SelectionSetNode[]): PlannedField[] | Unsupported {
  const fields = new Map<string, PlannedField>();
  const visit = (set: SelectionSetNode): boolean => {
    for (const sel of set.selections) {
      if (sel.directives?.length) return false;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        const known = fields.get(key);
        if (known) {
          known.nodes.push(sel);
          continue;
        }
        const name = sel.name.value;
        let args: Record<string, unknown> = {};
        if (name !== '__typename') {
          const def = type.getFields()[name];
          if (!def) return false;
          try {
            args = getArgumentValues(def, sel, plan.info.variableValues);
          } catch {
            return false;
          }
        }
        fields.set(key, { key, name, nodes: [sel], args });
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (sel.typeCondition && sel.typeCondition.name.value !== type.name) return false;
        if (!visit(sel.selectionSet)) return false;
      } else {
        const fragment = plan.info.fragments[sel.name.value];
        if (!fragment || fragment.typeCondition.name.value !== type.name) return false;
        if (!visit(fragment.selectionSet)) return false;
      }
    }
    return true;
  };
  for (const set of sets) if (!visit(set)) return null;
  return [...fields.values()];
}

function subFields(plan: Planner, typeName: string, field: PlannedField): PlannedField[] | Unsupported {
  const type = plan.info.schema.getType(typeName);
  if (!type || !isObjectType(type)) return null;
  const sets = field.nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
  return collect(plan, type, sets);
}

/** A JSON object of `pairs`, marked as compiled; json_build_object takes at most 100 arguments, so longer ones are joined. */
function jsonObject(pairs: [string, string][]): string {
  const all: [string, string][] = [[COMPILED, '1'], ...pairs];
  const chunks: string[] = [];
  for (let i = 0; i < all.length; i += 50) {
    chunks.push(`json_build_object(${all.slice(i, i + 50).map(([k, v]) => `'${k.replace(/'/g, "''")}', ${v}`).join(', ')})`);
  }
  return chunks.length === 1 ? chunks[0]! : `(${chunks.map((c) => `${c}::jsonb`).join(' || ')})::json`;
}

type FieldSql = string | ((f: PlannedField) => string | Unsupported);

/** One object of `typeName`: each selected field by its SQL; null when one is not compiled. */
function objectOf(_plan: Planner, typeName: string, fields: PlannedField[], exprs: Record<string, FieldSql>): string | Unsupported {
  const pairs: [string, string][] = [];
  for (const f of fields) {
    if (f.name === '__typename') {
      pairs.push([f.key, `'${typeName}'`]);
      continue;
    }
    const expr = exprs[f.name];
    const sql = typeof expr === 'function' ? expr(f) : expr;
    if (sql === undefined || sql === null) return null;
    pairs.push([f.key, sql]);
  }
  return jsonObject(pairs);
}

/** Instant as JS's toISOString writes it (milliseconds, Z), which the DateTimeISO scalar reads back unchanged. */
const iso = (expr: string) => `to_char(${expr} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const day = (expr: string) => `to_char(${expr}, 'YYYY-MM-DD')`;
/** encodeCursor (graphql/pagination.ts) of a JSON array text: base64url without padding. */
const base64url = (text: string) => `rtrim(translate(encode(convert_to(${text}, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;

/** ageOn (id-number.ts): whole years, a year less before the birthday's month-day. */
function ageSql(birth: string, asOf: string): string {
  return `((extract(year from ${asOf})::int - extract(year from ${birth})::int)
    - case when to_char(${asOf}, 'MM-DD') >= to_char(${birth}, 'MM-DD') then 0 else 1 end)`;
}

function alias(plan: Planner, base: string): string {
  plan.aliases += 1;
  return `${base}${plan.aliases}`;
}

function today(ctx: RequestContext): string {
  return new Date(ctx.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

// ------------------------------------------------------------------------------------------------- nested objects

function regionSql(plan: Planner, f: PlannedField, codeExpr: string, visibleOnly: boolean): string | Unsupported {
  const fields = subFields(plan, 'Region', f);
  if (!fields) return null;
  const r = alias(plan, 'r');
  const body = objectOf(plan, 'Region', fields, {
    code: `${r}.code`,
    name: `${r}.name`,
    level: `${r}.level`,
    fullName: `${r}.full_name`,
    parentCode: `${r}.parent_code`,
    levelName: `coalesce((array[${LEVEL_NAMES.slice(1).map((n) => `'${n}'`).join(', ')}])[${r}.level], '')`,
    // RegionService.parent: the region one level up, when the caller may see it (their subtree or above it).
    parent: (pf) => (plan.ctx.actor?.scopes.has(Scope.RegionRead) ? regionSql(plan, pf, `${r}.parent_code`, true) : null),
  });
  if (!body) return null;
  const visible = visibleOnly
    ? ` and (${inSubtree(`${r}.code`, plan.p.ref('actorRegion', 'text'))} or ${isAncestorOrSelf(`${r}.code`, plan.p.ref('actorRegion', 'text'))})`
    : '';
  return `(select ${body} from region ${r} where ${r}.code = ${codeExpr}${visible})`;
}

/** A list of rows of `table` for the elder, in the entity collection's order, each as an object. */
function listSql(plan: Planner, typeName: string, f: PlannedField, table: string, e: string, order: string, exprs: (t: string) => Record<string, FieldSql>): string | Unsupported {
  const fields = subFields(plan, typeName, f);
  if (!fields) return null;
  const t = alias(plan, 'l');
  const body = objectOf(plan, typeName, fields, exprs(t));
  if (!body) return null;
  return `(select coalesce(json_agg(${body} order by ${order.replace(/\$t/g, t)}), '[]'::json) from ${table} ${t} where ${t}.elder_id = ${e}.id)`;
}

/** ClassificationService.forElder in SQL: the rules' class (80th-birthday switch) unless an override is in force. */
function classificationSql(plan: Planner, f: PlannedField, e: string): string | Unsupported {
  const fields = subFields(plan, 'Classification', f);
  if (!fields) return null;
  const asOfValue = (f.args.asOf as string | null | undefined) ?? today(plan.ctx);
  const asOf = plan.p.add('asOf', asOfValue, 'date');
  const [k, ov] = [alias(plan, 'k'), alias(plan, 'ov')];
  const textKey = plan.ctx.meta.lang === 'en' ? 'textEn' : 'text';
  const reasonList = (rf: PlannedField, source: string): string | Unsupported => {
    const rfields = subFields(plan, 'ClassReason', rf);
    if (!rfields) return null;
    const x = alias(plan, 'x');
    const body = objectOf(plan, 'ClassReason', rfields, { code: `${x}.r->>'code'`, text: `${x}.r->>'${textKey}'` });
    return body && `(select coalesce(json_agg(${body} order by ${x}.ord), '[]'::json) from jsonb_array_elements(${source}) with ordinality as ${x}(r, ord))`;
  };
  const overrideReason = `jsonb_build_array(jsonb_build_object('code', 'OVERRIDE', '${textKey}', ${ov}.reason))`;
  const body = objectOf(plan, 'Classification', fields, {
    class: `coalesce(${ov}.class, ${k}.computed)`,
    computedClass: `${k}.computed`,
    reasons: (rf) => reasonList(rf, `case when ${ov}.class is not null then ${overrideReason} else ${k}.reasons end`),
    computedReasons: (rf) => reasonList(rf, `${k}.reasons`),
    ruleVersion: `coalesce(${e}.class_rule_version, '${RULE_VERSION}')`,
    computedAt: `${iso(`${e}.class_computed_at`)}`,
    changesOn: `case when not ${k}.at80 and ${e}.turns_80_on is not null and ${e}.class_at_80 is distinct from ${e}.computed_class then ${day(`${e}.turns_80_on`)} end`,
    override: (of) => {
      const ofields = subFields(plan, 'ClassOverride', of);
      if (!ofields) return null;
      const o = objectOf(plan, 'ClassOverride', ofields, {
        class: `${ov}.class`, reason: `${ov}.reason`, startsOn: day(`${ov}.starts_on`), expiresOn: day(`${ov}.expires_on`),
      });
      return o && `case when ${ov}.class is null then null else ${o} end`;
    },
  });
  if (!body) return null;
  return `(select case when ${e}.computed_class is null then null else ${body} end
     from (select at80,
                  coalesce(case when at80 then ${e}.class_at_80 end, ${e}.computed_class) as computed,
                  coalesce(case when at80 then ${e}.class_reasons_at_80 end, ${e}.class_reasons) as reasons
             from (select coalesce(${asOf} >= ${e}.turns_80_on, false) as at80) a) ${k}
     left join lateral (
       select o.class, o.reason, o.starts_on, o.expires_on from class_override o
        where o.elder_id = ${e}.id and o.starts_on <= ${asOf} and o.expires_on > ${asOf}
          and (o.revoked_at is null or ${asOf} < (o.revoked_at at time zone 'Asia/Shanghai')::date)
        order by o.created_at desc limit 1) ${ov} on true)`;
}

/** VisitsService.ofElder's first page: the newest visits from the (elder_id, visited_at) index, and the count. */
function visitsSql(plan: Planner, f: PlannedField, e: string): string | Unsupported {
  if (!plan.ctx.actor?.scopes.has(Scope.VisitRead) || f.args.after) return null;
  const first = (f.args.first as number | null | undefined) ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) return null;
  const fields = subFields(plan, 'VisitConnection', f);
  if (!fields) return null;
  const v = alias(plan, 'v');
  const size = plan.p.add('visits', first, 'int');
  const cursor = base64url(`'["' || ${iso(`${v}.visited_at`)} || '","' || ${v}.id || '"]'`);
  // Every field served here but seq is carried by visit_by_elder: without seq the month partitions of `visit` are not
  // joined at all (their planning alone grew with every month of history, ~8 ms for 17 months).
  let needsVisitRow = false;
  const visitFields = (vf: PlannedField): string | Unsupported => {
    const nf = subFields(plan, 'Visit', vf);
    return nf && objectOf(plan, 'Visit', nf, {
      id: `${v}.id`, elderId: `${v}.elder_id`, visitedAt: iso(`${v}.visited_at`), visitedOn: day(`${v}.visited_on`), method: `${v}.method`,
      seq: () => { needsVisitRow = true; return `${v}.seq`; },
    });
  };
  let servesVisits = false;
  const shown = `${v}.rn <= ${size}`;
  const body = objectOf(plan, 'VisitConnection', fields, {
    totalCount: `${visitCountSql(`${e}.id`)}::int`,
    totalCountCapped: 'false', // an archive's visits are counted exactly
    nodes: (nf) => {
      servesVisits = true;
      const node = visitFields(nf);
      return node && `coalesce(json_agg(${node} order by ${v}.rn) filter (where ${shown}), '[]'::json)`;
    },
    edges: (ef) => {
      servesVisits = true;
      const efields = subFields(plan, 'VisitEdge', ef);
      if (!efields) return null;
      const edge = objectOf(plan, 'VisitEdge', efields, { cursor, node: visitFields });
      return edge && `coalesce(json_agg(${edge} order by ${v}.rn) filter (where ${shown}), '[]'::json)`;
    },
    pageInfo: (pf) => {
      const pfields = subFields(plan, 'PageInfo', pf);
      return pfields && objectOf(plan, 'PageInfo', pfields, {
        hasNextPage: `count(*) > ${size}`,
        hasPreviousPage: 'false',
        startCursor: `(array_agg(${cursor} order by ${v}.rn) filter (where ${shown}))[1]`,
        endCursor: `(array_agg(${cursor} order by ${v}.rn desc) filter (where ${shown}))[1]`,
      });
    },
  });
  if (!body) return null;
  // Visits served make the archive's read name its visits (read-audit.ts records every Visit returned).
  if (servesVisits) plan.parts.set('visits', (x) => hasVisitSql(`${x}.id`));
  // `group by ()`: one row whatever is selected (`visits { totalCount }` alone aggregates nothing, and without it gave
  // a row per visit: "more than one row returned by a subquery").
  return `(select ${body} from (
      select w.*, row_number() over (order by w.visited_at desc, w.id desc) as rn from (
        select * from ${needsVisitRow ? newestVisitsSql(`${e}.id`, `${size} + 1`) : newestVisitKeysSql(`${e}.id`, `${size} + 1`)} w) w) ${v} group by ())`;
}

/** Parts whose rows make the audit row name them (read-audit.ts RECORDED_ELDER_FIELDS: only when not empty). */
const PART_TABLES: Record<string, string> = {
  emergencyContacts: 'elder_contact',
  householdMembers: 'household_member',
  helpReceived: 'help_record',
  refusals: 'elder_refusal',
};

/** One archive as its selection asks, over the elder row `e`; null when any field of it is not compiled. */
function elderSql(plan: Planner, fields: PlannedField[], e: string): string | Unsupported {
  const col = (c: string) => `${e}.${c}`;
  const part = (name: string) => {
    const table = PART_TABLES[name]!;
    plan.parts.set(name, (x) => `exists (select 1 from ${table} pt where pt.elder_id = ${x}.id)`);
  };
  return objectOf(plan, 'Elder', fields, {
    id: col('id'),
    name: col('name'),
    gender: col('gender'),
    birthDate: day(col('birth_date')),
    addressDetail: col('address_detail'),
    livesAtRegisteredResidence: col('lives_at_registered_residence'),
    incapacityLevel: col('incapacity_level'),
    familyPlanningKind: col('family_planning_kind'),
    extremePovertyKind: col('extreme_poverty_kind'),
    temporaryDifficulty: col('temporary_difficulty'),
    temporaryDifficultyUntil: day(col('temporary_difficulty_until')),
    lastVerifiedOn: day(col('last_verified_on')),
    acceptsVisits: col('accepts_visits'),
    status: col('status'),
    statusDate: day(col('status_date')),
    statusReason: col('status_reason'),
    registeredAt: iso(col('registered_at')),
    updatedAt: iso(col('updated_at')),
    version: col('version'),
    idNumber: maskIdNumberSql(col('id_number')),
    phone: maskPhoneSql(col('phone')),
    age: (f) => ageSql(col('birth_date'), plan.p.add('asOf', (f.args.asOf as string | null | undefined) ?? today(plan.ctx), 'date')),
    // The recorded circumstances, then the derived ones, in the order the entity path appends them.
    circumstances: () => {
      const asOf = plan.p.add('asOf', today(plan.ctx), 'date');
      return `array_to_json(${col('circumstances')}
        || case when ${ageSql(col('birth_date'), asOf)} >= 80 then array['AGED_80_PLUS']::text[] else '{}'::text[] end
        || case when nullif(${col('disability_grade')}, 0) <= 2 then array['SEVERELY_DISABLED']::text[] else '{}'::text[] end)`;
    },
    disability: (f) => {
      const sub = subFields(plan, 'Disability', f);
      const o = sub && objectOf(plan, 'Disability', sub, {
        certificateNumber: maskCertificateNumberSql(col('disability_certificate_number')),
        category: col('disability_category'),
        grade: col('disability_grade'),
        severe: `coalesce(nullif(${col('disability_grade')}, 0) <= 2, false)`,
      });
      return o && `case when ${col('disability_category')} is null and nullif(${col('disability_grade')}, 0) is null
        and coalesce(${col('disability_certificate_number')}, '') = '' then null else ${o} end`;
    },
    livingConditions: (f) => {
      const sub = subFields(plan, 'LivingConditions', f);
      return sub && objectOf(plan, 'LivingConditions', sub, {
        waterSafe: col('water_safe'),
        electricitySafe: col('electricity_safe'),
        housingSafe: col('housing_safe'),
        householdMonthlyIncome: col('household_monthly_income'),
        monthlyBenefits: col('monthly_benefits'),
        benefitsNote: col('benefits_note'),
      });
    },
    region: (f) => regionSql(plan, f, col('region_code'), false),
    classification: (f) => classificationSql(plan, f, e),
    emergencyContacts: (f) => {
      part('emergencyContacts');
      return listSql(plan, 'EmergencyContact', f, 'elder_contact', e, '$t.position', (t) => ({
        id: `${t}.id`, kind: `${t}.kind`, name: `${t}.name`, relation: `${t}.relation`, phone: maskPhoneSql(`${t}.phone`),
      }));
    },
    householdMembers: (f) => {
      part('householdMembers');
      return listSql(plan, 'HouseholdMember', f, 'household_member', e, '$t.position', (t) => ({
        id: `${t}.id`, name: `${t}.name`, gender: `${t}.gender`, idNumber: maskIdNumberSql(`${t}.id_number`),
        relation: `${t}.relation`, health: `${t}.health`, assistance: `${t}.assistance`,
      }));
    },
    helpReceived: (f) => {
      part('helpReceived');
      return listSql(plan, 'HelpRecord', f, 'help_record', e, '$t.position', (t) => ({
        id: `${t}.id`, unitType: `${t}.unit_type`, unitName: `${t}.unit_name`, measures: `${t}.measures`,
      }));
    },
    refusals: (f) => {
      part('refusals');
      return listSql(plan, 'Refusal', f, 'elder_refusal', e, '$t.recorded_at desc', (t) => ({
        id: `${t}.id`, refusedOn: day(`${t}.refused_on`), reason: `${t}.reason`, talkedWith: `${t}.talked_with`,
        recordedAt: iso(`${t}.recorded_at`), withdrawnOn: day(`${t}.withdrawn_on`), withdrawnNote: `${t}.withdrawn_note`,
      }));
    },
    visits: (f) => visitsSql(plan, f, e),
  });
}

// ------------------------------------------------------------------------------------------------- statements

/** Who reads, for the audit rows (audit.service.ts auditRow), and whether the statement may write them. */
export interface ReadAuditOptions {
  /** Write the ELDER_READ rows in the statement (a data-modifying CTE); false on a read-only replica. */
  inStatement: boolean;
  at: Date;
  actorId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  requestId: string;
  ip: string | null;
  /** The root field the archives were reached through (read-audit.ts `via`). */
  via: string;
}

export interface CompiledStatement {
  sql: string;
  params: unknown[];
}

/** The audit rows of the archives in `rows` (a relation with the elder's columns), as read-audit.ts writes them. */
function auditCte(plan: Planner, rows: string): string {
  const p = plan.p;
  return `audit as (
    insert into audit_event (at, actor_id, actor_username, actor_role, action, elder_id, region_code, county_code, detail, request_id, ip)
    select ${p.ref('auditAt', 'timestamptz')}, ${p.ref('actorId', 'uuid')}, ${p.ref('actorUsername', 'text')}, ${p.ref('actorRole', 'text')},
           'ELDER_READ', a.id, a.region_code, a.county_code,
           jsonb_build_object('via', jsonb_build_array(${p.ref('via', 'text')}), 'parts', ${partsSql(plan, 'a')}),
           ${p.ref('requestId', 'text')}, ${p.ref('ip', 'text')}
      from (select set_config('synchronous_commit', 'off', true)) as local_setting, ${rows} a)`;
}

/** The parts an archive's read names, sorted as read-audit.ts sorts them. */
function partsSql(plan: Planner, e: string): string {
  const names = ['archive', ...plan.parts.keys()].sort();
  const items = names.map((n) => (n === 'archive' ? `'archive'` : `case when ${plan.parts.get(n)!(e)} then '${n}' end`));
  return `to_jsonb(array_remove(array[${items.join(', ')}]::text[], null))`;
}

/** The named values of who reads (auditCte's), for other modules' compiled reads writing their own audit rows. */
export function auditParams(audit: ReadAuditOptions): Record<string, unknown> {
  return {
    auditAt: audit.at, actorId: audit.actorId, actorUsername: audit.actorUsername, actorRole: audit.actorRole,
    requestId: audit.requestId, ip: audit.ip, via: audit.via,
  };
}

/** `elder(id)`: the archive as one JSON value (`node`), null outside the jurisdiction, its read audited. */
export function compileElderById(info: GraphQLResolveInfo, ctx: RequestContext, id: string, audit: ReadAuditOptions): CompiledStatement | Unsupported {
  const requestNamed = { id, actorRegion: ctx.actor!.regionCode, ...auditParams(audit) };
  const key = planKey(info, ctx, audit, 'id');
  const kept = keptPlan(info, key, requestNamed);
  if (kept) return kept;
  const plan: Planner = { info, ctx, p: new NamedParams({ ...requestNamed }), aliases: 0, parts: new Map() };
  const fields = collect(plan, info.schema.getType('Elder') as GraphQLObjectType, info.fieldNodes.map((n) => n.selectionSet!));
  if (!fields) return null;
  const node = elderSql(plan, fields, 'e');
  if (!node) return null;
  const p = plan.p;
  const row = `row as (select e.* from elder e where e.id = ${p.ref('id', 'uuid')} and ${inSubtree('e.region_code', p.ref('actorRegion', 'text'))})`;
  const select = `select ${node} as node${audit.inStatement ? '' : `, ${partsSql(plan, 'e')} as parts`} from row e`;
  return keepPlan(info, key, p, audit.inStatement ? `with ${row}, ${auditCte(plan, 'row')} ${select}` : `with ${row} ${select}`);
}

export interface ListArgs {
  regionCode: string | null;
  status: string[] | null;
  acceptsVisits: boolean | null;
  descending: boolean;
  size: number;
  /** The ORM cursor's values (name, id) to read on after. */
  after: [string, string] | null;
  /** Derived conditions on the elder alias with their values in text order (ElderService.derived); empty if none. */
  derived: { sql: (e: string) => string; params: unknown[] }[];
  /**
   * The list's total when the caller already knows it (today's overdue of the subtree from the snapshot's rollup,
   * as the entity path's maintainedTotal answers it); null to count here.
   */
  knownTotal: number | null;
}

/** What of a connection's selection is asked: where the nodes are and which keys the connection answers with. */
export interface ConnectionPlan {
  fields: PlannedField[];
  /** Response key of `nodes`, or of `edges` with the key of its `node` and `cursor`. */
  nodeKeys: string[];
  edges: { key: string; nodeKey: string | null; cursorKeys: string[]; typename: string[] }[];
  pageInfo: { key: string; fields: PlannedField[] }[];
  totalCountKeys: string[];
  /** Keys of `totalCountCapped`: always false here (the elder list counts exactly). */
  cappedKeys: string[];
  typenameKeys: string[];
}

/**
 * `elders`: one row with the page's archives (`nodes`, each with its cursor values in `$k`), whether more follow
 * (`more`) and the filter's count (`total`), the archives' reads audited. Null when not compiled.
 */
export function compileElderList(info: GraphQLResolveInfo, ctx: RequestContext, args: ListArgs, audit: ReadAuditOptions): { statement: CompiledStatement; connection: ConnectionPlan } | Unsupported {
  const actorRegion = ctx.actor!.regionCode;
  const plan: Planner = {
    info, ctx, aliases: 0, parts: new Map(),
    p: new NamedParams({
      actorRegion, regionCode: args.regionCode, status: args.status, acceptsVisits: args.acceptsVisits,
      afterName: args.after?.[0] ?? null, afterId: args.after?.[1] ?? null, size: args.size, ...auditParams(audit),
    }),
  };
  const connection = connectionPlan(plan, info);
  if (!connection) return null;
  const nodeFields = mergedNodeFields(plan, connection);
  if (nodeFields === null) return null;
  const servesNodes = nodeFields !== undefined;
  const node = servesNodes ? elderSql(plan, nodeFields, 'e') : 'null';
  if (!node) return null;

  const p = plan.p;
  // The subtree said the way the list indexes read it (ElderService.subtreeConditions), and the jurisdiction
  // unless the asked subtree lies inside it.
  const code = args.regionCode ?? actorRegion;
  const codeRef = args.regionCode ? p.ref('regionCode', 'text') : p.ref('actorRegion', 'text');
  const conds: string[] = [];
  if (code.length === 6) conds.push(`e.county_code = ${codeRef}`);
  else if (code.length === 9) conds.push(`left(e.region_code, 9) = ${codeRef}`);
  else conds.push(inSubtree('e.region_code', codeRef));
  if (!code.startsWith(actorRegion)) conds.push(inSubtree('e.region_code', p.ref('actorRegion', 'text')));
  if (args.status?.length) conds.push(`e.status = any(${p.ref('status', 'text[]')})`);
  if (args.acceptsVisits !== null) conds.push(`e.accepts_visits = ${p.ref('acceptsVisits', 'boolean')}`);
  for (const d of args.derived) conds.push(`(${p.positional('d', d.sql('e'), d.params)})`);
  const where = conds.join(' and ');
  // Counted apart from the page. A subtree inside the jurisdiction with at most a status is a sum of the counts kept
  // per village and status (elder_region_count, written by triggers with the archives: exact, as
  // ElderService.maintainedTotal reads them), so a city's first page does not count a million rows; otherwise over
  // the elder table alone (an index-only scan), as the entity path counts.
  const maintained = code.startsWith(actorRegion) && args.acceptsVisits === null && !args.derived.length;
  const total = !connection.totalCountKeys.length
    ? 'null'
    : args.knownTotal !== null
      ? p.add('total', args.knownTotal, 'int')
      : maintained
      ? `(select coalesce(sum(c.n), 0)::int from elder_region_count c where ${inSubtree('c.region_code', codeRef)}${
          args.status?.length ? ` and c.status = any(${p.ref('status', 'text[]')})` : ''})`
      : `(select count(*)::int from elder e where ${where})`;
  if (!servesNodes) return { statement: p.bind(`select '[]'::json as nodes, false as more, ${total} as total`), connection };

  const dir = args.descending ? 'desc' : 'asc';
  const afterCond = args.after ? ` and (e.name, e.id) ${args.descending ? '<' : '>'} (${p.ref('afterName', 'text')}, ${p.ref('afterId', 'uuid')})` : '';
  const size = p.ref('size', 'int');
  // Numbered after the limit: the window then runs over one page, not the whole subtree.
  const page = `page as (select e.* from elder e where ${where}${afterCond} order by e.name ${dir}, e.id ${dir} limit ${size} + 1)`;
  const shown = `shown as (select * from (select page.*, row_number() over (order by page.name ${dir}, page.id ${dir}) as rn from page) n
     where rn <= ${size})`;
  // Each node with its cursor values (the ORM cursor's name and id), and its audit parts when the plugin writes them.
  const item = `json_build_object('n', ${node}, 'k', json_build_array(e.name, e.id)${audit.inStatement ? '' : `, 'p', ${partsSql(plan, 'e')}`})`;
  const select = `select (select coalesce(json_agg(${item} order by e.rn), '[]'::json) from shown e) as nodes,
    (select count(*) from page) > ${size} as more, ${total} as total`;
  const sql = audit.inStatement ? `with ${page}, ${shown}, ${auditCte(plan, 'shown')} ${select}` : `with ${page}, ${shown} ${select}`;
  return { statement: p.bind(sql), connection };
}

function connectionPlan(plan: Planner, info: GraphQLResolveInfo): ConnectionPlan | Unsupported {
  const type = info.schema.getType('ElderConnection');
  if (!type || !isObjectType(type)) return null;
  const fields = collect(plan, type, info.fieldNodes.map((n) => n.selectionSet!));
  if (!fields) return null;
  const out: ConnectionPlan = { fields, nodeKeys: [], edges: [], pageInfo: [], totalCountKeys: [], cappedKeys: [], typenameKeys: [] };
  for (const f of fields) {
    if (f.name === 'nodes') out.nodeKeys.push(f.key);
    else if (f.name === 'totalCount') out.totalCountKeys.push(f.key);
    else if (f.name === 'totalCountCapped') out.cappedKeys.push(f.key);
    else if (f.name === '__typename') out.typenameKeys.push(f.key);
    else if (f.name === 'pageInfo') {
      const sub = subFields(plan, 'PageInfo', f);
      if (!sub) return null;
      out.pageInfo.push({ key: f.key, fields: sub });
    } else if (f.name === 'edges') {
      const sub = subFields(plan, 'ElderEdge', f);
      if (!sub) return null;
      const nodes = sub.filter((s) => s.name === 'node');
      if (nodes.length > 1) return null;
      out.edges.push({
        key: f.key,
        nodeKey: nodes[0]?.key ?? null,
        cursorKeys: sub.filter((s) => s.name === 'cursor').map((s) => s.key),
        typename: sub.filter((s) => s.name === '__typename').map((s) => s.key),
      });
    } else return null;
  }
  return out;
}

/** The Elder fields of every node selection (nodes, edges.node), which must all be the same; undefined if none. */
function mergedNodeFields(plan: Planner, c: ConnectionPlan): PlannedField[] | null | undefined {
  const sets: PlannedField[] = [];
  for (const key of c.nodeKeys) sets.push(c.fields.find((f) => f.key === key)!);
  for (const edge of c.edges) {
    if (!edge.nodeKey) continue;
    const edgeField = c.fields.find((f) => f.key === edge.key)!;
    const sub = subFields(plan, 'ElderEdge', edgeField)!;
    sets.push(sub.find((s) => s.key === edge.nodeKey)!);
  }
  if (sets.length === 0) return undefined;
  const nodeType = plan.info.schema.getType('Elder') as GraphQLObjectType;
  const planned = sets.map((s) => collect(plan, nodeType, s.nodes.map((n) => n.selectionSet!)));
  if (planned.some((x) => x === null)) return null;
  // Distinct selections per place would need one object each: not compiled (no console or bench query does that).
  const shape = (fs: PlannedField[]) => JSON.stringify(fs.map((f) => [f.key, f.name, f.args, f.nodes.map((n) => n.selectionSet?.loc?.start ?? null)]));
  const first = shape(planned[0]!);
  if (planned.length > 1 && planned.some((x) => shape(x!) !== first)) {
    // Same fields through two places (`nodes` and `edges.node` selecting the same): compare without positions.
    const loose = (fs: PlannedField[]) => JSON.stringify(fs.map((f) => [f.key, f.name, f.args, f.nodes.map((n) => printSelection(n))]));
    if (planned.some((x) => loose(x!) !== loose(planned[0]!))) return null;
  }
  return planned[0]!;
}

function printSelection(node: FieldNode): string {
  const src = node.loc?.source.body;
  return src && node.loc ? src.slice(node.loc.start, node.loc.end).replace(/\s+/g, ' ').replace(/^\w+\s*:\s*/, '') : node.name.value;
}

/** A response object built by a compiled read: its fields are read by response key. */
export type CompiledObject = Record<string, unknown>;

/** The connection object of a compiled list, keyed by the response keys of its selection. */
export function compiledConnection(
  c: ConnectionPlan,
  items: { node: CompiledObject; cursor: string }[],
  page: { hasNextPage: boolean; hasPreviousPage: boolean; totalCount: number; typename: string },
): CompiledObject {
  const out: CompiledObject = { [COMPILED]: 1 };
  for (const key of c.typenameKeys) out[key] = page.typename;
  for (const key of c.totalCountKeys) out[key] = page.totalCount;
  for (const key of c.cappedKeys) out[key] = false;
  if (c.nodeKeys.length) {
    const nodes = items.map((i) => i.node);
    for (const key of c.nodeKeys) out[key] = nodes;
  }
  for (const edge of c.edges) {
    out[edge.key] = items.map((i) => {
      const e: CompiledObject = { [COMPILED]: 1 };
      if (edge.nodeKey) e[edge.nodeKey] = i.node;
      for (const key of edge.cursorKeys) e[key] = i.cursor;
      for (const key of edge.typename) e[key] = 'ElderEdge';
      return e;
    });
  }
  for (const info of c.pageInfo) {
    const values: Record<string, unknown> = {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: items[0]?.cursor ?? null,
      endCursor: items.at(-1)?.cursor ?? null,
      __typename: 'PageInfo',
    };
    const o: CompiledObject = { [COMPILED]: 1 };
    for (const f of info.fields) o[f.key] = values[f.name];
    out[info.key] = o;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------- wrapped archives

/**
 * An archive selection reached through another type (compliance's WorklistItem.elder...), for modules whose reads
 * wrap archives: `node` is the Elder object over an elder row aliased `e`, `parts(x)` the audit parts of row `x`,
 * `auditCte(rows)` the audit rows of the archives in relation `rows`, and `p` the parameters the caller's text shares.
 */
export interface ElderSelectionPlan {
  node: string;
  p: NamedParams;
  parts: (e: string) => string;
  auditCte: (rows: string) => string;
}

/**
 * The nodes selecting the last field of `steps` (each a type and a field of it, from the root field's type down), in
 * the root field's selection with fragments merged, when each step is asked under one response key; [] when a step
 * is not asked; null when not compiled (a step under two keys, a directive, a fragment on another type).
 */
export function selectedPath(info: GraphQLResolveInfo, ctx: RequestContext, steps: readonly [string, string][]): FieldNode[] | Unsupported {
  const plan: Planner = { info, ctx, p: new NamedParams(), aliases: 0, parts: new Map() };
  let sets: readonly SelectionSetNode[] = info.fieldNodes.map((n) => n.selectionSet!);
  let nodes: FieldNode[] = [];
  for (const [typeName, fieldName] of steps) {
    const type = info.schema.getType(typeName);
    if (!type || !isObjectType(type)) return null;
    const fields = collect(plan, type, sets);
    if (!fields) return null;
    const hits = fields.filter((f) => f.name === fieldName);
    if (hits.length > 1) return null;
    if (!hits[0]) return [];
    nodes = hits[0].nodes;
    sets = nodes.map((n) => n.selectionSet).filter((x): x is SelectionSetNode => !!x);
  }
  return nodes;
}

/** Plans the Elder selection of `nodes` (selectedField) with the caller's named values; null when not compiled. */
export function planElderSelection(
  info: GraphQLResolveInfo, ctx: RequestContext, nodes: readonly FieldNode[], named: Record<string, unknown>, audit: ReadAuditOptions,
): ElderSelectionPlan | Unsupported {
  const plan: Planner = { info, ctx, aliases: 0, parts: new Map(), p: new NamedParams({ actorRegion: ctx.actor!.regionCode, ...named, ...auditParams(audit) }) };
  const fields = collect(plan, info.schema.getType('Elder') as GraphQLObjectType, nodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s));
  if (!fields) return null;
  const node = elderSql(plan, fields, 'e');
  if (!node) return null;
  return { node, p: plan.p, parts: (e) => partsSql(plan, e), auditCte: (rows) => auditCte(plan, rows) };
}
