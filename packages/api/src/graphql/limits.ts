import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  visit,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { requestScope } from '../shared/request-scope.js';
import type { RequestContext } from './context.js';
import type { AppError } from './errors.js';
import { DEFAULT_PAGE_SIZE } from './pagination.js';
import { responseTooLarge } from './response-budget.js';

/** Page sizes assumed when `first` is not given: each list's documented default. */
const DEFAULT_FIRST: Record<string, number> = {
  'Query.changes': 200, // DEFAULT_CHANGES in modules/changes (not imported: graphql/ stays below the modules)
};

type Fragments = Record<string, FragmentDefinitionNode>;
/** Coerced variable values, or a function giving those a field's arguments use (coerced on demand). */
type Variables = Record<string, unknown> | ((node: FieldNode) => Record<string, unknown>);

/** A variable a page size depends on does not coerce: execution refuses it with a precise message. */
class InvalidVariables extends Error {}

/** The page size a field asks for (`first`, else `last`), with variables and defaults applied; null if it has none. */
function pageSizeOf(parent: GraphQLCompositeType, def: GraphQLField<unknown, unknown>, node: FieldNode, variables: Variables): number | null {
  if (!def.args.some((a) => a.name === 'first' || a.name === 'last')) return null;
  const values = typeof variables === 'function' ? variables(node) : variables;
  let value: unknown;
  try {
    const args = getArgumentValues(def, node, values);
    value = args.first ?? args.last;
  } catch {
    value = undefined; // execution reports the bad argument
  }
  if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.floor(value));
  return DEFAULT_FIRST[`${parent.name}.${node.name.value}`] ?? DEFAULT_PAGE_SIZE;
}

/**
 * The most objects an operation can return. A field with `first`/`last` that returns a list yields that many items;
 * one that returns a connection passes the number to the lists inside it (`edges`, `nodes`, `entries`), not to
 * `pageInfo` or `totalCount`. Nested pages multiply. Lists without a page size count as one item (their length is
 * bounded by the data, and the execution-time count catches the rest). Introspection is free.
 */
export function estimateObjects(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Fragments, variables: Variables): number {
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  const selectionCost = (set: SelectionSetNode, parent: GraphQLCompositeType, pending: number | null): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += fieldCost(selection, parent, pending);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += selectionCost(selection.selectionSet, type, pending);
      } else {
        const fragment = fragments[selection.name.value];
        const type = fragment ? schema.getType(fragment.typeCondition.name.value) : null;
        if (fragment && type && isCompositeType(type)) total += selectionCost(fragment.selectionSet, type, pending);
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType, pending: number | null): number => {
    if (node.name.value.startsWith('__')) return 0;
    if (!isObjectType(parent) && !isInterfaceType(parent)) return 0;
    const def = parent.getFields()[node.name.value];
    if (!def) return 0;
    const named = getNamedType(def.type);
    if (!isCompositeType(named) || !node.selectionSet) return 0;
    const isList = isListType(getNullableType(def.type));
    const size = pageSizeOf(parent, def, node, variables);
    let items = 1;
    let childPending: number | null = null;
    if (size !== null && isList) items = size;
    else if (size !== null) childPending = size;
    else if (isList) items = pending ?? 1;
    return items * (1 + selectionCost(node.selectionSet, named, childPending));
  };

  return selectionCost(operation.selectionSet, root, null);
}

/** Objects in a result (not counting the `data` object itself). */
export function countObjects(value: unknown): number {
  if (Array.isArray(value)) {
    let n = 0;
    for (const v of value) n += countObjects(v);
    return n;
  }
  if (value === null || typeof value !== 'object') return 0;
  let n = 1;
  // for...in, not Object.values: no array per object (this walk was 5.6% of the API's CPU on a 50-elder list page).
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== null && typeof v === 'object') n += countObjects(v);
  }
  return n;
}

function formatted(error: AppError): GraphQLFormattedError {
  const { http: _http, ...extensions } = error.extensions;
  return { message: error.message, extensions };
}

/**
 * How much one response may hold: objects (every record, edge, page info... anything that is not a scalar).
 * Checked twice with the same number (AppConfig.maxResponseObjects, 10,000 by default):
 * 1. before execution, on an estimate from the operation AND its variable values and defaults (`first: $n` with
 *    `$n = 100` costs what `first: 100` costs), so a query whose worst case is too large never starts;
 * 2. during execution, as a second line, on what is actually produced (lists without `first`, which the estimate
 *    counts as one item, cannot slip through): pages stop growing past it (pagination's toConnection), and the
 *    finished answer is counted. This one applies to queries only: a mutation's work is done by the time its
 *    answer is counted, and refusing the answer would hide what was written.
 * Either way the whole answer is refused, never a partial one that looks complete.
 */
export function responseLimitsPlugin(max: number): ApolloServerPlugin<RequestContext> {
  // Estimates that no variable changes, per operation node (Apollo keeps the parsed document of a query text).
  const fixedEstimates = new WeakMap<OperationDefinitionNode, number>();
  return {
    async requestDidStart() {
      let isQuery = false;
      return {
        async didResolveOperation({ request, operation, document, schema }) {
          if (!operation) return;
          // Only the variables that paged fields' arguments use are coerced, when such a field is met: execution
          // coerces them all anyway, and a 5,000-record sync batch coerced twice cost a sixth of its server time.
          const definitions = new Map((operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d]));
          const coerced: Record<string, unknown> = {};
          const done = new Set<string>();
          const variablesFor = (node: FieldNode): Record<string, unknown> => {
            const names: string[] = [];
            for (const arg of node.arguments ?? []) visit(arg.value, { Variable: (v) => void names.push(v.name.value) });
            const todo = [...new Set(names)].filter((n) => !done.has(n) && definitions.has(n));
            if (todo.length === 0) return coerced;
            const values = getVariableValues(schema, todo.map((n) => definitions.get(n)!), request.variables ?? {});
            if (values.errors) throw new InvalidVariables();
            Object.assign(coerced, values.coerced);
            for (const n of todo) done.add(n);
            return coerced;
          };
          let estimate = fixedEstimates.get(operation);
          if (estimate === undefined) {
            const fragments: Fragments = {};
            for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
            let consulted = false;
            try {
              estimate = estimateObjects(schema, operation, fragments, (node) => {
                const values = variablesFor(node);
                consulted ||= done.size > 0;
                return values;
              });
            } catch (error) {
              // Variables that do not coerce are refused by execution with a precise message: nothing to estimate.
              if (error instanceof InvalidVariables) return;
              throw error;
            }
            // No page size read a variable: the estimate is the document's alone, the same for every request sending it.
            if (!consulted) fixedEstimates.set(operation, estimate);
          }
          if (estimate > max) throw responseTooLarge(estimate, max, true);
          isQuery = operation.operation === 'query';
          const scope = requestScope.getStore();
          if (scope && isQuery) scope.objectBudget = max;
        },
        async willSendResponse({ response }) {
          if (!isQuery || response.body.kind !== 'single') return;
          const scope = requestScope.getStore();
          const result = response.body.singleResult;
          const produced = scope?.overBudget ? (scope.objectsProduced ?? 0) : countObjects(result.data);
          if (!scope?.overBudget && produced <= max) return;
          response.body.singleResult = { errors: [formatted(responseTooLarge(produced, max, false))], extensions: result.extensions };
          // Refused as the estimate's refusal is: HTTP 400, not a 200 carrying only an error.
          response.http.status = 400;
        },
      };
    },
  };
}
