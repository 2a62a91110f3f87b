/**
 * The GraphQL POST taken before Express (server.ts graphqlPost): which requests it takes, and that what it answers is
 * what Express's route answers for the same request (status, body, security headers, compression, the client's
 * address in the audit, errors for a body that is not JSON).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../packages/api/src/server.js';
import { createTestApp, REGIONS, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/app.js';
import { registerElder } from '../helpers/elders.js';

let t: TestApp;
let admin: TestUser;
let served: { url: string; close: () => Promise<void> };
let token: string;
let elderId: string;
/** A server answering only what the front takes; anything it passes on gets 299 "express". */
let frontOnly: Server;
let frontUrl: string;

const ELDER = `query($id: ID!) { elder(id: $id) { id name idNumber region { name } } }`;
const LIST = `{ elders(first: 50) { totalCount nodes { id name idNumber gender region { name fullName } } } }`;

async function post(url: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}, path = '/graphql') {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.user('ADMIN', REGIONS.city, 'http_admin');
  served = await t.listen();
  const login = await post(served.url, JSON.stringify({ query: `mutation { login(username: "http_admin", password: "${TEST_PASSWORD}") { token } }` }));
  token = JSON.parse(login.text).data.login.token;
  elderId = (await registerElder(t, admin, { name: '卢桂英' })).id;
  for (let i = 0; i < 12; i++) await registerElder(t, admin, { name: `卢${'一二三四五六七八九十甲乙'[i]}` });
  const { graphqlFront, apollo } = await createApp(t.options);
  frontOnly = createServer((req, res) => {
    if (graphqlFront(req, res)) return;
    res.statusCode = 299;
    res.end('express');
  });
  frontOnly.on('close', () => void apollo.stop());
  await new Promise<void>((resolve) => frontOnly.listen(0, resolve));
  frontUrl = `http://localhost:${(frontOnly.address() as AddressInfo).port}`;
});
afterAll(async () => {
  frontOnly.closeAllConnections();
  await new Promise<void>((resolve) => frontOnly.close(() => resolve()));
  await served.close();
  await t.close();
});

describe('the GraphQL POST before Express', () => {
  it('takes a JSON POST to /graphql and passes every other request on', async () => {
    const body = JSON.stringify({ query: ELDER, variables: { id: elderId } });
    const taken = await post(frontUrl, body);
    expect(taken.status).toBe(200);
    expect(JSON.parse(taken.text).data.elder.name).toBe('卢桂英');
    expect((await post(frontUrl, body, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);

    const passedOn = [
      await post(frontUrl, new Uint8Array(gzipSync(body)), { 'content-encoding': 'gzip' }),
      await post(frontUrl, body, {}, '/graphql?x=1'),
      await post(frontUrl, body, {}, '/graphql/'),
      await post(frontUrl, body, { 'content-type': 'application/json; charset=utf-16' }),
      await post(frontUrl, body, { 'content-type': 'text/plain' }),
      // No Content-Length: a streamed body.
      await (async () => {
        const response = await fetch(`${frontUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(body)); c.close(); } }),
          duplex: 'half',
        } as RequestInit);
        return { status: response.status, text: await response.text() };
      })(),
    ];
    for (const r of passedOn) expect([r.status, r.text]).toEqual([299, 'express']);
    const get = await fetch(`${frontUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(299);
  });

  it('answers as Express does: body, status, security headers and compression', async () => {
    for (const [query, variables] of [[ELDER, { id: elderId }], [LIST, {}], ['{ elder(id: "nope") { id } }', {}]] as const) {
      const body = JSON.stringify({ query, variables });
      for (const encoding of ['identity', 'gzip']) {
        const headers = { 'accept-encoding': encoding };
        const [front, viaExpress] = [await post(served.url, body, headers), await post(served.url, body, headers, '/graphql?via=express')];
        expect(front.status).toBe(viaExpress.status);
        expect(front.text).toBe(viaExpress.text);
        for (const h of ['content-type', 'content-encoding', 'vary', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy']) {
          expect([h, front.headers.get(h)]).toEqual([h, viaExpress.headers.get(h)]);
        }
      }
    }
  });

  it('compresses a large answer for a client that accepts gzip, and only then', async () => {
    const body = JSON.stringify({ query: LIST });
    const raw = (accept: string) =>
      new Promise<{ encoding: string | undefined; vary: string | undefined; bytes: Buffer }>((resolve, reject) => {
        const url = new URL(`${served.url}/graphql`);
        const data = Buffer.from(body);
        import('node:http').then(({ request }) => {
          const req = request(
            { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length, authorization: `Bearer ${token}`, 'accept-encoding': accept } },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve({ encoding: res.headers['content-encoding'], vary: res.headers.vary, bytes: Buffer.concat(chunks) }));
            },
          );
          req.on('error', reject);
          req.end(data);
        }, reject);
      });
    const gz = await raw('gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gz.vary).toBe('Accept-Encoding');
    const plain = await raw('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.vary).toBe('Accept-Encoding');
    expect(plain.bytes.length).toBeGreaterThan(1024);
    expect(gunzipSync(gz.bytes).toString()).toBe(plain.bytes.toString());
    expect(JSON.parse(plain.bytes.toString()).data.elders.nodes).toHaveLength(13);
  });

  it('refuses a body that is not a JSON object as Express does, in the asked language', async () => {
    for (const bad of ['{"query": ', '123', '"text"', 'null']) {
      for (const lang of ['zh', 'en']) {
        const headers = { 'accept-language': lang };
        const [front, viaExpress] = [await post(served.url, bad, headers), await post(served.url, bad, headers, '/graphql?via=express')];
        expect(front.status).toBe(400);
        expect(JSON.parse(front.text)).toEqual(JSON.parse(viaExpress.text));
        expect(JSON.parse(front.text)).toMatchObject({ code: 'BAD_REQUEST', message: lang === 'en' ? 'The request body is not valid JSON' : '请求体不是有效的 JSON' });
        expect(front.headers.get('x-frame-options')).toBe('DENY');
      }
    }
    // An empty body and a byte order mark: as body-parser reads them.
    const [empty, emptyExpress] = [await post(served.url, ''), await post(served.url, '', {}, '/graphql?via=express')];
    expect([empty.status, empty.text]).toEqual([emptyExpress.status, emptyExpress.text]);
    const bom = await post(served.url, `\uFEFF${JSON.stringify({ query: '{ me { username } }' })}`);
    expect(JSON.parse(bom.text).data.me.username).toBe('http_admin');
  });

  it("writes the client's address from a trusted proxy into the read audit", async () => {
    const body = JSON.stringify({ query: ELDER, variables: { id: elderId } });
    await post(served.url, body, { 'x-forwarded-for': '203.0.113.44' });
    const rows = await t.sql<{ ip: string }>(
      `select ip from audit_event where action = 'ELDER_READ' and elder_id = $1 and actor_id = $2 order by id desc limit 1`,
      [elderId, admin.id],
    );
    expect(rows[0]?.ip).toBe('203.0.113.44');
  });
});
