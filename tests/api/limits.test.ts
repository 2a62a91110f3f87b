/**
 * Limits that hold (issue 12, item 3): the response-size limit is decided on the operation AND its variable values
 * (and defaults), so `first: $n` with `$n = 100` is judged exactly like `first: 100`; what execution actually
 * produces is counted as a second line; the schema's documented maxima (`changes(first: 1000)`) pass.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toConnection } from '../../packages/api/src/graphql/pagination.js';
import { requestScope } from '../../packages/api/src/shared/request-scope.js';
import { codeOf, createTestApp, ok, REGIONS, TEST_PASSWORD, type GqlResult, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

let t: TestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city, 'limits_admin');
  for (const name of ['关国华', '关永', '梁玉']) await registerElder(t, admin, { name });
});
afterAll(async () => {
  await t.close();
});

/** The query: `aliases` times a page of elders, each with a page of visits and their visitors. */
function nested(aliases: number, n: string): string {
  return Array.from(
    { length: aliases },
    (_, i) => `a${i}: elders(first: ${n}) { totalCount nodes { id name visits(first: ${n}) { nodes { id visitedOn visitor { id name } } } } }`,
  ).join('\n');
}

interface Decision {
  refused: boolean;
  code: string | undefined;
  objects: unknown;
}

function decision(result: GqlResult<unknown>): Decision {
  const refused = result.errors?.some((e) => e.extensions?.limit === 'MAX_RESPONSE_OBJECTS') ?? false;
  return { refused, code: codeOf(result), objects: refused ? result.errors![0]!.extensions!.objects : null };
}

/** Runs the same query with the page size inline and as a variable; both must get the same decision. */
async function both(body: (n: string) => string, n: number): Promise<[Decision, Decision]> {
  const inline = await t.exec(admin, `query { ${body(String(n))} }`);
  const withVariable = await t.exec(admin, `query($n: Int) { ${body('$n')} }`, { n });
  return [decision(inline), decision(withVariable)];
}

