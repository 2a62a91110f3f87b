import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANYONE, mayCall, OPERATION_SCOPES, ROLE_SCOPES, type RoleName } from '@tanfang/schema';
import { appSchema } from '../../packages/api/src/graphql/schema.js';
import { createTestApp, REGIONS, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';

// OPERATION_SCOPES (packages/schema/src/operation-scopes.ts) says who may call each root field; the explorer shows a
// caller only those (graphql/scoped-schema.ts). The declaration is not what execution checks — the services are — so
// this proves it true: every role bundle calls every root field (required arguments filled in with plausible values
// from their types, selecting only __typename), and a role the declaration leaves out must be refused FORBIDDEN for a
// scope (`requiredScope`), while a role it lets in must get past the scope check (any other answer: data, NOT_FOUND
// for the made-up id, BAD_USER_INPUT for the made-up values). Anonymous callers get UNAUTHENTICATED unless ANYONE.
// One app on an empty registry (the regions only): the scope checks come first, so no data is needed.

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = sample(f.type);
    return out;
  }
  if (isScalarType(type)) {
    const values: Record<string, unknown> = { ID: UNKNOWN_ID, String: REGIONS.city, Int: 1, Float: 1, Boolean: false, Date: '2026-10-01', DateTimeISO: '2026-10-01T00:00:00Z', JSON: {} };
    if (type.name in values) return values[type.name];
  }
  throw new Error(`no sample value for ${String(type)}: add one here`);
}

function operationOf(root: GraphQLObjectType, field: GraphQLField<unknown, unknown>): { query: string; variables: Record<string, unknown> } {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const defs = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  const kind = root.name === 'Query' ? 'query' : 'mutation';
  return {
    query: `${kind}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((a) => [a.name, sample(a.type)])),
  };
}

/** How a call ended, as compared with the declaration. */
function outcome(result: GqlResult<unknown>): string {
  const error = result.errors?.[0];
  if (!error) return 'OK';
  const required = error.extensions?.requiredScope;
  return required ? `FORBIDDEN:${String(required)}` : String(error.extensions?.code);
}

describe('OPERATION_SCOPES: who may call each root field', () => {
  let t: TestApp;
  let schema: GraphQLSchema;
  let roots: { key: string; root: GraphQLObjectType; field: GraphQLField<unknown, unknown> }[];

  beforeAll(async () => {
    t = await createTestApp();
    schema = await appSchema();
    roots = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) =>
      Object.values(root.getFields()).map((field) => ({ key: `${root.name}.${field.name}`, root, field })),
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  it('declares every root field, and nothing else', () => {
    const keys = roots.map((r) => r.key);
    expect(keys.filter((k) => !(k in OPERATION_SCOPES)), 'root fields without a declaration: add them to OPERATION_SCOPES').toEqual([]);
    expect(Object.keys(OPERATION_SCOPES).filter((k) => !keys.includes(k)), 'declarations of no root field').toEqual([]);
  });

  it('is true: each role is refused for a scope exactly where the declaration leaves it out', async () => {
    const users = new Map<RoleName | 'anonymous', TestUser | null>([['anonymous', null]]);
    for (const role of Object.keys(ROLE_SCOPES) as RoleName[]) {
      const region = role === 'VILLAGE_WORKER' ? REGIONS.villageA1 : role === 'TOWN_OPERATOR' ? REGIONS.townA : REGIONS.city;
      users.set(role, await t.user(role, region));
    }
    const wrong: string[] = [];
    let calls = 0;
    for (const { key, root, field } of roots) {
      // Logging in is ANYONE's and tried under made-up names would only lock them out; nothing to learn.
      if (key === 'Mutation.login') continue;
      const op = operationOf(root, field);
      const access = OPERATION_SCOPES[key];
      await Promise.all(
        [...users].map(async ([who, user]) => {
          const got = outcome(await t.exec(user, op.query, op.variables));
          calls += 1;
          const allowed = mayCall(access, user ? user.actor.scopes : null);
          if (who === 'anonymous') {
            if (access !== ANYONE && got !== 'UNAUTHENTICATED') wrong.push(`${key} anonymous: ${got}, expected UNAUTHENTICATED`);
          } else if (!allowed && !got.startsWith('FORBIDDEN:')) wrong.push(`${key} ${who}: ${got}, but not declared callable (expected FORBIDDEN for a scope)`);
          else if (allowed && got.startsWith('FORBIDDEN:')) wrong.push(`${key} ${who}: ${got}, but declared callable`);
        }),
      );
    }
    console.info(`operation scopes: ${calls} calls (${roots.length} root fields × ${users.size} callers)`);
    expect(wrong).toEqual([]);
  }, 60_000);
});
