import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import { mayCall, OPERATION_SCOPES } from '@tanfang/schema';
import {
  execute,
  GraphQLObjectType,
  GraphQLSchema,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFieldConfigMap,
  type SelectionSetNode,
} from 'graphql';
import type { RequestContext } from './context.js';
import { AppError } from './errors.js';

/**
 * Introspection answers each caller the part of the contract it may use (issue 19): root fields whose declared scopes
 * (OPERATION_SCOPES in @tanfang/schema) the caller has none of are left out, and with them every type only they
 * reached. So a partner's key sees its sync mutations and `changes` in the explorer, not `createUser`. Only what is
 * described is filtered: execution runs on the whole schema and the services check scopes as before.
 */

/** The schemas already cut, by the caller's scope set (a handful of role bundles in practice). */
const cache = new WeakMap<GraphQLSchema, Map<string, GraphQLSchema>>();

function rootOf(type: GraphQLObjectType | null | undefined, scopes: ReadonlySet<string> | null): GraphQLObjectType | undefined {
  if (!type) return undefined;
  const config = type.toConfig();
  const fields: GraphQLFieldConfigMap<unknown, unknown> = {};
  for (const [name, field] of Object.entries(config.fields)) {
    if (mayCall(OPERATION_SCOPES[`${type.name}.${name}`], scopes)) fields[name] = field;
  }
  // A root type with no field is not valid GraphQL: a caller that may call no mutation sees no Mutation type.
  return Object.keys(fields).length > 0 ? new GraphQLObjectType({ ...config, fields }) : undefined;
}

/**
 * The schema as `scopes` may use it (null: an anonymous caller). graphql-js collects the types reachable from the
 * roots given and no others, which is the pruning (the schema has no interfaces or unions whose members it would
 * otherwise have to be told). Directives and the schema's own description are kept.
 */
export function schemaFor(schema: GraphQLSchema, scopes: ReadonlySet<string> | null): GraphQLSchema {
  let byScopes = cache.get(schema);
  if (!byScopes) cache.set(schema, (byScopes = new Map()));
  const key = scopes === null ? '(anonymous)' : [...scopes].sort().join(' ');
  let cut = byScopes.get(key);
  if (!cut) {
    const config = schema.toConfig();
    const query = rootOf(schema.getQueryType(), scopes);
    if (!query) throw new Error('every caller may call some query (me is declared ANYONE)');
    cut = new GraphQLSchema({
      description: config.description,
      query,
      mutation: rootOf(schema.getMutationType(), scopes),
      subscription: rootOf(schema.getSubscriptionType(), scopes),
      directives: config.directives,
      types: [],
    });
    byScopes.set(key, cut);
  }
  return cut;
}

/** The names an operation asks for at its root, through fragments; null if a fragment it spreads is missing. */
function rootFieldNames(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): string[] | null {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else {
      let inner: SelectionSetNode | undefined;
      if (selection.kind === Kind.INLINE_FRAGMENT) inner = selection.selectionSet;
      else {
        if (seen.has(selection.name.value)) continue;
        seen.add(selection.name.value);
        const name = selection.name.value;
        inner = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name)?.selectionSet;
      }
      const more = inner ? rootFieldNames(inner, document, seen) : null;
      if (!more) return null;
      names.push(...more);
    }
  }
  return names;
}

const META = new Set(['__schema', '__type', '__typename']);

/**
 * Runs an introspection operation on the caller's cut of the schema. An operation asking for the schema together with
 * data is refused (BAD_USER_INPUT): its data runs through the whole pipeline (audit, limits), its schema part would not.
 */
export const scopedIntrospectionPlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    let introspection = false;
    return {
      // Thrown here (not in responseForOperation), an error is answered as a GraphQL error like any refusal.
      async didResolveOperation({ operation, document }) {
        const names = operation ? rootFieldNames(operation.selectionSet, document) : null;
        introspection = !!names?.some((n) => n === '__schema' || n === '__type');
        if (introspection && !names!.every((n) => META.has(n))) {
          throw new AppError(
            'BAD_USER_INPUT',
            '查询接口结构（__schema、__type）请单独发送，不要与数据查询放在同一操作中',
            'Ask for the schema (__schema, __type) in an operation of its own, not together with data',
          );
        }
      },
      async responseForOperation({ document, request, contextValue, schema, response }): Promise<GraphQLResponse | null> {
        if (!introspection) return null;
        const result = await execute({
          schema: schemaFor(schema, contextValue.actor?.scopes ?? null),
          document,
          operationName: request.operationName,
          variableValues: request.variables,
          contextValue,
        });
        return {
          http: response.http,
          body: { kind: 'single', singleResult: { data: result.data, ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}) } },
        };
      },
    };
  },
};