describe('inline and variable page sizes get the same decision', () => {
  it('the issue query: 20 aliases of elders(first: 100) { visits(first: 100) { visitor } } is refused both ways', async () => {
    const [inline, variable] = await both((n) => nested(20, n), 100);
    expect(inline).toMatchObject({ refused: true, code: 'BAD_USER_INPUT' });
    expect(variable).toEqual(inline);
    expect(inline.objects).toBeGreaterThan(10_000);
  });

  it('one alias of it is still refused both ways (up to 10,000 visits)', async () => {
    const [inline, variable] = await both((n) => nested(1, n), 100);
    expect(inline.refused).toBe(true);
    expect(variable).toEqual(inline);
  });

  it('a reasonable page of it passes both ways, with the data', async () => {
    const [inline, variable] = await both((n) => nested(1, n), 20);
    expect(inline).toEqual({ refused: false, code: undefined, objects: null });
    expect(variable).toEqual(inline);
    const data = ok(await t.exec<any>(admin, `query($n: Int) { ${nested(1, '$n')} }`, { n: 20 }));
    expect(data.a0.totalCount).toBe(3);
  });

  it("a variable's default value counts like a value sent", async () => {
    const withDefault = decision(await t.exec(admin, `query($n: Int = 100) { ${nested(20, '$n')} }`));
    const [inline] = await both((n) => nested(20, n), 100);
    expect(withDefault).toEqual(inline);
    const smallDefault = decision(await t.exec(admin, `query($n: Int = 5) { ${nested(1, '$n')} }`));
    expect(smallDefault.refused).toBe(false);
  });

  it('fragments and inline fragments are counted too', async () => {
    const viaFragment = await t.exec(
      admin,
      `query($n: Int) { a: elders(first: $n) { ...E } b: elders(first: $n) { ... on ElderConnection { ...E } } }
       fragment E on ElderConnection { nodes { id visits(first: $n) { nodes { id visitor { id } } } } }`,
      { n: 100 },
    );
    expect(decision(viaFragment).refused).toBe(true);
  });

  it('the message says what to do, in English when asked', async () => {
    const response = await fetch(`${(await listenOnce()).url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en', authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ query: `query($n: Int) { ${nested(20, '$n')} }`, variables: { n: 100 } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0].message).toMatch(/^Response too large: at most 10,000 objects per response, this query could return [\d,]+\. Ask for smaller pages/);
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_RESPONSE_OBJECTS', maxObjects: 10_000 });
  });
});

describe('documented maxima pass', () => {
  const ENTRIES = `entries { seq cursor at entity entityId elderId op } endCursor hasMore`;

  it('changes(first: 1000) with every field, inline and as a variable', async () => {
    const inline = await t.exec<any>(admin, `{ changes(first: 1000) { ${ENTRIES} } }`);
    expect(inline.errors).toBeUndefined();
    expect(inline.data.changes.entries.length).toBeGreaterThan(0);
    const variable = await t.exec<any>(admin, `query($n: Int) { changes(first: $n) { ${ENTRIES} } }`, { n: 1000 });
    expect(variable.errors).toBeUndefined();
  });

  it('elders(first: 100) with a visits page of 20', async () => {
    const result = await t.exec(admin, `{ elders(first: 100) { totalCount edges { cursor node { id name region { code name } visits(first: 20) { totalCount nodes { id visitedOn } } } } } }`);
    expect(result.errors).toBeUndefined();
  });

  it('eleven pages of the change feed at once are too many, both ways', async () => {
    const body = (n: string) => Array.from({ length: 11 }, (_, i) => `c${i}: changes(first: ${n}) { entries { seq } }`).join(' ');
    const [inline, variable] = await both(body, 1000);
    expect(inline.refused).toBe(true);
    expect(variable).toEqual(inline);
  });
});

// An HTTP server over the same database, with a small limit (50 objects) for the execution-time tests.
let server: { url: string; close: () => Promise<void> } | null = null;
let small: { url: string; close: () => Promise<void> } | null = null;
let bearer: string | null = null;
async function listenOnce() {
  server ??= await t.listen();
  return server;
}
async function token() {
  if (!bearer) {
    const response = await fetch(`${(await listenOnce()).url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { login(username: "limits_admin", password: "${TEST_PASSWORD}") { token } }` }),
    });
    bearer = ((await response.json()) as any).data.login.token as string;
  }
  return bearer;
}
afterAll(async () => {
  await server?.close();
  await small?.close();
});

describe('the second line: what execution produces is counted', () => {
  async function postSmall(query: string) {
    small ??= await t.listen({ maxResponseObjects: 50 });
    const response = await fetch(`${small.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('a list without `first` (estimated as one item) that yields more is refused whole', async () => {
    // Every town of 开平市 with its villages: a few hundred regions, estimated as 2 objects.
    const result = await postSmall(`{ regions(parentCode: "${REGIONS.city}") { code children { code } } }`);
    expect(result.status).toBe(400);
    expect(result.body.data ?? null).toBeNull();
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_RESPONSE_OBJECTS', maxObjects: 50 });
    expect(result.body.errors[0].extensions.objects).toBeGreaterThan(50);
    expect(result.body.errors[0].message).toMatch(/返回了超过/);
  });

  it('a small answer from the same list passes', async () => {
    const result = await postSmall(`{ regions(parentCode: "${REGIONS.townB}") { code } }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data.regions.length).toBeGreaterThan(0);
    expect(result.body.data.regions.length).toBeLessThan(50);
  });

  it('pages stop growing as soon as a query is over its budget', () => {
    const scope = { sqlStatements: 0, objectBudget: 5 };
    requestScope.run(scope, () => {
      toConnection([1, 2, 3], String, false, false, 3);
      expect(() => toConnection([4, 5, 6], String, false, false, 3)).toThrow(/at most 5 objects|最多返回 5/);
    });
    expect(scope).toMatchObject({ objectsProduced: 6, overBudget: true });
    // Outside a query (no budget: mutations, services called directly) nothing is counted.
    requestScope.run({ sqlStatements: 0 }, () => expect(toConnection([1, 2, 3], String, false, false, 3).nodes).toHaveLength(3));
  });
});
